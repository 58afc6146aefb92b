#!/usr/bin/env bash
# Runs nocblog under valgrind's memcheck over the sample site: a cold build
# (no cache, every file written), a build after one more commit (the cache
# read, unchanged pages linked), a build with nothing to do, check and
# history.  Any memory error, and any block still allocated at exit (not
# even "still reachable"), fails.  Usage: tests/valgrind.sh [NOCBLOG]
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$src/nocblog}")
tmp=$(mktemp -d /tmp/nocblog-valgrind-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

export GIT_AUTHOR_NAME="Ann Operator" GIT_AUTHOR_EMAIL=ann@noc.example \
	GIT_COMMITTER_NAME="Ann Operator" GIT_COMMITTER_EMAIL=ann@noc.example \
	GIT_AUTHOR_DATE="2023-01-01T00:00:00Z" GIT_COMMITTER_DATE="2023-01-01T00:00:00Z" \
	GIT_CONFIG_NOSYSTEM=1
git init -q "$tmp/repo"
cp -r "$src/content" "$tmp/repo/"
git -C "$tmp/repo" add content
git -C "$tmp/repo" commit -qm "sample content"

vg() {
	echo "valgrind: nocblog $*"
	valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
		--error-exitcode=99 "$bin" "$@"
}

build="build --repo $tmp/repo --out $tmp/out --theme $src/themes/default --quiet"
vg $build
notice=$(ls "$tmp/repo/content/2010/"*.md | head -n 1)
printf '\nUpdate 2023-01-02 10:00 UTC: checked under valgrind.\n' >>"$notice"
GIT_AUTHOR_DATE="2023-01-02T12:00:00Z" GIT_COMMITTER_DATE="2023-01-02T12:00:00Z" \
	git -C "$tmp/repo" commit -qam "an update"
vg $build
vg $build
# notifications: channels that cannot be reached (a closed port), so
# libcurl's HTTP and SMTP paths run and fail, and the record is written
cat >>"$tmp/repo/content/site.yaml" <<EOF
notify:
  hub: http://127.0.0.1:1/hub
  webhooks:
    - url: http://127.0.0.1:1/hook
      secret_env: NB_VALGRIND_SECRET
  email:
    smtp: smtp://127.0.0.1:1
    from: noc@example.com
    lists:
      - to: [partners@example.net]
EOF
GIT_AUTHOR_DATE="2023-01-02T13:00:00Z" GIT_COMMITTER_DATE="2023-01-02T13:00:00Z" \
	git -C "$tmp/repo" commit -qam "notify"
NB_VALGRIND_SECRET=key vg $build
printf '\nUpdate 2023-01-02 14:00 UTC: told no one.\n' >>"$notice"
GIT_AUTHOR_DATE="2023-01-02T14:00:00Z" GIT_COMMITTER_DATE="2023-01-02T14:00:00Z" \
	git -C "$tmp/repo" commit -qam "an update to tell"
NB_VALGRIND_SECRET=key vg $build 2>"$tmp/said" || { cat "$tmp/said"; exit 1; }
grep -q 'the next build tries again' "$tmp/said"
vg notify --repo "$tmp/repo" --dry-run >/dev/null
vg check --repo "$tmp/repo"
vg history --repo "$tmp/repo" >/dev/null
# import: the site's own Statuspage-shaped API into a new repository (a
# round trip), then a small cState site, then the same again (nothing new)
mkdir -p "$tmp/imp/content" "$tmp/cs/content/issues"
git init -q "$tmp/imp"
printf 'title: Imported\nbase_url: https://status.example.com/\ntimezone: UTC\nservers:\n' \
	>"$tmp/imp/content/site.yaml"
api="$tmp/out/api/v2"
vg import --repo "$tmp/imp" statuspage "$api/summary.json" "$api/incidents.json" \
	"$api/scheduled-maintenances.json" 2>/dev/null
cat >"$tmp/cs/config.yml" <<EOF
title: Example Status
baseURL: https://status.example.org/
params:
  categories:
    - name: Core
  systems:
    - name: Mail Relay
      category: Core
EOF
cat >"$tmp/cs/content/issues/relay.md" <<EOF
---
title: Relay delays
date: 2022-12-31 23:50:00
resolved: true
resolvedWhen: 2023-01-01 01:00:00
severity: disrupted
affected: [Mail Relay, Unknown]
section: issue
---

*Monitoring* - Queues are draining. {{< track "2023-01-01 00:30:00" >}}

*Investigating* - Mail is delayed. {{< track "2022-12-31 23:50:00" >}}
EOF
vg import --repo "$tmp/imp" cstate "$tmp/cs" 2>/dev/null
vg import --repo "$tmp/imp" cstate "$tmp/cs" 2>/dev/null
test "$(git -C "$tmp/imp" log --oneline | grep -c 'Relay delays')" = 3
echo "valgrind: no errors, nothing left allocated"
