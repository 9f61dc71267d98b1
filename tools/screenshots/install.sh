#!/bin/sh
# install: the npm packages `make screenshots` needs (playwright-core drives Debian's
# chromium; axe-core is evaluated in each page), exactly as package-lock.json pins them,
# into DIR (under build/). Runs npm ci again only when the lock file changed.
set -eu
dir=$1
here=$(dirname "$0")
if [ -f "$dir/package-lock.json" ] && cmp -s "$here/package-lock.json" "$dir/package-lock.json" \
	&& [ -d "$dir/node_modules/playwright-core" ] && [ -d "$dir/node_modules/axe-core" ]; then
	exit 0
fi
mkdir -p "$dir"
cp "$here/package.json" "$here/package-lock.json" "$dir/"
# --ignore-scripts: nothing from the registry runs at install; playwright-core would
# otherwise offer to download a browser, and sava uses Debian's chromium.
(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
