#!/usr/bin/env bash
# Screenshots of the sample site's main pages at phone and desktop widths,
# in light and dark, with headless Chromium (Debian package chromium).
# Usage: tools/screenshots.sh [OUTDIR]   (default build/screens)
set -euo pipefail
cd "$(dirname "$0")/.."
shots=${1:-build/screens}
site=out
mkdir -p "$shots"
command -v chromium >/dev/null || { echo "install chromium (apt-get install chromium)"; exit 1; }
pages=(
	"home:index.html"
	"notice:2010/10/scrooge-storage-array-failure/index.html"
	"server:servers/SCROOGE/index.html"
	"servers:servers/index.html"
	"maintenance:2010/10/weekend-maintenance-on-deweyhub-scrooge-donald-and-launchpad/index.html"
)
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
for entry in "${pages[@]}"; do
	name=${entry%%:*}
	path=${entry#*:}
	for size in phone:390,1800 desktop:1280,1600; do
		label=${size%%:*}
		for scheme in light dark; do
			chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
				--disable-background-networking --disable-component-update --disable-sync \
				--user-data-dir="$profile" --hide-scrollbars \
				--force-prefers-color-scheme="$scheme" --blink-settings=preferredColorScheme=$([ "$scheme" = dark ] && echo 0 || echo 1) \
				--window-size="${size#*:}" --screenshot="$shots/$name-$label-$scheme.png" \
				"file://$PWD/$site/$path" >/dev/null 2>&1 || true
		done
	done
done
ls "$shots"
