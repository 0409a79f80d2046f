package io.amphi.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.amphi.delivery.api.Answer;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.InclusionProof;
import io.amphi.platform.audit.MerkleTree;
import io.amphi.platform.audit.PublicationSeal;
import io.amphi.platform.audit.PublicationSeal.QuestionPoints;
import io.amphi.platform.audit.PublicationSeal.ResultLine;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.platform.audit.SubmissionReceipt;
import io.amphi.scoring.api.QuestionKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test vectors of AUDIT-FORMAT.md, and the two verifiers held to one verdict on them.
 *
 * <p>The tiny exam's export, its intermediate hashes and a tampered copy for every problem code
 * are rebuilt here and must equal the committed files in services/audit/vectors (rebuild them,
 * after a deliberate format change, with {@code -Daudit.vectors.write=true}). Each file then goes
 * through {@code ./audit verify --json} and through the independent Python verifier written from
 * the specification (services/audit/verifier-py), which must both give the expected findings.
 */
class AuditVectorsIT {

    static final Path VECTORS = Path.of("vectors");
    private static final boolean WRITE = Boolean.getBoolean("audit.vectors.write");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @TempDir
    static Path work;

    private static TinyExam exam;

    /** One tampered copy: what was done, the verify options, and the findings both verifiers must give. */
    record Case(
            String name,
            String tampering,
            List<String> options,
            List<String> expected,
            Consumer<Copy> tamper,
            UnaryOperator<String> text) {

        Case(String name, String tampering, List<String> options, List<String> expected, Consumer<Copy> tamper) {
            this(name, tampering, options, expected, tamper, UnaryOperator.identity());
        }

        /** A file no verifier can read: exit code 2, no verdict. */
        static Case unreadable(String name, String tampering, UnaryOperator<String> text) {
            return new Case(name, tampering, List.of(), null, copy -> {}, text);
        }
    }

    /** A mutable copy of the tiny exam's runs and results, and how far its header's counts are off. */
    static final class Copy {
        final List<List<StoredEvent>> runs = new ArrayList<>();
        final List<ResultLine> results;
        long eventsDelta;
        long resultsDelta;

        Copy(TinyExam exam) {
            exam.chains.values().forEach(chain -> runs.add(new ArrayList<>(chain)));
            results = new ArrayList<>(exam.results);
        }

        List<StoredEvent> run(String aggregate) {
            return runs.stream()
                    .filter(r -> r.getFirst().aggregateIdentifier().equals(aggregate))
                    .findFirst()
                    .orElseThrow();
        }

        int index(String aggregate) {
            return runs.indexOf(run(aggregate));
        }
    }

    @BeforeAll
    static void build() {
        exam = TinyExam.standard();
    }

    /** A session's events re-linked and re-hashed as someone rewriting the store would. */
    private static void rehashInPlace(List<StoredEvent> run) {
        List<StoredEvent> rehashed = TinyExam.rehash(List.copyOf(run));
        run.clear();
        run.addAll(rehashed);
    }

