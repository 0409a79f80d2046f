#!/usr/bin/env python3
"""A second, independent verifier of Amphi exam logs, written from AUDIT-FORMAT.md alone.

Python 3, standard library only. It shares no code with the platform: the build runs it on the
test vectors and on real exports and fails when its verdict differs from `./audit verify`.

    amphi_verify.py verify --file EXAM.ndjson [--expected-root HEX] [--expected-publication-root HEX] [--json]
    amphi_verify.py prove --file EXAM.ndjson --session SESSION
    amphi_verify.py check-receipt --receipt R.json --proof P.json --expected-root HEX --public-key HEX [--json]
    amphi_verify.py vectors EXPORT.ndjson HASHES.json

Exit codes: 0 clean, 1 at least one discrepancy, 2 the command or the file could not be read.
"""

import argparse
import base64
import hashlib
import json
import re
import struct
import sys
import time

FORMAT = "amphi-audit-log/v2"
SEALED = "io.amphi.delivery.api.Events$ExamSealed"
KEY_PUBLISHED = "io.amphi.scoring.api.ScoringEvents$AnswerKeyPublished"
RESULTS_PUBLISHED = "io.amphi.scoring.api.ScoringEvents$ResultsPublished"
SUBMITTED = "io.amphi.delivery.api.Events$SessionSubmitted"
JOURNAL_UPLOADED = "io.amphi.delivery.api.Events$OfflineAnswersUploaded"
JOURNAL_ACCEPTED = "io.amphi.delivery.api.Events$OfflineAnswersAccepted"
JOURNAL_REJECTED = "io.amphi.delivery.api.Events$OfflineAnswersRejected"
CONTENT_PUBLISHED = "io.amphi.delivery.api.Events$ExamContentPublished"
HASH = re.compile(r"[0-9a-f]{64}\Z")
BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\Z")
DECIMAL = re.compile(r"-?[0-9]+\.[0-9]{3}\Z")
ZERO = bytes(32)
INT32 = 2 ** 31 - 1
INT64 = 2 ** 63 - 1


class Unreadable(Exception):
    """The file does not have the shape the specification gives: nothing can be concluded."""


def sha256(data):
    return hashlib.sha256(data).digest()


def utf8(text):
    return text.encode("utf-8", "replace")


def field(value):
    """F(x): length as a 4-byte big-endian signed integer, -1 for null, then the bytes."""
    if value is None:
        return struct.pack(">i", -1)
    return struct.pack(">i", len(value)) + value


MAX_DEPTH, MAX_DIGITS, MAX_STRING, MAX_NAME, MAX_LINE = 100, 100, 20000000, 50000, 64 * 1024 * 1024
SURROGATE = re.compile("[\ud800-\udfff]")


def _no_constants(name):
    raise ValueError("not JSON: " + name)


def _number(kind):
    def parse(literal):
        if sum(c.isdigit() for c in literal) > MAX_DIGITS:
            raise ValueError("a number of more than %d digits" % MAX_DIGITS)
        return kind(literal)
    return parse


