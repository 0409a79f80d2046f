#!/usr/bin/env bash
# Saves as candidates make them: S signed-in sessions, each saving on its own timer (R saves per
# second in all, with jitter), latency counted from when each save was due; reports the rate held,
# latency percentiles, the slowest second and the longest silence; then the same again around a
# wave of token refreshes (every session's tokens, all at once or spread over the given seconds;
# "none" skips it). Checks every acknowledged save is stored once and runs ./audit verify.
# Loopback only; stops by itself.
#   loadtests/open-loop-saves.sh [sessions=6000] [saves per second=2000] [seconds=60] [warm-up seconds=30] [refresh wave spread in seconds=0|none]
set -euo pipefail
exec "$(dirname "$0")/run-benchmark.sh" OpenLoopSaveBenchmark -- "$@"