    static List<Case> cases() {
        String a = TinyExam.EXAM + ":cand-a";
        String b = TinyExam.EXAM + ":cand-b";
        String c = TinyExam.EXAM + ":cand-c";
        String exam = TinyExam.EXAM;
        String scoring = TinyExam.SCORING;
        return List.of(
                new Case("clean", "nothing", List.of(), List.of(), copy -> {}),
                new Case(
                        "altered",
                        "one byte of cand-b's first answer changed (\"A\" to \"D\")",
                        List.of(),
                        List.of("ALTERED " + b + " 1", "SEAL_DIFFERS " + exam + " 0"),
                        copy -> copy.run(b)
                                .set(
                                        1,
                                        TinyExam.withPayload(
                                                copy.run(b).get(1), p -> p.replace("[\"A\"]", "[\"D\"]")))),
                new Case(
                        "missing",
                        "cand-a's event 1 deleted",
                        List.of(),
                        List.of("MISSING " + a + " 1", "SEAL_DIFFERS " + exam + " 0"),
                        copy -> {
                            copy.run(a).remove(1);
                        }),
                new Case(
                        "reordered-lines",
                        "the lines of cand-c's events 1 and 2 swapped",
                        List.of(),
                        List.of("REORDERED " + c + " 1", "SEAL_DIFFERS " + exam + " 0"),
                        copy -> {
                            List<StoredEvent> run = copy.run(c);
                            run.add(1, run.remove(2));
                        }),
                new Case(
                        "reordered-positions",
                        "cand-c's events 1 and 2 exchanged their sequence numbers",
                        List.of(),
                        List.of("REORDERED " + c + " 1", "SEAL_DIFFERS " + exam + " 0"),
                        copy -> {
                            List<StoredEvent> run = copy.run(c);
                            StoredEvent one = run.get(1);
                            run.set(1, TinyExam.atSequence(run.get(2), 1));
                            run.set(2, TinyExam.atSequence(one, 2));
                        }),
                new Case(
                        "broken-link",
                        "cand-a's event 1 rewritten and re-hashed alone: event 2 still names the old hash",
                        List.of(),
                        List.of("BROKEN_LINK " + a + " 2", "SEAL_DIFFERS " + exam + " 0"),
                        copy -> {
                            List<StoredEvent> run = copy.run(a);
                            List<StoredEvent> rewritten = TinyExam.rehash(List.of(
                                    run.get(0),
                                    TinyExam.withPayload(run.get(1), p -> p.replace("[\"B\"]", "[\"C\"]"))));
                            run.set(1, rewritten.get(1));
                        }),
                new Case(
                        "duplicate",
                        "cand-b's event 2 written twice",
                        List.of(),
                        List.of("DUPLICATE " + b + " 2", "SEAL_DIFFERS " + exam + " 0"),
                        copy -> {
                            copy.run(b).add(3, copy.run(b).get(2));
                        }),
                new Case(
                        "forged-copy-adjacent",
                        "a forged, fully re-hashed copy of cand-b's events placed just before the real ones",
                        List.of(),
                        List.of("DUPLICATE " + b + " 0", "SEAL_DIFFERS " + exam + " 0"),
                        copy -> {
                            List<StoredEvent> forged = forgedSession(b);
                            copy.run(b).addAll(0, forged);
                        }),
                new Case(
                        "forged-copy",
                        "a forged, fully re-hashed copy of cand-b's events placed before the first session",
                        List.of(),
                        List.of("AGGREGATE_REPEATED " + b + " 0", "CHANGED_AFTER_SEAL " + b + " 4"),
                        copy -> {
                            List<StoredEvent> forged = forgedSession(b);
                            copy.runs.add(copy.index(a), forged);
                        }),
                new Case(
                        "unchained",
                        "cand-a's first event without its chain hash",
                        List.of(),
                        List.of("UNCHAINED " + a + " 0", "SEAL_DIFFERS " + exam + " 0"),
                        copy -> copy.run(a).set(0, TinyExam.withHash(copy.run(a).get(0), null))),
                new Case(
                        "event-count",
                        "the header declares one event more than the file holds",
                        List.of(),
                        List.of("EVENT_COUNT " + exam + " -"),
                        copy -> copy.eventsDelta = 1),
                new Case(
                        "result-count",
                        "the header declares one result fewer than the file holds",
                        List.of(),
                        List.of("RESULT_COUNT " + exam + " -"),
                        copy -> copy.resultsDelta = -1),
                new Case(
                        "result-repeated",
                        "cand-a's result line written twice",
                        List.of(),
                        List.of("RESULT_REPEATED " + a + " -", "RESULTS_DIFFER " + scoring + " 3"),
                        copy -> {
                            copy.results.add(1, copy.results.getFirst());
                        }),
                new Case(
                        "foreign",
                        "a session of another exam added",
                        List.of(),
                        List.of("FOREIGN other-2026:cand-z -"),
                        copy -> {
                            List<StoredEvent> foreign = TinyExam.rehash(copy.run(a).stream()
                                    .map(e -> new StoredEvent(
                                            e.eventIdentifier(),
                                            "other-2026:cand-z",
                                            e.sequenceNumber(),
                                            e.type(),
                                            e.timestamp(),
                                            e.payloadType(),
                                            e.payloadRevision(),
                                            e.payload(),
                                            e.metaData(),
                                            null))
                                    .toList());
                            copy.runs.add(foreign);
                        }),
                new Case(
                        "seal-missing",
                        "the exam's seal deleted",
                        List.of(),
                        List.of(
                                "SEAL_MISSING " + exam + " -",
                                "PUBLICATION_INCONSISTENT " + scoring + " 1",
                                "PUBLICATION_INCONSISTENT " + scoring + " 3"),
                        copy -> {
                            copy.runs.remove(copy.index(exam));
                        }),
                new Case(
                        "seal-repeated",
                        "a second seal appended to the exam's chain",
                        List.of(),
                        List.of("SEAL_REPEATED " + exam + " 1"),
                        copy -> {
                            List<StoredEvent> run = copy.run(exam);
                            run.add(TinyExam.atSequence(run.getFirst(), 1));
                            run.set(1, TinyExam.rehash(List.copyOf(run)).get(1));
                        }),
                new Case(
                        "seal-inconsistent",
                        "the seal's root rewritten and its chain re-hashed",
                        List.of(),
                        List.of(
                                "SEAL_INCONSISTENT " + exam + " 0",
                                "PUBLICATION_INCONSISTENT " + scoring + " 1",
                                "PUBLICATION_INCONSISTENT " + scoring + " 3"),
                        copy -> {
                            List<StoredEvent> run = copy.run(exam);
                            run.set(
                                    0,
                                    TinyExam.rehash(List.of(TinyExam.withPayload(
                                                    run.getFirst(),
                                                    p -> p.replace(TinyExamRoots.examRoot(), "ab".repeat(32)))))
                                            .getFirst());
                        }),
                new Case(
                        "journal-decided-twice",
                        "cand-c's offline journal accepted a second time, its chain re-hashed",
                        List.of(),
                        List.of("JOURNAL_INCONSISTENT " + c + " 6", "CHANGED_AFTER_SEAL " + c + " 5"),
                        copy -> {
                            List<StoredEvent> run = copy.run(c);
                            run.add(TinyExam.atSequence(run.get(5), 6));
                            rehashInPlace(run);
                        }),
                new Case(
                        "journal-before-submission",
                        "cand-c's journal upload moved before its submission, re-hashed",
                        List.of(),
                        List.of("JOURNAL_INCONSISTENT " + c + " 3", "CHANGED_AFTER_SEAL " + c + " 5"),
                        copy -> {
                            List<StoredEvent> run = copy.run(c);
                            StoredEvent submitted = run.get(3);
                            run.set(3, TinyExam.atSequence(run.get(4), 3));
                            run.set(4, TinyExam.atSequence(submitted, 4));
                            rehashInPlace(run);
                        }),
                new Case(
                        "journal-accepts-other-answer",
                        "cand-c's accepted answer rewritten (not the one uploaded), re-hashed",
                        List.of(),
                        List.of("JOURNAL_INCONSISTENT " + c + " 5", "CHANGED_AFTER_SEAL " + c + " 5"),
                        copy -> {
                            List<StoredEvent> run = copy.run(c);
                            run.set(5, TinyExam.withPayload(run.get(5), p -> p.replace("\"HNF\"", "\"XYZ\"")));
                            rehashInPlace(run);
                        }),
                new Case(
                        "journal-after-candidate-hand-in",
                        "cand-c's submission rewritten as the candidate's, re-hashed",
                        List.of(),
                        List.of("JOURNAL_INCONSISTENT " + c + " 4", "CHANGED_AFTER_SEAL " + c + " 5"),
                        copy -> {
                            List<StoredEvent> run = copy.run(c);
                            run.set(
                                    3,
                                    TinyExam.withPayload(run.get(3), p -> p.replace("\"DEADLINE\"", "\"CANDIDATE\"")));
                            rehashInPlace(run);
                        }),
                new Case(
                        "journal-save-number-as-fraction",
                        "cand-c's accepted save number written as 3.0, re-hashed",
                        List.of(),
                        List.of("JOURNAL_INCONSISTENT " + c + " 5", "CHANGED_AFTER_SEAL " + c + " 5"),
                        copy -> {
                            List<StoredEvent> run = copy.run(c);
                            run.set(
                                    5,
                                    TinyExam.withPayload(
                                            run.get(5), p -> p.replace("\"saveNumber\":3", "\"saveNumber\":3.0")));
                            rehashInPlace(run);
                        }),
                new Case(
                        "content-other-version",
                        "the content release's version rewritten to 2, re-hashed",
                        List.of(),
                        List.of("CONTENT_INCONSISTENT " + TinyExam.CONTENT_RELEASE + " 0"),
                        copy -> {
                            List<StoredEvent> run = copy.run(TinyExam.CONTENT_RELEASE);
                            run.set(
                                    0,
                                    TinyExam.withPayload(
                                            run.getFirst(),
                                            p -> p.replace("\"contentVersion\":1", "\"contentVersion\":2")));
                            rehashInPlace(run);
                        }),
                new Case(
                        "content-two-events",
                        "a second event appended to the content release, re-hashed",
                        List.of(),
                        List.of("CONTENT_INCONSISTENT " + TinyExam.CONTENT_RELEASE + " 0"),
                        copy -> {
                            List<StoredEvent> run = copy.run(TinyExam.CONTENT_RELEASE);
                            run.add(TinyExam.atSequence(run.getFirst(), 1));
                            rehashInPlace(run);
                        }),
                new Case(
                        "missing-session",
                        "cand-c's events deleted",
                        List.of(),
                        List.of("MISSING_SESSION " + c + " -"),
                        copy -> {
                            copy.runs.remove(copy.index(c));
                        }),
                new Case(
                        "changed-after-seal",
                        "cand-a's last event (its submission) deleted",
                        List.of(),
                        List.of("CHANGED_AFTER_SEAL " + a + " 4"),
                        copy -> {
                            copy.run(a).removeLast();
                        }),
                new Case(
                        "not-in-seal",
                        "a session the seal does not list added",
                        List.of(),
                        List.of("NOT_IN_SEAL " + exam + ":cand-z -"),
                        copy -> {
                            List<StoredEvent> added = TinyExam.rehash(copy.run(a).stream()
                                    .map(e -> new StoredEvent(
                                            e.eventIdentifier(),
                                            exam + ":cand-z",
                                            e.sequenceNumber(),
                                            e.type(),
                                            e.timestamp(),
                                            e.payloadType(),
                                            e.payloadRevision(),
                                            e.payload(),
                                            e.metaData(),
                                            null))
                                    .toList());
                            copy.runs.add(added);
                        }),
                new Case(
                        "not-the-published-seal",
                        "nothing; verified against another exam root",
                        List.of("--expected-root", "ab".repeat(32)),
                        List.of("NOT_THE_PUBLISHED_SEAL " + exam + " -"),
                        copy -> {}),
                new Case(
                        "publication-inconsistent",
                        "the first publication's results root rewritten and the scoring " + "chain re-hashed",
                        List.of(),
                        List.of(
                                "PUBLICATION_INCONSISTENT " + scoring + " 1",
                                "PUBLICATION_INCONSISTENT " + scoring + " 3"),
                        copy -> {
                            List<StoredEvent> run = copy.run(scoring);
                            String resultsRoot = TinyExamRoots.firstResultsRoot();
                            run.set(1, TinyExam.withPayload(run.get(1), p -> p.replace(resultsRoot, "cd".repeat(32))));
                            List<StoredEvent> rehashed = TinyExam.rehash(List.copyOf(run));
                            run.clear();
                            run.addAll(rehashed);
                        }),
                new Case(
                        "results-differ",
                        "cand-b's points for q2 and total raised by 0.5 in its result line",
                        List.of(),
                        List.of("RESULTS_DIFFER " + scoring + " 3"),
                        copy -> {
                            ResultLine line = copy.results.get(1);
                            copy.results.set(
                                    1,
                                    new ResultLine(
                                            line.sessionId(),
                                            line.keyVersion(),
                                            line.ruleSet(),
                                            line.lastSequence(),
                                            line.lastEventHash(),
                                            raise(line.total()),
                                            line.questions().stream()
                                                    .map(q -> q.questionId().equals("q2")
                                                            ? new QuestionPoints("q2", raise(q.points()))
                                                            : q)
                                                    .toList()));
                        }),
                new Case(
                        "rewritten-after-publication",
                        "the corrected key, the results and the second publication "
                                + "rewritten consistently after publication (q3 accepts any answer)",
                        List.of("--expected-publication-root", TinyExamRoots.latestPublicationRoot()),
                        List.of("NOT_THE_PUBLISHED_PUBLICATION " + scoring + " -"),
                        copy -> {
                            Map<String, QuestionKey> rewritten = new LinkedHashMap<>(TinyExam.correctedKey());
                            rewritten.put("q3", new QuestionKey.ShortText(List.of("HNF", "pyelonephritis")));
                            TinyExam forged = TinyExam.build(TinyExam.standardAnswers(), rewritten);
                            copy.runs.set(copy.index(scoring), new ArrayList<>(forged.chains.get(scoring)));
                            copy.results.clear();
                            copy.results.addAll(forged.results);
                        }),
                new Case(
                        "link-rewritten",
                        "cand-a's event 2 names another predecessor and was re-hashed over it",
                        List.of(),
                        List.of("BROKEN_LINK " + a + " 2", "SEAL_DIFFERS " + exam + " 0"),
                        copy -> {
                            List<StoredEvent> run = copy.run(a);
                            StoredEvent two = run.get(2);
                            String meta = new String(two.metaData(), StandardCharsets.UTF_8)
                                    .replaceAll(
                                            "\"previousHash\":\"[0-9a-f]{64}\"",
                                            "\"previousHash\":\"" + "0".repeat(64) + "\"");
                            StoredEvent relinked = new StoredEvent(
                                    two.eventIdentifier(),
                                    two.aggregateIdentifier(),
                                    2,
                                    two.type(),
                                    two.timestamp(),
                                    two.payloadType(),
                                    two.payloadRevision(),
                                    two.payload(),
                                    meta.getBytes(StandardCharsets.UTF_8),
                                    null);
                            run.set(
                                    2,
                                    TinyExam.withHash(
                                            relinked,
                                            EventHashes.hash(run.get(1).chainHash(), relinked)));
                        }),
                new Case(
                        "seal-with-byte-order-mark",
                        "the seal's payload starts with a UTF-8 byte-order mark, its chain " + "re-hashed",
                        List.of(),
                        List.of(
                                "SEAL_INCONSISTENT " + exam + " 0",
                                "PUBLICATION_INCONSISTENT " + scoring + " 1",
                                "PUBLICATION_INCONSISTENT " + scoring + " 3"),
                        copy -> {
                            List<StoredEvent> run = copy.run(exam);
                            run.set(
                                    0,
                                    TinyExam.rehash(List.of(TinyExam.withPayload(run.getFirst(), p -> "\uFEFF" + p)))
                                            .getFirst());
                        }),
                new Case(
                        "metadata-overlong-utf8",
                        "the metadata of cand-b's event 0 holds an overlong UTF-8 byte pair, " + "its chain re-hashed",
                        List.of(),
                        List.of("BROKEN_LINK " + b + " 0", "SEAL_DIFFERS " + exam + " 0"),
                        copy -> {
                            List<StoredEvent> run = copy.run(b);
                            StoredEvent zero = run.getFirst();
                            byte[] meta = new String(zero.metaData(), StandardCharsets.UTF_8)
                                    .replace("traceId", "traceI\u0000")
                                    .getBytes(StandardCharsets.UTF_8);
                            int at = new String(meta, StandardCharsets.UTF_8).indexOf('\u0000');
                            byte[] overlong = new byte[meta.length + 1];
                            System.arraycopy(meta, 0, overlong, 0, at);
                            overlong[at] = (byte) 0xC1;
                            overlong[at + 1] = (byte) 0xA4;
                            System.arraycopy(meta, at + 1, overlong, at + 2, meta.length - at - 1);
                            StoredEvent bent = new StoredEvent(
                                    zero.eventIdentifier(),
                                    zero.aggregateIdentifier(),
                                    0,
                                    zero.type(),
                                    zero.timestamp(),
                                    zero.payloadType(),
                                    zero.payloadRevision(),
                                    zero.payload(),
                                    overlong,
                                    null);
                            List<StoredEvent> rewritten = new ArrayList<>(run);
                            rewritten.set(0, TinyExam.withHash(bent, EventHashes.hash(EventHashes.GENESIS, bent)));
                            run.clear();
                            run.addAll(rewritten);
                        }),
                Case.unreadable(
                        "unreadable-deep-line",
                        "an event line nests 101 lists in a member nobody reads",
                        text -> text.replaceFirst(
                                "\\{\"aggregate\"",
                                "{\"deep\":" + "[".repeat(101) + "]".repeat(101) + ",\"aggregate\"")),
                Case.unreadable(
                        "unreadable-long-number",
                        "an event line holds a number of 101 digits",
                        text -> text.replaceFirst("\\{\"aggregate\"", "{\"n\":" + "7".repeat(101) + ",\"aggregate\"")),
                Case.unreadable(
                        "unreadable-repeated-member",
                        "an event line gives one member twice, the first " + "beyond the limits",
                        text -> text.replaceFirst(
                                "\\{\"aggregate\"",
                                "{\"x\":" + "[".repeat(101) + "]".repeat(101) + ",\"x\":0,\"aggregate\"")),
                Case.unreadable(
                        "unreadable-zero-fraction",
                        "an event line holds 0. and 100 zeros (101 digits)",
                        text -> text.replaceFirst(
                                "\\{\"aggregate\"", "{\"n\":0." + "0".repeat(100) + ",\"aggregate\"")),
                Case.unreadable(
                        "unreadable-unpadded-base64",
                        "a payload's base64 without its padding",
                        text -> text.replaceFirst("=\",\"metaData\"", "\",\"metaData\"")),
                Case.unreadable(
                        "unreadable-event-after-results",
                        "an event line after the result lines",
                        text -> text + text.lines().skip(1).findFirst().orElseThrow() + "\n"),
                Case.unreadable(
                        "unreadable-half-surrogate",
                        "an aggregate id with half of a surrogate pair",
                        text -> text.replaceFirst(
                                "\"aggregate\":\"tiny-2026:cand-c\"", "\"aggregate\":\"tiny-2026:\\\\ud800\"")));
    }

