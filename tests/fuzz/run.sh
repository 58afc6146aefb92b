#!/usr/bin/env bash
# Runs libFuzzer targets built in build/fuzz/: first replays the committed
# seeds and every crash ever found (tests/fuzz/crashes/), then fuzzes each
# target for SECONDS, one after the other (one core: others share the
# machine).  New inputs go to build/fuzz/corpus/NAME, never to the
# committed seeds; a crash is saved in build/fuzz/crashes/NAME/.  Each run
# is added to build/fuzz/runs.log (date, target, seconds, result).
# usage: tests/fuzz/run.sh SECONDS NAME...
set -u
seconds=$1
shift
here=$(dirname "$0")
log=build/fuzz/runs.log

# Inputs much longer than real ones only slow a fuzzer down.
max_len() {
	case $1 in
	stamp) echo 256 ;;
	*) echo 16384 ;;
	esac
}

failed=""
for t in "$@"; do
	bin=build/fuzz/fuzz_$t
	seeds=$(find "$here/corpus/$t" "$here/crashes/$t" -type f ! -name .gitkeep 2>/dev/null | sort)
	echo "== fuzz_$t: replaying $(echo "$seeds" | grep -c .) seeds and crashes"
	if [ -n "$seeds" ] && ! $bin -rss_limit_mb=2048 -timeout=10 $seeds >build/fuzz/replay-$t.log 2>&1; then
		tail -n 40 build/fuzz/replay-$t.log
		failed="$failed $t(replay)"
		continue
	fi
	[ "$seconds" -gt 0 ] || continue
	mkdir -p build/fuzz/corpus/$t build/fuzz/crashes/$t
	dict=()
	[ -f "$here/$t.dict" ] && dict=(-dict="$here/$t.dict")
	echo "== fuzz_$t: fuzzing for $seconds s"
	if $bin -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
		-max_total_time="$seconds" -print_final_stats=1 "${dict[@]}" \
		-artifact_prefix=build/fuzz/crashes/$t/ \
		build/fuzz/corpus/$t "$here/corpus/$t" >build/fuzz/fuzz-$t.log 2>&1; then
		echo "$(date -u +%FT%TZ) $t $seconds ok" >>$log
		grep -E '^stat::number_of_executed_units|^Done' build/fuzz/fuzz-$t.log | tail -n 2
	else
		echo "$(date -u +%FT%TZ) $t $seconds FOUND" >>$log
		grep -B 2 -A 30 -E '^==[0-9]+==|runtime error|deadly signal|timeout' build/fuzz/fuzz-$t.log | head -n 60
		ls build/fuzz/crashes/$t/
		failed="$failed $t"
	fi
done
[ -z "$failed" ] || { echo "fuzz: failed:$failed"; exit 1; }
echo "fuzz: all targets clean"
