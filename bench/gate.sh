#!/bin/sh
# nhigate-gate on a typical pull request: 10 commits changing 50 files on top
# of the large make-history repository (the one bench/run.sh builds), median of
# NHG_BENCH_GATE_RUNS (21) runs, wall time including start-up.  Baseline in the
# same invocation: `git log -p BASE..PR`, which reads the same change.
# Prints a small Markdown table.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/${BUILD:-build}"
CACHE=${NHG_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nhigate-bench}
COMMITS=${NHG_BENCH_COMMITS:-20000}
SEED=${NHG_BENCH_SEED:-7}
RUNS=${NHG_BENCH_GATE_RUNS:-21}
HIST=$CACHE/hist-$COMMITS-$SEED
PR=$CACHE/pr-$COMMITS-$SEED
if [ ! -d "$HIST/.git" ]; then
	echo "bench/gate.sh: no history at $HIST; run bench/run.sh (make bench) first" >&2
	exit 2
fi

# The pull request, made once: 10 commits, each editing 5 of 50 files by
# appending 40 lines taken from other files of the tree; one carries a key.
if [ ! -d "$PR/.git" ]; then
	rm -rf "$PR"
	git clone -q --shared "$HIST" "$PR"
	git -C "$PR" checkout -q -b pr
	files=$(git -C "$PR" ls-files | awk 'NR % 97 == 0' | head -n 50)
	donors=$(git -C "$PR" ls-files | awk 'NR % 89 == 1' | head -n 50)
	i=0
	for c in 0 1 2 3 4 5 6 7 8 9; do
		for f in $(printf '%s\n' $files | sed -n "$((c * 5 + 1)),$((c * 5 + 5))p"); do
			d=$(printf '%s\n' $donors | sed -n "$((i + 1))p")
			head -n 40 "$PR/$d" >>"$PR/$f"
			i=$((i + 1))
		done
		[ $c -eq 7 ] && printf 'aws_access_key_id = AKIAQ3EGUNPZJ7XWTM4K\n' >>"$PR/$f"
		git -C "$PR" -c user.name=bench -c user.email=bench@example.org commit -qam "pr $c"
	done
fi
BASE=$(git -C "$PR" rev-parse main)

m() {
	python3 "$ROOT/bench/measure.py" --runs "$RUNS" --ok 0,1 -- "$@"
}
floor=$(m git -C "$PR" log -p --no-color "$BASE..pr")
plain=$(m "$BIN/nhigate-gate" --rules "$ROOT/rules" --repo "$PR" --quiet --format json \
	--range "$BASE..pr")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
reports=$(m "$BIN/nhigate-gate" --rules "$ROOT/rules" --repo "$PR" --quiet --format text \
	--report "json=$out/v.json" --report "sarif=$out/r.sarif" \
	--report "gitlab-secret-detection=$out/gl.json" --report "junit=$out/j.xml" \
	--decision-log "$out/decisions.log" --range "$BASE..pr")
nfiles=$(git -C "$PR" diff --name-only "$BASE..pr" | wc -l | tr -d ' ')
ncommits=$(git -C "$PR" rev-list --count "$BASE..pr")
python3 - "$nfiles" "$ncommits" "$floor" "$plain" "$reports" <<'PY'
import json, sys
nfiles, ncommits = int(sys.argv[1]), int(sys.argv[2])
f, p, r = (json.loads(x) for x in sys.argv[3:6])
print("## nhigate-gate on a pull request (%d commits, %d files)" % (ncommits, nfiles))
print()
print("| run | median wall ms | CPU ms | peak RSS MB | vs git log -p |")
print("|---|---:|---:|---:|---:|")
for name, x in (("git log -p BASE..PR (baseline)", f), ("nhigate-gate --format json", p),
                ("nhigate-gate with json, sarif, gitlab, junit reports and the decision log", r)):
    print("| %s | %.1f | %.1f | %.1f | %.2fx |" % (name, x["median_wall"] * 1000, x["cpu"] * 1000,
          x["max_rss_kb"] / 1024, x["median_wall"] / f["median_wall"]))
print()
worst = max(p["median_wall"], r["median_wall"]) * 1000
print("Target: a decision in under 100 ms including start-up: %s (%.1f ms)." %
      ("met" if worst < 100 else "missed", worst))
PY
