#!/usr/bin/env bash
# Makes the upgrade test's fixture: a database created by the last release before one schema per
# service (main at 34cbb0f), with an exam in progress. Builds that release in a git worktree, starts
# it on a fresh data folder, drives the demo exam over REST (cand-001 submitted, cand-002 halfway,
# cand-003 just started), then copies every table of both databases out as CSV (psql's \copy), beside
# the migrations that made them. Run from the repository's root; needs psql and curl. Kept so the
# fixture can be checked or made again; the test never runs it.
set -euo pipefail
release=34cbb0f
root=$(pwd)
out="$root/services/local/src/test/resources/upgrade/main-$release"
work=$(mktemp -d)
platform=
trap '[ -n "$platform" ] && kill "$platform" 2>/dev/null || true; wait "$platform" 2>/dev/null || true; git -C "$root" worktree remove --force "$work/src" || true' EXIT
git worktree add --detach "$work/src" "$release"
cd "$work/src"
. bin/jdk25.sh
./mvnw -q -DskipTests package -pl services/local -am
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar services/local/target/amphi-local-exec.jar > "$work/platform.log" 2>&1 &
platform=$!
for _ in $(seq 120); do grep -q "Amphi is running locally" "$work/platform.log" && break; sleep 1; done
grep -q "Amphi is running locally" "$work/platform.log"
api=http://127.0.0.1:8080/api/v1
exam=demo-cardiology
code() { sed -n "s/^ *$1  *\([A-Z0-9-]*\)$/\1/p" "$work/platform.log" | head -1; }
token() {
  curl -sf -X POST "$api/auth/candidate" -H 'content-type: application/json' \
    -d "{\"examId\":\"$exam\",\"candidateNumber\":\"$1\",\"accessCode\":\"$(code "$1")\"}" | sed 's/.*"accessToken":"\([^"]*\)".*/\1/'
}
save() { curl -sf -X PUT "$api/sessions/$exam:$1/answers/$3" -H "authorization: Bearer $2" -H 'content-type: application/json' -d "$4" > /dev/null; }
first=$(token cand-001)
curl -sf -X POST "$api/exams/$exam/session" -H "authorization: Bearer $first" > /dev/null
save cand-001 "$first" q1 '{"saveNumber":1,"answer":{"choices":["B"]}}'
save cand-001 "$first" q2 '{"saveNumber":2,"answer":{"choices":["A","C"]}}'
save cand-001 "$first" q1 '{"saveNumber":3,"answer":{"choices":["C"]}}'
curl -sf -X POST "$api/sessions/$exam:cand-001/submission" -H "authorization: Bearer $first" > /dev/null
second=$(token cand-002)
curl -sf -X POST "$api/exams/$exam/session" -H "authorization: Bearer $second" > /dev/null
save cand-002 "$second" q1 '{"saveNumber":1,"answer":{"choices":["B"]}}'
third=$(token cand-003)
curl -sf -X POST "$api/exams/$exam/session" -H "authorization: Bearer $third" > /dev/null
sleep 3  # the projections catch up
rm -rf "$out" && mkdir -p "$out/delivery-db" "$out/auth-db"
for db in delivery auth; do
  url=$(sed -n "s/^ *$( [ $db = delivery ] && echo 'Event store' || echo 'Auth database'): jdbc:postgresql:\/\/localhost:\([0-9]*\)\/.*/\1/p" "$work/platform.log")
  tables=$(psql -h localhost -p "$url" -U postgres -d postgres -Atc \
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'flyway_schema_history' ORDER BY 1")
  for table in $tables; do
    psql -h localhost -p "$url" -U postgres -d postgres -qc "\\copy public.$table TO '$out/$db-db/$table.csv' WITH (FORMAT csv)"
  done
  psql -h localhost -p "$url" -U postgres -d postgres -Atc \
    "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank" > "$out/$db-db/versions.txt"
done
# The local launcher put every module's migrations on one classpath, so both databases ran them all.
mkdir -p "$out/migrations"
for migration in $(git ls-tree -r --name-only HEAD services | grep 'db/migration/V.*\.sql$'); do
  git show "HEAD:$migration" > "$out/migrations/$(basename "$migration")"
done
# No secret, even a throwaway one, goes into the repository: the release makes new ones at start. The
# signing and receipt keys' public halves go with them (the test checks no token or receipt made before).
for db in delivery auth; do
  for table in auth_signing_key auth_secret auth_refresh_token delivery_receipt_key delivery_journal_secret; do
    : > "$out/$db-db/$table.csv"
  done
done
echo "Fixture written to $out"
