# Sourced by mvnw, run-local, audit, accounts and .ci/run: makes sure JAVA_HOME points at a JDK 25 or newer.
java_feature_version() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_feature_version "$JAVA_HOME/bin/java")" -ge 25 ] 2>/dev/null; then
  :
elif command -v java >/dev/null && [ "$(java_feature_version java)" -ge 25 ] 2>/dev/null; then
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
else
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*-25-* /usr/lib/jvm/jdk-25*; do
    if [ -x "$candidate/bin/java" ]; then
      JAVA_HOME="$candidate"
      break
    fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || [ "$(java_feature_version "$JAVA_HOME/bin/java")" -lt 25 ] 2>/dev/null; then
  echo "Amphi needs a JDK 25: install one and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
