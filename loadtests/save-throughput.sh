#!/usr/bin/env bash
# Durable answer saves per second through gRPC at N concurrent clients, next to raw durable
# single-row INSERTs into the same embedded PostgreSQL at the same concurrency, and their ratio.
# Loopback only; every phase stops after a fixed time.
#   loadtests/save-throughput.sh [clients=32] [seconds per phase=20] [warm-up seconds=5] [--setting=value ...]
# Settings go to the delivery service, after all three numbers (e.g. 32 20 20 --amphi.delivery.snapshot-every=1000).
set -euo pipefail
exec "$(dirname "$0")/run-benchmark.sh" SaveThroughputBenchmark -- "$@"
