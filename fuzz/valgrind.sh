#!/bin/sh
# make valgrind: memcheck over the unit tests, the fuzz corpora (replayed)
# and the CLI tests, with tests/valgrind.supp.  Every nhigate binary the CLI
# tests start runs under valgrind through a wrapper directory put first on
# the tests' PATH; each process writes its own log, and the run fails when
# any log reports an error or a definite or indirect leak.  The CLI tests'
# own verdicts are printed too, but only memcheck decides: a test may fail
# under valgrind's slowness (hook deadlines) without a memory error.
#   BUILD=dir sh fuzz/valgrind.sh             (make valgrind sets BUILD)
#   VALGRIND_CLI="t_gate t_pipeline" ...      (CLI tests to run; default below)
set -u
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) bin=$BUILD ;; *) bin=$root/$BUILD ;; esac
cli=${VALGRIND_CLI:-t_secrets_cli t_gate t_pipeline t_pipeline_gitlab t_git_sources t_pre_receive t_no_leak}
logs=$(mktemp -d "${TMPDIR:-/tmp}/nhg-valgrind.XXXXXX")
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect --num-callers=30 --suppressions=$root/tests/valgrind.supp"
export NHIGATE_RULES="$root/rules"
status=0

echo "== valgrind: unit tests"
for t in "$bin"/tests/test_*; do
	[ -x "$t" ] || continue
	# shellcheck disable=SC2086
	if ! $vg --log-file="$logs/unit-${t##*/}.%p.log" "$t" >/dev/null 2>&1; then
		echo "FAIL ${t##*/}"
		status=1
	fi
done

echo "== valgrind: fuzz corpora"
for t in "$bin"/tests/fuzz_*; do
	[ -x "$t" ] || continue
	name=${t##*/fuzz_}
	# shellcheck disable=SC2086
	if ! $vg --log-file="$logs/fuzz-$name.%p.log" "$t" "$root/fuzz/corpus/$name" >/dev/null 2>&1; then
		echo "FAIL fuzz_$name"
		status=1
	fi
done

echo "== valgrind: CLI tests ($cli)"
wrap=$logs/bin
mkdir -p "$wrap/tests"
for b in "$bin"/nhigate-*; do
	cat > "$wrap/${b##*/}" <<WRAP
#!/bin/sh
exec $(echo $vg) --log-file="$logs/cli-${b##*/}.%p.log" "$b" "\$@"
WRAP
	chmod +x "$wrap/${b##*/}"
done
for t in $cli; do
	printf '%s: ' "$t"
	BUILD=$wrap bash "$root/tests/cli/$t.sh" 2>/dev/null | tail -1
done

runs=$(find "$logs" -name '*.log' | wc -l)
bad=$(find "$logs" -name '*.log' -size +0 | wc -l)
echo "== valgrind: $runs processes checked, $bad with memcheck reports"
if [ "$bad" -gt 0 ]; then
	find "$logs" -name '*.log' -size +0 | head -5 | while read -r f; do
		echo "--- $f"; head -40 "$f"
	done
	status=1
fi
[ "$status" -eq 0 ] && rm -rf "$logs" || echo "logs kept in $logs"
exit "$status"
