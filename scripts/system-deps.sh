#!/usr/bin/env bash
# Debian packages olivebranch needs beyond Python: Graphviz for ownership pictures (run and test),
# Chromium for the browser tests and a PostgreSQL server for the store tests (test only: the
# suite starts a throwaway server on loopback, tests/pgserver.py). Installs only what is missing;
# needs root for apt.
set -euo pipefail
want=(graphviz)
[ "${1:-run}" = "test" ] && want+=(chromium fonts-dejavu-core postgresql)
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "olivebranch: please install these Debian packages: ${missing[*]}" >&2
  exit 0
fi
echo "installing Debian packages: ${missing[*]}"
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
