#!/usr/bin/env bash
# The web app is built with the machine's Node.js and npm; nothing downloads them. Says what to
# install when they are missing or too old.
set -euo pipefail
need_major=20
need_minor=19
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "The web app (services/web) needs Node.js ${need_major}.${need_minor} or newer with npm, and this machine has none." >&2
  echo "Install it (e.g. 'apt-get install nodejs npm', or from nodejs.org), then run the build again." >&2
  exit 1
fi
version=$(node --version | sed 's/^v//')
major=${version%%.*}
rest=${version#*.}
minor=${rest%%.*}
if (( major < need_major || (major == need_major && minor < need_minor) )); then
  echo "The web app (services/web) needs Node.js ${need_major}.${need_minor} or newer; this machine has ${version}. Install a newer Node.js, then run the build again." >&2
  exit 1
fi