    private static String raise(String points) {
        return new java.math.BigDecimal(points)
                .add(new java.math.BigDecimal("0.5"))
                .setScale(3)
                .toPlainString();
    }

    /** cand-b's session as a forger would write it: other answers, every hash recomputed. */
    private static List<StoredEvent> forgedSession(String session) {
        Map<String, Map<String, Answer>> answers = TinyExam.standardAnswers();
        answers.put("cand-b", TinyExam.standardAnswers().get("cand-a"));
        return new ArrayList<>(
                TinyExam.build(answers, TinyExam.correctedKey()).chains.get(session));
    }

    /** Roots of the standard exam that tampering functions look for. */
    static final class TinyExamRoots {
        static String examRoot() {
            return exam.examRoot;
        }

        static String latestPublicationRoot() {
            return TinyExam.standard().publicationRoots.getLast();
        }

        static String firstResultsRoot() {
            String payload = new String(exam.chains.get(TinyExam.SCORING).get(1).payload(), StandardCharsets.UTF_8);
            return payload.replaceAll(".*\"resultsRoot\":\"([0-9a-f]{64})\".*", "$1");
        }
    }

    @Test
    void theTinyExamsExportAndHashesAreTheCommittedVectors() throws Exception {
        Path export = work.resolve("tiny-exam.ndjson");
        LogFileWriter.export(exam.log(), export, Progress.none(), TinyExam.EXPORTED_AT);
        matchCommitted(VECTORS.resolve("tiny-exam.ndjson"), Files.readString(export));
        matchCommitted(VECTORS.resolve("tiny-exam.hashes.json"), JSON.writeValueAsString(intermediateHashes()) + "\n");
    }

