#!/bin/sh
# Usage: bench/add-hugo-site.sh REPO
#
# Adds the Hugo site of bench/hugo-site/ (hugo.toml and its templates) to
# REPO, a repository made by bench/gen-history.py, in one commit a minute
# after its last, so that Hugo builds the same content/ with the same
# history nocblog reads:  hugo --quiet -s REPO -d OUT
set -eu
if [ $# -ne 1 ] || [ ! -d "$1/.git" ]; then
	echo "usage: $0 REPO" >&2
	exit 2
fi
repo=$1
site=$(cd "$(dirname "$0")" && pwd)/hugo-site
cp -R "$site/hugo.toml" "$site/layouts" "$repo/"
printf '/public/\n/resources/\n/.hugo_build.lock\n' > "$repo/.gitignore"
when="@$(($(git -C "$repo" log -1 --format=%ct) + 60)) +0000"
git -C "$repo" add .gitignore hugo.toml layouts
GIT_AUTHOR_DATE=$when GIT_COMMITTER_DATE=$when git -C "$repo" -c user.name="Site Admin" \
	-c user.email=admin@noc.example.net commit -q -m "Hugo site: configuration and templates"
