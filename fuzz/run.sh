#!/bin/sh
# Run libFuzzer targets: fuzz/run.sh BUILD_DIR NAME...  (make fuzz calls it)
# Each target runs for $FUZZ_SECONDS (default 60) on one core over a work
# corpus in BUILD_DIR/corpus/NAME (kept between runs) seeded from
# fuzz/corpus/NAME, with fuzz/NAME.dict when there is one.  Crashing inputs
# land in BUILD_DIR/crashes/; logs in BUILD_DIR/logs/NAME.log.  Prints one
# line per target (runs, exec/s, coverage, corpus, peak RSS) and exits 1
# when any target found a crash, a leak, a timeout or ran out of memory.
set -u
dir=$1
shift
secs=${FUZZ_SECONDS:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
NHIGATE_RULES=${NHIGATE_RULES:-$root/rules}
export NHIGATE_RULES
# libFuzzer ends without atexit handlers: the targets' scratch files go here,
# one directory per run, so runs side by side never remove each other's
mkdir -p "$dir/crashes" "$dir/logs" "$dir/tmp/$$"
TMPDIR=$(cd "$dir/tmp/$$" && pwd)
export TMPDIR
failed=""
printf '%-12s %10s %8s %7s %7s %6s %7s  %s\n' target runs exec/s cov ft corpus rss_mb result
for name in "$@"; do
	bin=$dir/fuzz/$name
	work=$dir/corpus/$name
	log=$dir/logs/$name.log
	mkdir -p "$work"
	dict=""
	[ -f "$root/fuzz/$name.dict" ] && dict="-dict=$root/fuzz/$name.dict"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2560 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$dir/crashes/$name-" $dict \
		"$work" "$root/fuzz/corpus/$name" >"$log" 2>&1
	st=$?
	rm -rf "$TMPDIR"/nhg-fuzz.*
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(printf '%s' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(printf '%s' "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	if [ "$st" -eq 0 ]; then res=ok; else res="FAILED (exit $st, see $log)"; failed="$failed $name"; fi
	printf '%-12s %10s %8s %7s %7s %6s %7s  %s\n' "$name" "${runs:-?}" "${eps:-?}" \
		"${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}" "$res"
done
rmdir "$TMPDIR" 2>/dev/null
[ -z "$failed" ] || { echo "fuzz: failed:$failed" >&2; exit 1; }