    @TestFactory
    Stream<DynamicTest> everyTamperedCopyGivesItsFindingsInBothVerifiers() throws Exception {
        ObjectNode expectations = JSON.createObjectNode();
        List<DynamicTest> tests = new ArrayList<>();
        for (Case tampered : cases()) {
            Copy copy = new Copy(exam);
            tampered.tamper().accept(copy);
            Path file = work.resolve(tampered.name() + ".ndjson");
            LogFileWriter.export(TinyExam.log(copy.runs, copy.results), file, Progress.none(), TinyExam.EXPORTED_AT);
            String text = tampered.text().apply(adjustHeader(Files.readString(file), copy));
            matchCommitted(VECTORS.resolve("tampered").resolve(tampered.name() + ".ndjson"), text);
            ObjectNode expectation = expectations.putObject(tampered.name());
            expectation.put("tampering", tampered.tampering());
            tampered.options().forEach(expectation.putArray("options")::add);
            if (tampered.options().isEmpty()) {
                expectation.putArray("options");
            }
            if (tampered.expected() == null) {
                expectation.put("exitCode", AuditCli.FAILURE);
            } else {
                ArrayNode findings = expectation.putArray("findings");
                tampered.expected().forEach(findings::add);
            }
            tests.add(DynamicTest.dynamicTest(tampered.name(), () -> {
                Path committed = VECTORS.resolve("tampered").resolve(tampered.name() + ".ndjson");
                JsonNode java = javaVerdict(committed, tampered.options());
                if (tampered.expected() == null) {
                    assertThat(java.get("exitCode").asInt())
                            .as("./audit verify on %s", tampered.name())
                            .isEqualTo(AuditCli.FAILURE);
                } else {
                    assertThat(findings(java))
                            .as("./audit verify on %s", tampered.name())
                            .containsExactlyInAnyOrderElementsOf(tampered.expected());
                    assertThat(java.get("verdict").asText())
                            .isEqualTo(tampered.expected().isEmpty() ? "CLEAN" : "DISCREPANCIES");
                }
                SecondVerifier.require();
                JsonNode python = SecondVerifier.verdict(committed, tampered.options());
                SecondVerifier.assertSameVerdict(python, java);
            }));
        }
        matchCommitted(
                VECTORS.resolve("tampered").resolve("expected.json"), JSON.writeValueAsString(expectations) + "\n");
        return tests.stream();
    }

