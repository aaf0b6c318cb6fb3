#!/bin/sh
# Rebuild plotly-tracker.min.js from the pinned npm packages (`make plotly-bundle`).
# Needs node and npm and the npm registry; the result is committed, so running the
# dashboard needs neither.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/entry.js" "$work/"
cd "$work"
npm ci --no-audit --no-fund --loglevel=error
# The options of plotly.js's own esbuild-config.js that our traces need; CSS is
# MapLibre's, required by the registry only when the street map is registered.
npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --define:define.amd=false --target=es2016 \
  --loader:.css=empty --log-level=warning \
  --banner:js="/* plotly.js $(node -p 'require("plotly.js/package.json").version') with bar, scatter and scattergeo only: dashboard/plotly_bundle/README.md */" \
  --outfile="$here/plotly-tracker.min.js"
# Dash's renderer and dcc call `regeneratorRuntime` (Babel's async functions); Dash
# ships it inside @babel/polyfill with all of core-js, whose own String.trim alone
# cost about 100 ms of every page load. The runtime alone, minified, is what
# dashboard/server/polyfill.py serves in the polyfill's place.
npx esbuild node_modules/regenerator-runtime/runtime.js --minify --target=es2016 \
  --log-level=warning \
  --banner:js="/* regenerator-runtime $(node -p 'require("regenerator-runtime/package.json").version'), Copyright (c) 2014-present, Facebook, Inc., MIT license: dashboard/plotly_bundle/README.md */" \
  --outfile="$here/regenerator-runtime.min.js"
