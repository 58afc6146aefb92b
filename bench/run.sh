#!/usr/bin/env bash
# make bench: nocblog against git itself (the floor) and Hugo, on generated
# histories.  Medians of RUNS runs; peak RSS from /usr/bin/time.
# Histories come from bench/gen-history.py, Hugo's site from bench/hugo-site/
# (bench/add-hugo-site.sh); repositories are cached in $NOCBLOG_BENCH_DIR
# (default /var/tmp/nocblog-bench), under names that change with the
# generator and the Hugo site, so that editing either makes new ones.
# SIZES="1000:5000 10000:50000" and LAYOUTS="flat year" choose what runs.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
gen=$top/bench/gen-history.py
version=$(cksum < "$gen" | cut -d' ' -f1)
hugo_version=$(cat bench/add-hugo-site.sh bench/hugo-site/hugo.toml bench/hugo-site/layouts/*/* |
	cksum | cut -d' ' -f1)
cache=${NOCBLOG_BENCH_DIR:-/var/tmp/nocblog-bench}
runs=${RUNS:-3}
sizes=${SIZES:-"1000:5000 10000:50000"}
layouts=${LAYOUTS:-"flat year"}
nocblog=$top/nocblog
results=$top/bench/results.md
mkdir -p "$cache"

# GNU time for peak memory, Hugo for the comparison: Debian packages
missing=
[ -x /usr/bin/time ] || missing="$missing time"
command -v hugo >/dev/null || missing="$missing hugo"
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y -qq $missing >/dev/null || true
	else
		echo "for the full table: sudo apt-get install$missing"
	fi
fi
for tool in git python3 /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "bench needs $tool"; exit 1; }
done

# "seconds peakKB" of one run of a command
measure() {
	/usr/bin/time -f '%e %M' -o "$cache/time.out" "$@" >/dev/null 2>"$cache/err.out" ||
		{ echo "failed: $*" >&2; cat "$cache/err.out" >&2; exit 1; }
	cat "$cache/time.out"
}

# median seconds and the largest peak (MB) of lines "s kb"
summarize() {
	sort -n | awk '{ t[NR] = $1; if ($2 > m) m = $2 } END {
		printf "%.3f %.0f", t[int((NR + 1) / 2)], m / 1024 }'
}

prepare() { # repo notices commits layout
	local repo=$1
	if [ ! -d "$repo/.git" ]; then
		echo "generating $repo" >&2
		python3 "$gen" "$repo" --incidents "$2" --commits "$3" --layout "$4" >/dev/null
		git -C "$repo" -c commitGraph.generationVersion=1 commit-graph write --reachable
	fi
	if command -v hugo >/dev/null && [ ! -d "$repo-hugo-$hugo_version/.git" ]; then
		git clone -q "$repo" "$repo-hugo-$hugo_version"
		sh "$top/bench/add-hugo-site.sh" "$repo-hugo-$hugo_version"
		git -C "$repo-hugo-$hugo_version" -c commitGraph.generationVersion=1 \
			commit-graph write --reachable
	fi
}

# appends an update to the newest notice and commits, one minute after the last commit
one_commit() {
	local repo=$1 file last
	file=$(git -C "$repo" log -1 --format= --name-only --diff-filter=A -- content | head -n 1)
	last=$(git -C "$repo" log -1 --format=%ct)
	printf '\n**Update:** One more update for the benchmark.\n' >> "$repo/$file"
	git -C "$repo" add -A
	GIT_AUTHOR_DATE="@$((last + 60)) +0000" GIT_COMMITTER_DATE="@$((last + 60)) +0000" \
		git -C "$repo" -c user.name=Bench -c user.email=bench@noc.example commit -qm bench
}

# what a killed run left; removed before anything is timed
rm -rf "$cache"/out-* "$cache"/hugo-out.*
sync

rows=()
for size in $sizes; do
	notices=${size%%:*} commits=${size#*:}
	for layout in $layouts; do
		repo=$cache/$layout-$notices-$commits-$version
		prepare "$repo" "$notices" "$commits" "$layout"
		tip=$(git -C "$repo" rev-parse HEAD)
		out=$cache/out-$layout-$notices
		all= floor= cold= noop= inc= hugo=
		for ((i = 0; i < runs; i++)); do
			all+="$(measure git -C "$repo" log --raw --no-renames --format='%H %at')"$'\n'
			floor+="$(measure git -C "$repo" log --raw --no-renames --format='%H %at' -- content/)"$'\n'
			# cold: no cache, into a folder never used (removing a big folder
			# right before makes creating files slower for every tool: the
			# output folders go only once every run is done)
			rm -rf "$repo/.git/nocblog"
			fresh=$out.cold-$i
			cold+="$(measure "$nocblog" build --repo "$repo" --out "$fresh" --quiet)"$'\n'
			noop+="$(measure "$nocblog" build --repo "$repo" --out "$fresh" --quiet)"$'\n'
			# a site that has been built before has its previous copy beside it
			# (its .stage) to bring up to date: the first build after a cold one
			# makes it, and is not the case measured
			one_commit "$repo"
			"$nocblog" build --repo "$repo" --out "$fresh" --quiet
			one_commit "$repo"
			inc+="$(measure "$nocblog" build --repo "$repo" --out "$fresh" --quiet)"$'\n'
			git -C "$repo" reset -q --hard "$tip"
			if command -v hugo >/dev/null; then
				hugo+="$(measure hugo --quiet -s "$repo-hugo-$hugo_version" \
					-d "$cache/hugo-out.cold-$i")"$'\n'
			fi
		done
		read -r a_t a_m <<<"$(printf '%s' "$all" | summarize)"
		read -r f_t f_m <<<"$(printf '%s' "$floor" | summarize)"
		read -r c_t c_m <<<"$(printf '%s' "$cold" | summarize)"
		read -r n_t n_m <<<"$(printf '%s' "$noop" | summarize)"
		read -r i_t i_m <<<"$(printf '%s' "$inc" | summarize)"
		if [ -n "$hugo" ]; then
			read -r h_t h_m <<<"$(printf '%s' "$hugo" | summarize)"
		else
			h_t=- h_m=-
		fi
		rows+=("$(awk -v n="$notices/$commits $layout" -v a="$a_t" -v am="$a_m" -v f="$f_t" \
			-v fm="$f_m" -v c="$c_t" -v cm="$c_m" -v no="$n_t" -v nm="$n_m" -v i="$i_t" \
			-v im="$i_m" -v h="$h_t" -v hm="$h_m" 'BEGIN {
			hr = (h == "-") ? "-" : sprintf("%.1f", h / c)
			printf "| %s | %.2f s (%.0f MB) | %.2f s (%.0f MB) | %.2f s (%.0f MB) | %.2f s (%.0f MB) | %.2f s (%.0f MB) | %s s (%s MB) | %.2f | %.2f | %s | %.1f%% | %.1f%% |",
				n, a, am, f, fm, c, cm, no, nm, i, im, h, hm, c / a, c / f, hr, 100 * i / c, 100 * no / c }')")
	done
done

rm -rf "$cache"/out-* "$cache"/hugo-out.*

{
	echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, medians of $runs runs."
	echo
	echo "| notices/commits layout | floor: git log, all paths | floor: git log -- content/ | nocblog cold | no-op | after one commit | Hugo | cold/all-paths floor | cold/content floor | Hugo/cold | one commit/cold | no-op/cold |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	printf '%s\n' "${rows[@]}"
} > "$results"
cat "$results"
