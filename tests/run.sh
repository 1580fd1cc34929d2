#!/bin/sh
# Run the suite: cmocka unit tests, every rule example, then CLI/git tests.
# Usage: tests/run.sh [unit|rules|cli]   (default: all)
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
BUILD=${BUILD:-build}
what=${1:-all}
pass=0
fail=0
failed=""

count() { # name status
	if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $1"; fi
}

if [ "$what" = all ] || [ "$what" = unit ]; then
	for t in "$BUILD"/tests/test_*; do
		case $t in *.o | *.d) continue ;; esac
		[ -x "$t" ] || continue
		echo "== unit: ${t##*/}"
		"$t"
		count "${t##*/}" $?
	done
fi
if [ "$what" = all ] || [ "$what" = rules ]; then
	echo "== rules: every example of the default pack"
	"$BUILD"/nhigate-rules test --rules rules > "$BUILD/rules-test.out"
	st=$?
	grep -E '^(FAIL|[0-9]+ passed)' "$BUILD/rules-test.out"
	count rules-test $st
fi
if [ "$what" = all ] || [ "$what" = cli ]; then
	for t in tests/cli/t_*.sh; do
		[ -f "$t" ] || continue
		echo "== cli: ${t##*/}"
		BUILD="$BUILD" bash "$t"
		count "${t##*/}" $?
	done
fi
echo
[ -z "$failed" ] || echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
