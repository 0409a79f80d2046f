#!/usr/bin/env bash
# Builds the load tests and runs one benchmark class with the given JVM options and arguments;
# the benchmark scripts beside it call it.
#   loadtests/run-benchmark.sh <class> [JVM options ...] -- [benchmark arguments ...]
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/jdk25.sh
./mvnw -q -DskipTests install -pl loadtests -am
./mvnw -q -pl loadtests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
benchmark="$1"
shift
jvm_options=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
  jvm_options+=("$1")
  shift
done
[ "$#" -gt 0 ] && shift
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${jvm_options[@]+"${jvm_options[@]}"} \
  -cp "loadtests/target/classes:$(cat loadtests/target/classpath.txt)" \
  "io.amphi.loadtests.$benchmark" "$@"
