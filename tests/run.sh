#!/usr/bin/env bash
# Runs each cmocka test program given, and closes with one summary line.
set -u
passed=0 failed=0 broken=""
for t in "$@"; do
	log=$(mktemp)
	"$t" 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$status" -ne 0 ] && [ -z "$f" ]; then
		failed=$((failed + 1)) # crashed before cmocka could count
		broken="$broken $t"
	fi
	rm -f "$log"
done
[ -z "$broken" ] || echo "crashed:$broken"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
