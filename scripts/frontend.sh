#!/bin/sh
# Build the consoles' JavaScript into ivr/web/static/dist/: the npm packages exactly as frontend/package-lock.json
# pins them (no install scripts run: esbuild works without its optional one), then frontend/build.mjs.
# Called by scripts/bootstrap.sh and `make frontend`; needs Node.js 18 or newer and npm.
set -eu
cd "$(dirname "$0")/.."
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 18 ]; then
  echo "frontend: Node.js 18 or newer is needed (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
npm ci --prefix frontend --no-audit --no-fund --ignore-scripts --loglevel=error
node frontend/build.mjs
