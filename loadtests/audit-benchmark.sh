#!/usr/bin/env bash
# An exam of N sessions of A answers each, generated through the real hash-chained event store
# (embedded PostgreSQL, loopback only), then timed: sealing, the audit tool's verify (database and
# exported file), the scoring projection catching up, scoring under a key, re-scoring after a
# correction, and the audit tool's rescore. Bounded: it stops when the exam has been processed.
#   loadtests/audit-benchmark.sh [sessions=10000] [answers per session=120]
set -euo pipefail
exec "$(dirname "$0")/run-benchmark.sh" AuditBenchmark -Xmx6g -- "$@"