def utf16_length(text):
    """Length in UTF-16 code units, as the limits count it (a character beyond U+FFFF counts two)."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _short(text, limit):
    return len(text) <= limit and (2 * len(text) <= limit or utf16_length(text) <= limit)


def _within_limits(value, depth):
    if isinstance(value, str):
        return _short(value, MAX_STRING)
    if isinstance(value, (dict, list)):
        if depth > MAX_DEPTH:
            return False
        if isinstance(value, dict):
            return all(_short(k, MAX_NAME) and _within_limits(v, depth + 1) for k, v in value.items())
        return all(_within_limits(v, depth + 1) for v in value)
    return True


def _no_repeated_members(pairs):
    names = set()
    for name, _ in pairs:
        if name in names:
            raise ValueError("member %s appears twice" % json.dumps(name[:32]))
        names.add(name)
    return dict(pairs)


def strict_json(text):
    """JSON as AUDIT-FORMAT.md reads it (section 2): one value, no NaN, nesting, numbers and strings bounded."""
    try:
        value = json.loads(text, parse_constant=_no_constants, parse_int=_number(int), parse_float=_number(float),
                           object_pairs_hook=_no_repeated_members)
    except RecursionError:
        raise ValueError("nested more than %d deep" % MAX_DEPTH)
    if not _within_limits(value, 1):
        raise ValueError("beyond the limits of AUDIT-FORMAT.md section 2")
    return value


def well_formed(value):
    """No string or name holds half of a surrogate pair (json accepts "\\ud800", which is not Unicode)."""
    if isinstance(value, str):
        return SURROGATE.search(value) is None
    if isinstance(value, dict):
        return all(well_formed(k) and well_formed(v) for k, v in value.items())
    if isinstance(value, list):
        return all(well_formed(v) for v in value)
    return True


def is_whole(value, largest):
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= largest


def is_hash(value):
    return isinstance(value, str) and HASH.match(value) is not None


# --- hashes -------------------------------------------------------------------------------------

class Event:
    __slots__ = ("event_id", "aggregate", "sequence", "aggregate_type", "timestamp", "payload_type",
                 "payload_revision", "payload", "meta_data", "chain_hash")

    def __init__(self, **fields):
        for name, value in fields.items():
            setattr(self, name, value)

    def at(self, sequence):
        copy = Event(**{name: getattr(self, name) for name in self.__slots__})
        copy.sequence = sequence
        return copy


def event_input(previous, event):
    def text(value):
        return field(None if value is None else utf8(value))
    return (b"amphi-event-v1" + previous + text(event.event_id) + text(event.aggregate)
            + text(str(event.sequence)) + text(event.aggregate_type) + text(event.timestamp)
            + text(event.payload_type) + text(event.payload_revision) + field(event.payload)
            + field(event.meta_data))


def event_hash(previous, event):
    return sha256(event_input(previous, event))


def node(left, right):
    return sha256(b"\x01" + left + right)


def merkle_root(leaf_hashes):
    if not leaf_hashes:
        return sha256(b"\x02")
    level = list(leaf_hashes)
    while len(level) > 1:
        level = [node(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
                 for i in range(0, len(level), 2)]
    return level[0]


def session_leaf(session_id, last_sequence, final_hash):
    identifier = utf8(session_id)
    return sha256(b"\x00" + struct.pack(">I", len(identifier)) + identifier
                  + struct.pack(">q", last_sequence) + final_hash)


def exam_root(leaves):
    """leaves: (session id, last sequence, final hash), in any order."""
    ordered = sorted(leaves, key=lambda leaf: utf8(leaf[0]))
    return merkle_root([session_leaf(*leaf) for leaf in ordered])


def result_leaf(result):
    data = (b"\x00" + field(utf8(result["session"])) + struct.pack(">i", result["keyVersion"])
            + field(utf8(result["ruleSet"])) + struct.pack(">q", result["lastSequence"])
            + bytes.fromhex(result["lastEventHash"]) + field(utf8(result["total"]))
            + struct.pack(">i", len(result["questions"])))
    for question in result["questions"]:
        data += field(utf8(question["question"])) + field(utf8(question["points"]))
    return sha256(data)


def results_root(results):
    ordered = sorted(results, key=lambda result: utf8(result["session"]))
    return merkle_root([result_leaf(result) for result in ordered])


def publication_root(p):
    return sha256(b"amphi-publication-v1" + field(utf8(p["examId"])) + struct.pack(">i", p["publication"])
                  + bytes.fromhex(p["previousRoot"]) + bytes.fromhex(p["examRoot"])
                  + struct.pack(">q", p["scoringLastSequence"]) + bytes.fromhex(p["scoringFinalHash"])
                  + struct.pack(">i", p["keyVersion"]) + field(utf8(p["ruleSet"]))
                  + struct.pack(">i", p["results"]) + bytes.fromhex(p["resultsRoot"]))


def audit_path(leaf_hashes, index):
    """RFC 6962 PATH(m, D[n]): sibling hashes, the deepest first."""
    if len(leaf_hashes) <= 1:
        return []
    split = 1
    while split * 2 < len(leaf_hashes):
        split *= 2
    if index < split:
        return audit_path(leaf_hashes[:split], index) + [merkle_root(leaf_hashes[split:])]
    return audit_path(leaf_hashes[split:], index - split) + [merkle_root(leaf_hashes[:split])]


def root_from_path(leaf_hash, index, size, path):
    """RFC 9162, section 2.1.3.2; None when the path cannot belong to a tree of that size."""
    if index < 0 or index >= size:
        return None
    fn, sn, r = index, size - 1, leaf_hash
    for sibling in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node(sibling, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, sibling)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


# --- reading the file ---------------------------------------------------------------------------

def read_stream(path):
    """The header, then ("event", Event) and ("result", dict) items one line at a time, as read.

    Lines end at LF, CR LF or a lone CR (universal newlines, as Java's readLine); the file is read
    as strict UTF-8, so any invalid byte makes it unreadable.
    """
    handle = open(path, encoding="utf-8", errors="strict", newline=None)
    lines = iter(handle)

    def next_line():
        try:
            line = next(lines)
        except StopIteration:
            return None
        except UnicodeDecodeError as error:
            raise Unreadable("the file is not UTF-8: " + str(error))
        return line[:-1] if line.endswith("\n") else line

    first = next_line()
    header = parse_line(first, 1) if first is not None else None
    if header is None or header.get("format") != FORMAT:
        handle.close()
        raise Unreadable("it is not an %s file: its first line must say \"format\":\"%s\"" % (FORMAT, FORMAT))
    if (not isinstance(header.get("exam"), str) or not is_whole(header.get("events"), INT64)
            or not is_whole(header.get("results"), INT64)):
        handle.close()
        raise Unreadable("its header must give \"exam\" (a string), \"events\" and \"results\" (numbers of lines)")

    def items():
        with handle:
            number, in_results = 1, False
            while True:
                text = next_line()
                if text is None:
                    return
                number += 1
                if text == "":
                    continue
                line = parse_line(text, number)
                if "result" in line:
                    in_results = True
                    yield "result", read_result(line, number)
                elif in_results:
                    raise Unreadable("line %d: an event line after the result lines" % number)
                else:
                    yield "event", read_event(line, number)

    return header, items()


def read_log(path):
    """The whole file in memory: for small files (the test vectors, a proof)."""
    header, items = read_stream(path)
    events, results = [], []
    for kind, item in items:
        (events if kind == "event" else results).append(item)
    return header, events, results


def parse_line(text, number):
    if not _short(text, MAX_LINE):
        raise Unreadable("line %d is longer than %d characters" % (number, MAX_LINE))
    try:
        value = strict_json(text)
    except ValueError as error:
        raise Unreadable("line %d is not JSON (%s)" % (number, error))
    if not isinstance(value, dict):
        raise Unreadable("line %d is not a JSON object" % number)
    if not well_formed(value):
        raise Unreadable("line %d: a string holds half of a surrogate pair, which is not Unicode" % number)
    return value


def text_field(line, name, nullable, number):
    value = line.get(name)
    if isinstance(value, str):
        return value
    if nullable and value is None:
        return None
    raise Unreadable("line %d: \"%s\" must be a string%s" % (number, name, " or null" if nullable else ""))


def base64_field(line, name, nullable, number):
    value = text_field(line, name, nullable, number)
    if value is None:
        return None
    if not BASE64.match(value):
        raise Unreadable("line %d: \"%s\" must be padded base64" % (number, name))
    return base64.b64decode(value, validate=True)


def hash_field(line, name, nullable, number):
    value = text_field(line, name, nullable, number)
    if value is None:
        return None
    if not HASH.match(value):
        raise Unreadable("line %d: \"%s\" must be 64 lowercase hex digits" % (number, name))
    return bytes.fromhex(value)


def decimal_field(line, name, number):
    value = text_field(line, name, False, number)
    if not DECIMAL.match(value):
        raise Unreadable("line %d: \"%s\" must be a decimal with three digits after the point" % (number, name))
    return value


def read_event(line, number):
    if not is_whole(line.get("sequence"), INT64):
        raise Unreadable("line %d: \"sequence\" must be a whole number from 0" % number)
    return Event(event_id=text_field(line, "eventId", False, number),
                 aggregate=text_field(line, "aggregate", False, number),
                 sequence=line["sequence"],
                 aggregate_type=text_field(line, "aggregateType", True, number),
                 timestamp=text_field(line, "timestamp", True, number),
                 payload_type=text_field(line, "payloadType", True, number),
                 payload_revision=text_field(line, "payloadRevision", True, number),
                 payload=base64_field(line, "payload", False, number),
                 meta_data=base64_field(line, "metaData", True, number),
                 chain_hash=hash_field(line, "chainHash", True, number))


def read_result(line, number):
    if len(line) != 1 or not isinstance(line["result"], dict):
        raise Unreadable("line %d: a result line is {\"result\":{...}} and nothing else" % number)
    result = line["result"]
    if (not is_whole(result.get("keyVersion"), INT32) or not is_whole(result.get("lastSequence"), INT64)
            or not isinstance(result.get("questions"), list)):
        raise Unreadable("line %d: a result line gives keyVersion, lastSequence and questions" % number)
    questions = []
    for question in result["questions"]:
        if not isinstance(question, dict):
            raise Unreadable("line %d: each question is an object" % number)
        questions.append({"question": text_field(question, "question", False, number),
                          "points": decimal_field(question, "points", number)})
    return {"session": text_field(result, "session", False, number), "keyVersion": result["keyVersion"],
            "ruleSet": text_field(result, "ruleSet", False, number), "lastSequence": result["lastSequence"],
            "lastEventHash": hash_field(result, "lastEventHash", False, number).hex(),
            "total": decimal_field(result, "total", number), "questions": questions}


def runs_of(events):
    runs = []
    for event in events:
        if runs and runs[-1][0].aggregate == event.aggregate:
            runs[-1].append(event)
        else:
            runs.append([event])
    return runs


# --- verifying ----------------------------------------------------------------------------------

def linked_previous(event):
    if event.meta_data is None:
        return None
    try:
        meta = strict_json(event.meta_data.decode("utf-8"))
    except ValueError:
        return None
    value = meta.get("previousHash") if isinstance(meta, dict) else None
    return value if isinstance(value, str) else None


MOVED_FROM_POSITIONS, MOVED_FROM_BYTES = 1024, 1048576


def moved_from(event, linked_hash, events):
    """Whether the event hashes to its chain hash at another position held in the run (bounded search)."""
    if len(event.payload) + len(event.meta_data or b"") > MOVED_FROM_BYTES:
        return False
    others = [other.sequence for other in events if other.sequence != event.sequence][:MOVED_FROM_POSITIONS]
    return any(event_hash(linked_hash, event.at(position)) == event.chain_hash for position in others)


def verify_chain(events):
    """(finding or None, last sequence, final hash); a finding is (problem, sequence)."""
    last = events[-1].sequence
    sequences = [event.sequence for event in events]
    ordered = sorted(sequences)
    for i in range(1, len(ordered)):
        if ordered[i] == ordered[i - 1]:
            return ("DUPLICATE", ordered[i]), last, ZERO
    for i in range(1, len(sequences)):
        if sequences[i] < sequences[i - 1]:
            return ("REORDERED", sequences[i]), last, ZERO
    previous, expected = ZERO, 0
    for event in events:
        linked = linked_previous(event)
        if event.sequence > expected:
            return ("MISSING", expected), last, previous
        if event.chain_hash is None:
            return ("UNCHAINED", expected), last, previous
        recomputed = event_hash(previous, event)
        if recomputed == event.chain_hash:
            if linked != previous.hex():
                return ("BROKEN_LINK", expected), last, previous
            previous, expected = recomputed, expected + 1
            continue
        linked_hash = bytes.fromhex(linked) if is_hash(linked) else None
        if linked_hash is not None and moved_from(event, linked_hash, events):
            return ("REORDERED", expected), last, previous
        if linked_hash is not None and linked_hash != previous and event_hash(linked_hash, event) == event.chain_hash:
            return ("BROKEN_LINK", expected), last, previous
        return ("ALTERED", expected), last, previous
    return None, expected - 1, previous


def payload_json(event):
    try:
        return strict_json(event.payload.decode("utf-8"))
    except ValueError:
        return {}


def same_json(a, b):
    """Equal as section 8 step 1.4 defines it: the same type, members in any order, whole numbers by value;
    a number with a fraction or an exponent equals nothing."""
    if type(a) is not type(b) or isinstance(a, float):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    return a == b


def content_problem(exam, release, run):
    """Why a content release is not as section 8 step 1.5 requires, or None."""
    event = run[0]
    payload = payload_json(event)
    if not isinstance(payload, dict):
        payload = {}
    version = payload.get("contentVersion")
    if len(run) != 1:
        return "a content release holds one event; this one holds %d" % len(run)
    if event.payload_type != CONTENT_PUBLISHED:
        return "a content release's event is " + CONTENT_PUBLISHED
    if payload.get("examId") != exam:
        return "the content published is not of exam " + exam
    if not is_whole(version, 2**63 - 1) or release != exam + "/content/" + str(version):
        return "the content version is not the one the release's id names"
    if not is_hash(payload.get("contentSha256")):
        return "contentSha256 is not 64 lowercase hex digits"
    return None


def journal_problem(run):
    """The first offline journal event that section 8 step 1.4 does not allow: (sequence, why), or None."""
    submitted, at_deadline, uploads, decided = False, False, {}, set()
    for event in run:
        kind = event.payload_type
        if kind == SUBMITTED:
            submitted = True
            submission = payload_json(event)
            at_deadline = isinstance(submission, dict) and submission.get("cause") == "DEADLINE"
            continue
        if kind not in (JOURNAL_UPLOADED, JOURNAL_ACCEPTED, JOURNAL_REJECTED):
            continue
        payload = payload_json(event)
        upload = payload.get("uploadId") if isinstance(payload, dict) else None
        problem = None
        if not submitted:
            problem = "an offline journal event before the session was handed in"
        elif not at_deadline:
            problem = "an offline journal of a session its candidate handed in"
        elif not isinstance(upload, str):
            problem = "an offline journal event without its upload id"
        elif kind == JOURNAL_UPLOADED:
            if upload in uploads:
                problem = "the same journal uploaded twice"
            else:
                uploads[upload] = payload.get("entries") if isinstance(payload.get("entries"), list) else []
        elif upload not in uploads:
            problem = "a decision about a journal the session has no upload of"
        elif upload in decided:
            problem = "a second decision about one journal"
        else:
            decided.add(upload)
            if kind == JOURNAL_ACCEPTED:
                applied = payload.get("applied") if isinstance(payload.get("applied"), list) else []
                if any(not any(same_json(answer, entry) for entry in uploads[upload]) for answer in applied):
                    problem = "an accepted answer the upload does not hold"
        if problem:
            return event.sequence, problem
    return None


def readable_seal(seal):
    if not isinstance(seal, dict) or not is_hash(seal.get("merkleRoot")) or not isinstance(seal.get("sessions"), list):
        return False
    return all(isinstance(s, dict) and isinstance(s.get("sessionId"), str) and is_whole(s.get("lastSequence"), INT64)
               and is_hash(s.get("finalHash")) for s in seal["sessions"])


def whole_or_zero(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and -2 ** 31 <= value <= INT32 else 0


def publication_problem(scoring_id, p, number, previous_root, recorded_exam_root, before, intact, latest_key,
                        latest_rule_set):
    if not isinstance(p, dict):
        return "it is not a JSON object"
    for name in ("previousRoot", "examRoot", "scoringFinalHash", "resultsRoot", "publicationRoot"):
        if not is_hash(p.get(name)):
            return "it records no " + name
    for name in ("publication", "keyVersion", "results"):
        if not is_whole(p.get(name), INT32):
            return "it records no " + name
    if not is_whole(p.get("scoringLastSequence"), INT64):
        return "it records no scoringLastSequence"
    if not isinstance(p.get("ruleSet"), str) or not isinstance(p.get("examId"), str) \
            or p["examId"] + "/scoring" != scoring_id:
        return "it records no rule set, or another exam's id"
    recomputed = publication_root(p).hex()
    if recomputed != p["publicationRoot"]:
        return "its fields give root %s, it records %s" % (recomputed, p["publicationRoot"])
    if p["publication"] != number or bytes.fromhex(p["previousRoot"]) != previous_root:
        return "it does not follow the previous publication"
    if p["examRoot"] != recorded_exam_root:
        return "it names another exam root than the seal's"
    if intact and (before is None or before.sequence != p["scoringLastSequence"]
                   or before.chain_hash != bytes.fromhex(p["scoringFinalHash"])):
        return "it does not seal the scoring stream just before it"
    if p["keyVersion"] != latest_key or p["ruleSet"] != latest_rule_set:
        return "it does not publish the latest key"
    return None


def runs_streamed(items, results):
    """Runs of events as they come; result lines are collected into `results` on the way."""
    run = []
    for kind, item in items:
        if kind == "result":
            results.append(item)
        elif run and run[0].aggregate == item.aggregate:
            run.append(item)
        else:
            if run:
                yield run
            run = [item]
    if run:
        yield run


def verify(header, items, expected_root=None, expected_publication_root=None):
    """items: ("event", Event) and ("result", dict) in file order, as read_stream gives them."""
    exam = header["exam"]
    results = []
    event_count = 0
    scoring_id = exam + "/scoring"
    findings = []

    def find(problem, aggregate, event="-", detail=""):
        findings.append({"problem": problem, "aggregate": aggregate, "event": str(event), "detail": detail})

    sessions = {}
    seen = set()
    exam_run, scoring_run, scoring_intact = [], [], True
    for run in runs_streamed(items, results):
        event_count += len(run)
        aggregate = run[0].aggregate
        first = aggregate not in seen
        seen.add(aggregate)
        if not first:
            find("AGGREGATE_REPEATED", aggregate, run[0].sequence, "its events appear in more than one block")
        finding, last, final = verify_chain(run)
        if finding:
            find(finding[0], aggregate, finding[1])
        if aggregate == exam:
            if first:
                exam_run = run
        elif aggregate == scoring_id:
            if first:
                scoring_run, scoring_intact = run, finding is None
        elif aggregate.startswith(exam + ":"):
            if first:
                sessions[aggregate] = (last, final, finding is None)
                journal = journal_problem(run) if finding is None else None
                if journal:
                    find("JOURNAL_INCONSISTENT", aggregate, journal[0], journal[1])
        elif aggregate.startswith(exam + "/content/"):
            if first and finding is None:
                problem = content_problem(exam, aggregate, run)
                if problem:
                    find("CONTENT_INCONSISTENT", aggregate, run[0].sequence, problem)
        else:
            find("FOREIGN", aggregate, "-", "not an aggregate of exam " + exam)

    if header["events"] != event_count:
        find("EVENT_COUNT", exam, "-", "declared %d, found %d" % (header["events"], event_count))
    if header["results"] != len(results):
        find("RESULT_COUNT", exam, "-", "declared %d, found %d" % (header["results"], len(results)))
    counted, repeated = set(), []
    for result in results:
        if result["session"] in counted and result["session"] not in repeated:
            repeated.append(result["session"])
        counted.add(result["session"])
    for session in repeated:
        find("RESULT_REPEATED", session)

    all_intact = all(intact for _, _, intact in sessions.values())
    recomputed = exam_root([(sid, last, final) for sid, (last, final, _) in sessions.items()])
    seals = [event for event in exam_run if event.payload_type == SEALED]
    recorded_root = None
    if seals:
        for extra in seals[1:]:
            find("SEAL_REPEATED", exam, extra.sequence)
        before = len(findings)
        seal = payload_json(seals[0])
        if readable_seal(seal):
            recorded_root = seal["merkleRoot"]
            listed = set()
            leaves = []
            for sealed in seal["sessions"]:
                sid, last, final = sealed["sessionId"], sealed["lastSequence"], bytes.fromhex(sealed["finalHash"])
                leaves.append((sid, last, final))
                listed.add(sid)
                state = sessions.get(sid)
                if state is None:
                    find("MISSING_SESSION", sid)
                elif state[2] and (state[0] != last or state[1] != final):
                    find("CHANGED_AFTER_SEAL", sid, last)
            for sid in sessions:
                if sid not in listed:
                    find("NOT_IN_SEAL", sid)
            if exam_root(leaves).hex() != recorded_root:
                find("SEAL_INCONSISTENT", exam, seals[0].sequence)
        else:
            find("SEAL_INCONSISTENT", exam, seals[0].sequence, "the seal cannot be read")
        if len(findings) == before and recomputed.hex() != recorded_root:
            find("SEAL_DIFFERS", exam, seals[0].sequence)
    elif any(event.payload_type == KEY_PUBLISHED for event in scoring_run):
        find("SEAL_MISSING", exam)

    latest_key, latest_rule_set, number, previous_root = 0, None, 0, ZERO
    latest, latest_event, before = None, None, None
    for event in scoring_run:
        if event.payload_type == KEY_PUBLISHED:
            key = payload_json(event)
            key = key if isinstance(key, dict) else {}
            latest_key = whole_or_zero(key.get("keyVersion"))
            latest_rule_set = key.get("ruleSet") if isinstance(key.get("ruleSet"), str) else None
        elif event.payload_type == RESULTS_PUBLISHED:
            published = payload_json(event)
            problem = publication_problem(scoring_id, published, number + 1, previous_root, recorded_root, before,
                                          scoring_intact, latest_key, latest_rule_set)
            if problem:
                find("PUBLICATION_INCONSISTENT", scoring_id, event.sequence, problem)
            number += 1
            published = published if isinstance(published, dict) else {}
            root = published.get("publicationRoot")
            previous_root = bytes.fromhex(root) if is_hash(root) else ZERO
            latest, latest_event = published, event
        before = event
    latest_root = None
    if latest is not None:
        latest_root = latest.get("publicationRoot") if isinstance(latest.get("publicationRoot"), str) else None
        if latest_key <= whole_or_zero(latest.get("keyVersion")):
            count = latest.get("results")
            if results_root(results).hex() != latest.get("resultsRoot") or not is_whole(count, INT64) \
                    or count != len(results):
                find("RESULTS_DIFFER", scoring_id, latest_event.sequence)

    exam_root_given = recorded_root if recorded_root is not None else recomputed.hex()
    if expected_root is not None and expected_root.lower() != exam_root_given:
        find("NOT_THE_PUBLISHED_SEAL", exam)
    if expected_publication_root is not None and (
            latest_root is None or expected_publication_root.lower() != latest_root.lower()):
        find("NOT_THE_PUBLISHED_PUBLICATION", scoring_id)

    return {"exam": exam, "verdict": "DISCREPANCIES" if findings else "CLEAN", "events": event_count,
            "sessions": len(sessions), "intactSessions": sum(1 for s in sessions.values() if s[2]),
            "examRoot": recorded_root, "recomputedRoot": recomputed.hex() if all_intact else None,
            "publications": number, "publicationRoot": latest_root, "findings": findings}


# --- Ed25519 signature verification (RFC 8032, section 5.1.7) ------------------------------------

ED_P = 2 ** 255 - 19
ED_L = 2 ** 252 + 27742317777372353535851937790883648493
ED_D = -121665 * pow(121666, ED_P - 2, ED_P) % ED_P
ED_SQRT_M1 = pow(2, (ED_P - 1) // 4, ED_P)


def ed_recover_x(y, sign):
    if y >= ED_P:
        return None
    x2 = (y * y - 1) * pow(ED_D * y * y + 1, ED_P - 2, ED_P) % ED_P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (ED_P + 3) // 8, ED_P)
    if (x * x - x2) % ED_P != 0:
        x = x * ED_SQRT_M1 % ED_P
    if (x * x - x2) % ED_P != 0:
        return None
    if (x & 1) != sign:
        x = ED_P - x
    return x


def ed_add(p, q):
    a = (p[1] - p[0]) * (q[1] - q[0]) % ED_P
    b = (p[1] + p[0]) * (q[1] + q[0]) % ED_P
    c = 2 * p[3] * q[3] * ED_D % ED_P
    d = 2 * p[2] * q[2] % ED_P
    e, f, g, h = b - a, d - c, d + c, b + a
    return e * f % ED_P, g * h % ED_P, f * g % ED_P, e * h % ED_P


def ed_multiply(scalar, point):
    result = (0, 1, 1, 0)
    while scalar > 0:
        if scalar & 1:
            result = ed_add(result, point)
        point = ed_add(point, point)
        scalar >>= 1
    return result


def ed_equal(p, q):
    return (p[0] * q[2] - q[0] * p[2]) % ED_P == 0 and (p[1] * q[2] - q[1] * p[2]) % ED_P == 0


def ed_decompress(data):
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = ed_recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % ED_P)


ED_BASE_Y = 4 * pow(5, ED_P - 2, ED_P) % ED_P
ED_BASE = (ed_recover_x(ED_BASE_Y, 0), ED_BASE_Y, 1, ed_recover_x(ED_BASE_Y, 0) * ED_BASE_Y % ED_P)


def ed25519_verify(public_key, message, signature):
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = ed_decompress(public_key)
    r = ed_decompress(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= ED_L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % ED_L
    return ed_equal(ed_multiply(s, ED_BASE), ed_add(r, ed_multiply(h, a)))


# --- receipts and inclusion proofs --------------------------------------------------------------

def receipt_bytes(receipt):
    return (b"amphi-receipt-v1" + field(utf8(receipt["keyId"])) + field(utf8(receipt["sessionId"]))
            + struct.pack(">q", receipt["lastSequence"]) + bytes.fromhex(receipt["finalHash"])
            + field(utf8(receipt["submittedAt"])))


def read_json_file(path, fmt, fields):
    try:
        with open(path, encoding="utf-8") as handle:
            value = strict_json(handle.read())
    except ValueError as error:
        raise Unreadable("%s is not JSON (%s)" % (path, error))
    if not isinstance(value, dict) or value.get("format") != fmt:
        raise Unreadable("%s is not an %s file" % (path, fmt))
    for name, kind in fields.items():
        item = value.get(name)
        ok = {"text": isinstance(item, str), "hash": is_hash(item), "whole": is_whole(item, INT64),
              "hashes": isinstance(item, list) and all(is_hash(h) for h in item)}[kind]
        if not ok:
            raise Unreadable("%s: \"%s\" is missing or of the wrong kind" % (path, name))
    return value


def check_receipt(receipt_path, proof_path, expected_root, public_key):
    receipt = read_json_file(receipt_path, "amphi-receipt/v1", {"sessionId": "text", "lastSequence": "whole",
                             "finalHash": "hash", "submittedAt": "text", "keyId": "text", "signature": "text"})
    proof = read_json_file(proof_path, "amphi-inclusion-proof/v1", {"examId": "text", "sessionId": "text",
                           "lastSequence": "whole", "finalHash": "hash", "leafIndex": "whole", "treeSize": "whole",
                           "auditPath": "hashes", "examRoot": "hash"})
    if proof["treeSize"] > INT32 or proof["leafIndex"] >= proof["treeSize"]:
        raise Unreadable("%s: leafIndex must be below treeSize" % proof_path)
    if not BASE64.match(receipt["signature"]):
        raise Unreadable("%s: the signature is not padded base64" % receipt_path)
    signature = base64.b64decode(receipt["signature"], validate=True)
    findings = []
    key_id = "receipt-" + hashlib.sha256(public_key).hexdigest()[:16]
    if receipt["keyId"] != key_id or not ed25519_verify(public_key, receipt_bytes(receipt), signature):
        findings.append("RECEIPT_SIGNATURE")
    if (receipt["sessionId"], receipt["lastSequence"], receipt["finalHash"]) != (
            proof["sessionId"], proof["lastSequence"], proof["finalHash"]):
        findings.append("RECEIPT_NOT_SEALED")
    leaf = session_leaf(proof["sessionId"], proof["lastSequence"], bytes.fromhex(proof["finalHash"]))
    reached = root_from_path(leaf, proof["leafIndex"], proof["treeSize"], [bytes.fromhex(h) for h in proof["auditPath"]])
    if reached is None or reached.hex() != proof["examRoot"]:
        findings.append("PROOF_INVALID")
    if proof["examRoot"] != expected_root.lower():
        findings.append("NOT_THE_PUBLISHED_SEAL")
    return findings


def prove(header, events, session):
    exam = header["exam"]
    exam_run = next((run for run in runs_of(events) if run[0].aggregate == exam), [])
    seal = next((payload_json(e) for e in exam_run if e.payload_type == SEALED), None)
    if not readable_seal(seal):
        raise Unreadable("exam %s has no readable seal in this file" % exam)
    leaves = sorted(((s["sessionId"], s["lastSequence"], bytes.fromhex(s["finalHash"])) for s in seal["sessions"]),
                    key=lambda leaf: utf8(leaf[0]))
    index = next((i for i, leaf in enumerate(leaves) if leaf[0] == session), None)
    if index is None:
        raise Unreadable("the seal of exam %s lists no session %s" % (exam, session[:32]))
    hashes = [session_leaf(*leaf) for leaf in leaves]
    return {"format": "amphi-inclusion-proof/v1", "examId": exam, "sessionId": session,
            "lastSequence": leaves[index][1], "finalHash": leaves[index][2].hex(), "leafIndex": index,
            "treeSize": len(leaves), "auditPath": [h.hex() for h in audit_path(hashes, index)],
            "examRoot": seal["merkleRoot"]}


# --- the test vectors ---------------------------------------------------------------------------

def check_vectors(export, hashes):
    header, events, results = read_log(export)
    with open(hashes, encoding="utf-8") as handle:
        vectors = json.load(handle)
    wrong = []

    def expect(what, found, wanted):
        if found != wanted:
            wrong.append("%s: computed %s, the vectors say %s" % (what, found, wanted))

    by_position = {(v["aggregate"], v["sequence"]): v for v in vectors["events"]}
    for run in runs_of(events):
        previous = ZERO
        for event in run:
            vector = by_position[(event.aggregate, event.sequence)]
            expect("input of %s #%d" % (event.aggregate, event.sequence), event_input(previous, event).hex(),
                   vector["hashInput"])
            previous = event_hash(previous, event)
            expect("hash of %s #%d" % (event.aggregate, event.sequence), previous.hex(), vector["chainHash"])
    leaves = [bytes.fromhex(v["leafHash"]) for v in vectors["sessionLeaves"]]
    for index, leaf in enumerate(vectors["sessionLeaves"]):
        computed = session_leaf(leaf["sessionId"], leaf["lastSequence"], bytes.fromhex(leaf["finalHash"]))
        expect("leaf of " + leaf["sessionId"], computed.hex(), leaf["leafHash"])
        expect("audit path of " + leaf["sessionId"], [h.hex() for h in audit_path(leaves, index)], leaf["auditPath"])
        via_path = root_from_path(computed, leaf["leafIndex"], leaf["treeSize"],
                                  [bytes.fromhex(h) for h in leaf["auditPath"]])
        expect("root from the audit path of " + leaf["sessionId"], via_path.hex() if via_path else None,
               vectors["examRoot"])
    expect("exam root", merkle_root(leaves).hex(), vectors["examRoot"])
    for result, vector in zip(results, vectors["resultLeaves"]):
        expect("result leaf of " + result["session"], result_leaf(result).hex(), vector["leafHash"])
    expect("results root", results_root(results).hex(), vectors["resultsRoot"])
    publications = [payload_json(e) for e in events if e.payload_type == RESULTS_PUBLISHED]
    expect("publication roots", [publication_root(p).hex() for p in publications], vectors["publicationRoots"])
    for tree in vectors["merkleTrees"]:
        hashes = [session_leaf("s%d" % i, i, ZERO) for i in range(tree["size"])]
        expect("root of %d leaves" % tree["size"], merkle_root(hashes).hex(), tree["root"])
        for index, path in enumerate(tree["auditPaths"]):
            expect("audit path %d of %d" % (index, tree["size"]), [h.hex() for h in audit_path(hashes, index)], path)
            reached = root_from_path(hashes[index], index, tree["size"], [bytes.fromhex(h) for h in path])
            expect("root from path %d of %d" % (index, tree["size"]), reached.hex() if reached else None, tree["root"])
    verdict = verify(header, [("event", e) for e in events] + [("result", r) for r in results])
    expect("verdict", verdict["verdict"], "CLEAN")
    for line in wrong:
        print(line)
    print("%d events, %d sessions, %d results: %s" % (len(events), len(leaves), len(results),
                                                    "every value matches" if not wrong else "%d differ" % len(wrong)))
    return 0 if not wrong else 1


class Once(argparse.Action):
    """An option given twice is a bad command, as the Java tool (picocli) has it."""

    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, "_given_" + self.dest, False):
            parser.error("option %s should be specified only once" % option_string)
        setattr(namespace, "_given_" + self.dest, True)
        setattr(namespace, self.dest, True if self.nargs == 0 else values)


def main(argv):
    parser = argparse.ArgumentParser(prog="amphi_verify.py", description=__doc__.splitlines()[0], allow_abbrev=False)
    commands = parser.add_subparsers(dest="command", required=True)
    verify_command = commands.add_parser("verify", allow_abbrev=False, help="verify an exported exam log")
    verify_command.add_argument("--file", required=True, action=Once)
    verify_command.add_argument("--expected-root", action=Once)
    verify_command.add_argument("--expected-publication-root", action=Once)
    verify_command.add_argument("--json", action=Once, nargs=0, default=False)
    prove_command = commands.add_parser("prove", allow_abbrev=False, help="a session's proof of inclusion in the sealed exam")
    prove_command.add_argument("--file", required=True, action=Once)
    prove_command.add_argument("--session", required=True, action=Once)
    receipt_command = commands.add_parser("check-receipt", allow_abbrev=False, help="check a receipt against its proof and the root")
    receipt_command.add_argument("--receipt", required=True, action=Once)
    receipt_command.add_argument("--proof", required=True, action=Once)
    receipt_command.add_argument("--expected-root", required=True, action=Once)
    receipt_command.add_argument("--public-key", required=True, action=Once)
    receipt_command.add_argument("--json", action=Once, nargs=0, default=False)
    vectors_command = commands.add_parser("vectors", allow_abbrev=False, help="recompute every intermediate value of the test vectors")
    vectors_command.add_argument("export")
    vectors_command.add_argument("hashes")
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_request:
        return 2 if exit_request.code else 0
    for option in ("expected_root", "expected_publication_root"):
        value = getattr(arguments, option, None)
        if value is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", value):
            print("amphi_verify: --%s takes 64 hex digits" % option.replace("_", "-"), file=sys.stderr)
            return 2
    try:
        if arguments.command == "vectors":
            return check_vectors(arguments.export, arguments.hashes)
        if arguments.command == "prove":
            print(json.dumps(prove(*read_log(arguments.file)[:2], arguments.session), indent=2))
            return 0
        if arguments.command == "check-receipt":
            if not re.fullmatch(r"[0-9a-fA-F]{64}", arguments.public_key):
                print("amphi_verify: --public-key takes 64 hex digits", file=sys.stderr)
                return 2
            findings = check_receipt(arguments.receipt, arguments.proof, arguments.expected_root,
                                     bytes.fromhex(arguments.public_key))
            if arguments.json:
                print(json.dumps({"verdict": "VALID" if not findings else "NOT_VALID", "findings": findings}))
            else:
                print("\n".join(findings + ["VALID" if not findings else "NOT VALID"]))
            return 0 if not findings else 1
        started = time.monotonic()
        header, items = read_stream(arguments.file)
        verdict = verify(header, items, arguments.expected_root, arguments.expected_publication_root)
    except (Unreadable, OSError) as error:
        print("amphi_verify: " + str(error), file=sys.stderr)
        return 2
    except (Exception, RecursionError) as error:
        print("amphi_verify: the file could not be read (%s: %s)" % (type(error).__name__, error), file=sys.stderr)
        return 2
    if arguments.json:
        print(json.dumps(verdict))
    else:
        for f in verdict["findings"]:
            print("%-30s %-34s %-6s %s" % (f["problem"], f["aggregate"], f["event"], f["detail"]))
        print("%s: %d events, %d sessions (%d intact), exam root %s, %d publication(s), %.2f s"
              % (verdict["verdict"], verdict["events"], verdict["sessions"], verdict["intactSessions"],
                 verdict["examRoot"] or verdict["recomputedRoot"], verdict["publications"],
                 time.monotonic() - started))
    return 0 if not verdict["findings"] else 1


if __name__ == "__main__":
    sys.stdout.reconfigure(errors="backslashreplace")
    sys.exit(main(sys.argv[1:]))
