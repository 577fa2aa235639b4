#!/usr/bin/env bash
# Vendor the web UI's JavaScript libraries from the npm registry into the package, so the UI
# needs no CDN at run time: cytoscape (ownership explorer) into olivebranch/web/static/vendor/,
# axe-core (accessibility checks run by the browser tests only) into tests/vendor/.
# Versions are pinned in package.json; run this script after changing them and commit the result.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp "$ROOT/package.json" "$WORK/"
(cd "$WORK" && npm install --no-audit --no-fund --ignore-scripts --silent)
STATIC="$ROOT/olivebranch/web/static/vendor"
TESTS="$ROOT/tests/vendor"
mkdir -p "$STATIC" "$TESTS"
cp "$WORK/node_modules/cytoscape/dist/cytoscape.min.js" "$STATIC/cytoscape.min.js"
cp "$WORK/node_modules/cytoscape/LICENSE" "$STATIC/cytoscape.LICENSE"
cp "$WORK/node_modules/axe-core/axe.min.js" "$TESTS/axe.min.js"
cp "$WORK/node_modules/axe-core/LICENSE" "$TESTS/axe-core.LICENSE"
for pkg in cytoscape axe-core; do
  node -e "const p=require('$WORK/node_modules/$pkg/package.json');console.log(p.name+' '+p.version+' ('+p.license+')')"
done > "$STATIC/VERSIONS"
echo "vendored: $(tr '\n' ';' < "$STATIC/VERSIONS")"
