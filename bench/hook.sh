#!/bin/sh
# The pre-receive hook through real `git push`es into a bare copy of the
# make-history repository (bench/run.sh builds it): a 10-commit push (the pull
# request of bench/gate.sh) and a 1,000-commit push.  Each is timed with the
# hook installed and, as the baseline in the same invocation, without it; the
# hook's cost is the difference of the medians.  Each run deletes the pushed
# ref first, so every push brings its commits anew (into the quarantine).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/${BUILD:-build}"
CACHE=${NHG_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nhigate-bench}
COMMITS=${NHG_BENCH_COMMITS:-20000}
SEED=${NHG_BENCH_SEED:-7}
RUNS=${NHG_BENCH_HOOK_RUNS:-11}
HIST=$CACHE/hist-$COMMITS-$SEED
PR=$CACHE/pr-$COMMITS-$SEED
[ -d "$PR/.git" ] || { echo "bench/hook.sh: run bench/gate.sh first (no $PR)" >&2; exit 2; }

# the 1,000-commit branch, made once: small edits of one file per commit
if ! git -C "$PR" rev-parse -q --verify refs/heads/long >/dev/null; then
	git -C "$PR" checkout -q -b long main
	f=$(git -C "$PR" ls-files | awk 'NR == 500')
	i=0
	while [ $i -lt 1000 ]; do
		echo "line $i of a long push" >>"$PR/$f"
		git -C "$PR" -c user.name=bench -c user.email=bench@example.org commit -qam "long $i"
		i=$((i + 1))
	done
	git -C "$PR" checkout -q pr
fi

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
git clone -q --bare "$HIST" "$W/with.git"
git clone -q --bare "$HIST" "$W/without.git"
cp "$ROOT/integrations/git-hooks/pre-receive" "$W/with.git/hooks/pre-receive"
cat >"$W/push.sh" <<'SH'
#!/bin/sh
# push.sh SERVER BRANCH: delete the branch on the server, then push it
git -C "$1" update-ref -d "refs/heads/$2" 2>/dev/null
exec git -C "$PR" push -q "$1" "$2:refs/heads/$2"
SH
export PR PATH="$BIN:$PATH" NHIGATE_RULES="$ROOT/rules" NHIGATE_DEADLINE=30
m() { python3 "$ROOT/bench/measure.py" --runs "$RUNS" --ok 0,1 -- "$@"; }
short_w=$(m sh "$W/push.sh" "$W/with.git" pr)
short_wo=$(m sh "$W/push.sh" "$W/without.git" pr)
long_w=$(m sh "$W/push.sh" "$W/with.git" long)
long_wo=$(m sh "$W/push.sh" "$W/without.git" long)
python3 - "$short_w" "$short_wo" "$long_w" "$long_wo" <<'PY'
import json, sys
sw, so, lw, lo = (json.loads(x) for x in sys.argv[1:5])
print("## pre-receive hook (real git push into a bare copy of the 20,000-commit history)")
print()
print("| push | with hook ms | without hook ms (baseline) | hook cost ms |")
print("|---|---:|---:|---:|")
for name, w, o in (("10 commits, 50 files", sw, so), ("1,000 commits", lw, lo)):
    print("| %s | %.1f | %.1f | %.1f |" % (name, w["median_wall"] * 1000, o["median_wall"] * 1000,
                                          (w["median_wall"] - o["median_wall"]) * 1000))
print()
print("Targets: the hook under 100 ms on the 10-commit push: %s; the 1,000-commit push under 2 s: %s." %
      ("met" if (sw["median_wall"] - so["median_wall"]) < 0.1 else "missed",
       "met" if lw["median_wall"] < 2 else "missed"))
PY