    /** A receipt case: the files given, the root expected, and the findings both checkers must give. */
    record ReceiptCase(
            String name,
            String tampering,
            SubmissionReceipt receipt,
            InclusionProof proof,
            String root,
            List<String> expected) {}

    static List<ReceiptCase> receiptCases() throws Exception {
        String session = TinyExam.EXAM + ":cand-a";
        InclusionProof proof = Proofs.prove(exam.log(), session);
        SubmissionReceipt receipt = TinyExam.receipt(session, TestKeys.RECEIPTS);
        List<String> path = new ArrayList<>(proof.auditPath());
        path.set(0, "00".repeat(32));
        return List.of(
                new ReceiptCase("valid", "nothing", receipt, proof, exam.examRoot, List.of()),
                new ReceiptCase(
                        "other-key",
                        "signed by another key than the published one",
                        TinyExam.receipt(session, TestKeys.OTHER),
                        proof,
                        exam.examRoot,
                        List.of("RECEIPT_SIGNATURE")),
                new ReceiptCase(
                        "not-sealed",
                        "the receipt names another final hash (the session changed after it)",
                        new SubmissionReceipt(
                                session,
                                receipt.lastSequence(),
                                "ab".repeat(32),
                                receipt.submittedAt(),
                                receipt.keyId(),
                                receipt.signature()),
                        proof,
                        exam.examRoot,
                        List.of("RECEIPT_SIGNATURE", "RECEIPT_NOT_SEALED")),
                new ReceiptCase(
                        "signed-other-state",
                        "a genuine receipt for a state the exam was not sealed with",
                        SubmissionReceipt.sign(
                                session,
                                receipt.lastSequence() + 1,
                                "ab".repeat(32),
                                receipt.submittedAt(),
                                TestKeys.RECEIPTS.keyId(),
                                TestKeys.RECEIPTS.pair().getPrivate()),
                        proof,
                        exam.examRoot,
                        List.of("RECEIPT_NOT_SEALED")),
                new ReceiptCase(
                        "bad-path",
                        "one hash of the audit path changed",
                        receipt,
                        new InclusionProof(
                                proof.examId(),
                                session,
                                proof.lastSequence(),
                                proof.finalHash(),
                                proof.leafIndex(),
                                proof.treeSize(),
                                path,
                                proof.examRoot()),
                        exam.examRoot,
                        List.of("PROOF_INVALID")),
                new ReceiptCase(
                        "other-root",
                        "checked against another published root",
                        receipt,
                        proof,
                        "cd".repeat(32),
                        List.of("NOT_THE_PUBLISHED_SEAL")));
    }

