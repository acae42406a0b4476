#!/usr/bin/env bash
# Rebuilds portal/static/portal/vendor/plotly/plotly-hdh.min.js, the partial Plotly bundle the
# chart pages load (1.4 MB instead of the 4.8 MB full bundle; ~0.5 MB compressed). Run it by hand
# when the plotly Python package moves to another plotly.js version or a page needs a new trace
# type (add it to entry.js). It needs network access to the npm registry; the portal does not.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../static/portal/vendor/plotly"
version="${PLOTLY_JS_VERSION:-4.1.1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/entry.js" "$work/"
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund "plotly.js@$version" esbuild >/dev/null
npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --define:define.amd=false --target=es2016 \
  --alias:stream=stream-browserify --loader:.css=empty --legal-comments=none \
  --outfile=plotly-hdh.min.js
{
  printf '/*! plotly.js v%s partial bundle for the HDH portal (core, bar, pie, heatmap, choropleth, scattergeo, sankey, locale fr) | (c) Plotly, Inc. | MIT license | built by portal/static_src/plotly/build.sh */\n' "$version"
  cat plotly-hdh.min.js
} >"$out/plotly-hdh.min.js"
cp node_modules/plotly.js/LICENSE "$out/LICENSE"
