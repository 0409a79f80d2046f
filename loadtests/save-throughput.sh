#!/usr/bin/env bash
# Durable answer saves per second through gRPC at N concurrent clients, next to raw durable
# single-row INSERTs into the same embedded PostgreSQL at the same concurrency, and their ratio.
# Loopback only; every phase stops after a fixed time.
#   loadtests/save-throughput.sh [clients=32] [seconds per phase=20] [warm-up seconds=5]
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/jdk25.sh
./mvnw -q -DskipTests install -pl loadtests -am
./mvnw -q -pl loadtests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "loadtests/target/classes:$(cat loadtests/target/classpath.txt)" \
  io.amphi.loadtests.SaveThroughputBenchmark "$@"