    @TestFactory
    Stream<DynamicTest> everyReceiptGivesItsFindingsInBothCheckers() throws Exception {
        Path receipts = VECTORS.resolve("receipts");
        ObjectNode keys = JSON.createObjectNode()
                .put("keyId", TestKeys.RECEIPTS.keyId())
                .put("publicKey", EventHashes.hex(TestKeys.RECEIPTS.publicKey()))
                .put("privateSeed", EventHashes.hex(TestKeys.RECEIPTS.seed()));
        matchCommitted(receipts.resolve("receipt-key.json"), JSON.writeValueAsString(keys) + "\n");
        List<DynamicTest> tests = new ArrayList<>();
        ObjectNode expectations = JSON.createObjectNode();
        for (ReceiptCase receiptCase : receiptCases()) {
            Path receipt = receipts.resolve(receiptCase.name() + ".receipt.json");
            Path proof = receipts.resolve(receiptCase.name() + ".proof.json");
            matchCommitted(receipt, JSON.writeValueAsString(ReceiptCheck.receiptJson(receiptCase.receipt())) + "\n");
            matchCommitted(proof, JSON.writeValueAsString(ReceiptCheck.proofJson(receiptCase.proof())) + "\n");
            ObjectNode expectation = expectations
                    .putObject(receiptCase.name())
                    .put("tampering", receiptCase.tampering())
                    .put("expectedRoot", receiptCase.root());
            ArrayNode findings = expectation.putArray("findings");
            receiptCase.expected().forEach(findings::add);
            List<String> args = List.of(
                    "check-receipt",
                    "--receipt",
                    receipt.toString(),
                    "--proof",
                    proof.toString(),
                    "--expected-root",
                    receiptCase.root(),
                    "--public-key",
                    EventHashes.hex(TestKeys.RECEIPTS.publicKey()),
                    "--json");
            tests.add(DynamicTest.dynamicTest(receiptCase.name(), () -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int exit = AuditCli.run(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        false,
                        args.toArray(String[]::new));
                JsonNode java = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
                assertThat(problems(java))
                        .as("./audit check-receipt on %s", receiptCase.name())
                        .containsExactlyInAnyOrderElementsOf(receiptCase.expected());
                assertThat(exit).isEqualTo(receiptCase.expected().isEmpty() ? 0 : 1);
                SecondVerifier.require();
                SecondVerifier.Run python = SecondVerifier.run(args.toArray(String[]::new));
                assertThat(python.exitCode()).as(python.output()).isEqualTo(exit);
                assertThat(problems(new ObjectMapper().readTree(python.output())))
                        .containsExactlyInAnyOrderElementsOf(receiptCase.expected());
            }));
        }
        matchCommitted(receipts.resolve("expected.json"), JSON.writeValueAsString(expectations) + "\n");
        return tests.stream();
    }

    private static List<String> problems(JsonNode verdict) {
        List<String> problems = new ArrayList<>();
        verdict.get("findings").forEach(finding -> problems.add(finding.asText()));
        return problems;
    }

    @Test
    void theSecondVerifierProvesInclusionAsTheToolDoes() throws Exception {
        SecondVerifier.require();
        String session = TinyExam.EXAM + ":cand-b";
        SecondVerifier.Run python = SecondVerifier.run(
                "prove", "--file", VECTORS.resolve("tiny-exam.ndjson").toString(), "--session", session);
        assertThat(new ObjectMapper().readTree(python.output()).toString())
                .isEqualTo(ReceiptCheck.proofJson(Proofs.prove(exam.log(), session))
                        .toString());
    }

    @Test
    void theSecondVerifierRecomputesEveryIntermediateHashOfTheVectors() throws Exception {
        SecondVerifier.require();
        SecondVerifier.Run run = SecondVerifier.run(
                "vectors",
                VECTORS.resolve("tiny-exam.ndjson").toString(),
                VECTORS.resolve("tiny-exam.hashes.json").toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
    }

    private static String adjustHeader(String text, Copy copy) throws IOException {
        int end = text.indexOf('\n');
        ObjectNode header = (ObjectNode) JSON.readTree(text.substring(0, end));
        header.put("events", header.get("events").asLong() + copy.eventsDelta);
        header.put("results", header.get("results").asLong() + copy.resultsDelta);
        return new ObjectMapper().writeValueAsString(header) + text.substring(end);
    }

    /** Every intermediate value of the tiny exam, as AUDIT-FORMAT.md's worked example shows them. */
    private static ObjectNode intermediateHashes() {
        ObjectNode vectors = JSON.createObjectNode();
        vectors.put("exam", TinyExam.EXAM);
        ArrayNode events = vectors.putArray("events");
        exam.chains.values().forEach(chain -> {
            byte[] previous = EventHashes.GENESIS;
            for (StoredEvent event : chain) {
                events.addObject()
                        .put("aggregate", event.aggregateIdentifier())
                        .put("sequence", event.sequenceNumber())
                        .put("hashInput", EventHashes.hex(EventHashes.input(previous, event)))
                        .put("chainHash", EventHashes.hex(event.chainHash()));
                previous = event.chainHash();
            }
        });
        List<MerkleTree.Leaf> leaves = exam.chains.entrySet().stream()
                .filter(e -> e.getKey().startsWith(TinyExam.EXAM + ":"))
                .map(e -> new MerkleTree.Leaf(
                        e.getKey(),
                        e.getValue().getLast().sequenceNumber(),
                        e.getValue().getLast().chainHash()))
                .toList();
        List<byte[]> leafHashes = leaves.stream().map(MerkleTree::leafHash).toList();
        ArrayNode sessionLeaves = vectors.putArray("sessionLeaves");
        for (int i = 0; i < leaves.size(); i++) {
            MerkleTree.AuditPath path = MerkleTree.auditPath(leafHashes, i);
            ObjectNode leaf = sessionLeaves
                    .addObject()
                    .put("sessionId", leaves.get(i).sessionId())
                    .put("lastSequence", leaves.get(i).lastSequence())
                    .put("finalHash", EventHashes.hex(leaves.get(i).finalHash()))
                    .put("leafHash", EventHashes.hex(leafHashes.get(i)))
                    .put("leafIndex", path.leafIndex())
                    .put("treeSize", path.treeSize());
            ArrayNode siblings = leaf.putArray("auditPath");
            path.siblings().forEach(sibling -> siblings.add(EventHashes.hex(sibling)));
        }
        vectors.put("examRoot", exam.examRoot);
        ArrayNode resultLeaves = vectors.putArray("resultLeaves");
        exam.results.forEach(result -> resultLeaves
                .addObject()
                .put("session", result.sessionId())
                .put("leafHash", EventHashes.hex(PublicationSeal.resultLeaf(result))));
        vectors.put("resultsRoot", EventHashes.hex(PublicationSeal.resultsRoot(exam.results)));
        exam.publicationRoots.forEach(vectors.putArray("publicationRoots")::add);
        ArrayNode sizes = vectors.putArray("merkleTrees");
        for (int size = 1; size <= 17; size++) {
            List<byte[]> hashes = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                hashes.add(MerkleTree.leafHash(new MerkleTree.Leaf("s" + i, i, new byte[32])));
            }
            ObjectNode tree =
                    sizes.addObject().put("size", size).put("root", EventHashes.hex(MerkleTree.rootOfSorted(hashes)));
            ArrayNode paths = tree.putArray("auditPaths");
            for (int i = 0; i < size; i++) {
                ArrayNode path = paths.addArray();
                MerkleTree.auditPath(hashes, i).siblings().forEach(sibling -> path.add(EventHashes.hex(sibling)));
            }
        }
        return vectors;
    }

    private static void matchCommitted(Path committed, String content) throws IOException {
        if (WRITE) {
            Files.createDirectories(committed.getParent());
            Files.writeString(committed, content);
        }
        assertThat(Files.exists(committed))
                .as("%s is committed (write it with -Daudit.vectors.write=true)", committed)
                .isTrue();
        assertThat(Files.readString(committed))
                .as(
                        "%s is what the code gives today; after a deliberate format "
                                + "change, rewrite the vectors with -Daudit.vectors.write=true and update AUDIT-FORMAT.md",
                        committed)
                .isEqualTo(content);
    }

    static JsonNode javaVerdict(Path file, List<String> options) throws IOException {
        List<String> args = new ArrayList<>(List.of("verify", "--file", file.toString(), "--json"));
        args.addAll(options);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = AuditCli.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                false,
                args.toArray(String[]::new));
        return SecondVerifier.withExitCode(out.toString(StandardCharsets.UTF_8), exit);
    }

    static List<String> findings(JsonNode verdict) {
        List<String> findings = new ArrayList<>();
        verdict.get("findings")
                .forEach(f -> findings.add(f.get("problem").asText() + " "
                        + f.get("aggregate").asText() + " " + f.get("event").asText()));
        return findings;
    }
}
