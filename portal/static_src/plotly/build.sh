#!/usr/bin/env bash
# Rebuilds the two partial Plotly bundles the chart pages load, in portal/static/portal/vendor/plotly/:
# plotly-hdh-basic.min.js (entry basic.js: bars, pies, scatter; 1.2 MB, 0.40 MB compressed) for
# most pages, and plotly-hdh.min.js (entry.js: also heatmaps, maps and Sankey; 1.6 MB, 0.56 MB)
# for the publication pages — instead of the 4.8 MB full bundle. The smaller one runs ~0.1 s
# sooner cold (bench/charts.py). Run it by hand when the plotly Python package moves to another
# plotly.js version or a page needs a new trace type (add it to entry.js, and to basic.js if
# pages other than the publication ones use it). It needs the npm registry; the portal does not.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../static/portal/vendor/plotly"
version="${PLOTLY_JS_VERSION:-4.1.1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/entry.js" "$here/basic.js" "$work/"
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund "plotly.js@$version" esbuild >/dev/null
build() {  # entry file, output name, trace types named in the licence header
  npx esbuild "$1" --bundle --minify --format=iife --global-name=Plotly \
    --define:global=window --define:define.amd=false --target=es2016 \
    --alias:stream=stream-browserify --loader:.css=empty --legal-comments=none \
    --outfile="$2"
  {
    printf '/*! plotly.js v%s partial bundle for the HDH portal (%s, locale fr) | (c) Plotly, Inc. | MIT license | built by portal/static_src/plotly/build.sh */\n' "$version" "$3"
    cat "$2"
  } >"$out/$2"
}
build entry.js plotly-hdh.min.js "core, bar, pie, heatmap, choropleth, scattergeo, sankey"
build basic.js plotly-hdh-basic.min.js "core, bar, pie"
cp node_modules/plotly.js/LICENSE "$out/LICENSE"
