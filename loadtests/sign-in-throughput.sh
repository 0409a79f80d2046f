#!/usr/bin/env bash
# Candidate sign-ins per second on one auth replica, next to the machine's raw access-code hash
# rate on every core, measured in the same run. Loopback only; every phase stops after a fixed time.
#   loadtests/sign-in-throughput.sh [clients=4] [seconds=20] [warm-up seconds=10] [hash iterations=10000]
set -euo pipefail
exec "$(dirname "$0")/run-benchmark.sh" SignInBenchmark -- "$@"
