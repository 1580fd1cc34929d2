#!/bin/sh
# bench/run.sh - the nhigate-secrets benchmark (`make bench`).
#
# Builds (once, cached outside the tree) a 20,000-commit history with planted
# fake credentials, then measures in one invocation:
#   floor      git log -p --no-color --all >/dev/null
#   --all      nhigate-secrets --all --format json            (git mode)
#   FILE       nhigate-secrets --format json LOG              (paths mode over the
#              same `git log -p` text, dumped to one file)
#   start-up   nhigate-secrets --format json EMPTYFILE        (median of 21 runs)
#   planted    nhigate-secrets and secretlint on the files as they were at the
#              commits that planted a credential (COMMIT12/PATH, ~800 files)
#   HEAD tree  nhigate-secrets on the HEAD tree (git archive), secretlint on request
# and scores the findings against the truth file (bench/score.py); then
# bench/pipeline.sh (nhigate-pipeline on the corpus) and bench/gate.sh
# (nhigate-gate on a 10-commit, 50-file pull request), bench/hook.sh (the
# pre-receive hook on 10- and 1,000-commit pushes) and bench/log.sh (the
# decision log: verify-log and audit over 1,000,000 records).
# secretlint (npm) is an outside reference; if it cannot be installed the
# script says so and goes on without it.
#
# Environment: BUILD (default build), NHG_BENCH_CACHE (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/nhigate-bench), NHG_BENCH_COMMITS (20000),
# NHG_BENCH_SEED (7), NHG_BENCH_RUNS (3), NHG_BENCH_STARTUP_RUNS (21),
# NHG_BENCH_SECRETLINT=0 to skip secretlint, NHG_BENCH_SECRETLINT_HEAD_RUNS
# (default 0; 1 adds one secretlint pass over the 190 MB HEAD tree, which takes
# well over ten minutes here).  Without it the HEAD tree is scanned by nhigate only.
# Output: a plain table, then the same figures as Markdown, on stdout; the
# raw JSON and report.md stay in $NHG_BENCH_CACHE/results.  The scan
# reports there hold file paths and redacted values only, except secretlint's
# JSON, which embeds each file's source (it is never printed).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in
/*) BIN=$BUILD/nhigate-secrets ;;
*) BIN=$ROOT/$BUILD/nhigate-secrets ;;
esac
RULES=$ROOT/rules
BENCH=$ROOT/bench
MAKE_HISTORY=$ROOT/../shared/bench/make-history
CACHE=${NHG_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nhigate-bench}
COMMITS=${NHG_BENCH_COMMITS:-20000}
SEED=${NHG_BENCH_SEED:-7}
RUNS=${NHG_BENCH_RUNS:-3}
STARTUP_RUNS=${NHG_BENCH_STARTUP_RUNS:-21}
SL_HEAD_RUNS=${NHG_BENCH_SECRETLINT_HEAD_RUNS:-0}

say() { printf '%s\n' "bench: $*" >&2; }
die() { say "$*"; exit 2; }

command -v python3 >/dev/null 2>&1 || die "python3 is required"
command -v git >/dev/null 2>&1 || die "git is required"
[ -x "$BIN" ] || die "$BIN not found; run 'make build' first"
[ -d "$RULES" ] || die "rule pack $RULES not found"

mkdir -p "$CACHE"
HIST=$CACHE/hist-$COMMITS-$SEED
TRUTH=$HIST.truth.jsonl
LOG=$HIST.log
TREE=$CACHE/tree-$COMMITS-$SEED
PLANTED=$CACHE/planted-$COMMITS-$SEED
EMPTY=$CACHE/empty
RES=$CACHE/results

# ---- inputs, generated only when missing ---------------------------------------
if [ ! -d "$HIST/.git" ] || [ ! -s "$TRUTH" ]; then
	[ -f "$MAKE_HISTORY" ] || die "$MAKE_HISTORY not found"
	say "generating the $COMMITS-commit history (seed $SEED) in $HIST"
	rm -rf "$HIST.tmp" "$HIST.tmp.truth.jsonl" "$HIST" "$TRUTH" "$LOG" "$TREE" "$PLANTED"
	python3 "$MAKE_HISTORY" --out "$HIST.tmp" --commits "$COMMITS" --seed "$SEED" >&2
	mv "$HIST.tmp.truth.jsonl" "$TRUTH"
	mv "$HIST.tmp" "$HIST"
fi
if [ ! -s "$LOG" ]; then
	say "dumping git log -p to $LOG"
	git -C "$HIST" log -p --no-color --all >"$LOG.tmp"
	mv "$LOG.tmp" "$LOG"
fi
if [ ! -d "$TREE" ]; then
	say "checking out the HEAD tree into $TREE"
	rm -rf "$TREE.tmp"
	mkdir -p "$TREE.tmp"
	git -C "$HIST" archive --format=tar HEAD | tar -x -C "$TREE.tmp"
	mv "$TREE.tmp" "$TREE"
fi
if [ ! -d "$PLANTED" ]; then
	say "extracting the files of the planting commits into $PLANTED"
	rm -rf "$PLANTED.tmp"
	python3 "$BENCH/score.py" extract --truth "$TRUTH" --repo "$HIST" --out "$PLANTED.tmp"
	mv "$PLANTED.tmp" "$PLANTED"
fi
: >"$EMPTY"

rm -rf "$RES"
mkdir -p "$RES"
dir_bytes() { find "$1/" -type f -exec cat {} + | wc -c | tr -d ' '; }
LOG_BYTES=$(wc -c <"$LOG" | tr -d ' ')
TREE_BYTES=$(dir_bytes "$TREE")
PLANTED_BYTES=$(dir_bytes "$PLANTED")
MAXSIZE=$((LOG_BYTES + 1))

measure() { # NAME RUNS OKCODES STDOUT|- [--cwd DIR] -- CMD...
	name=$1 runs=$2 ok=$3 out=$4
	shift 4
	if [ "$out" = - ]; then
		python3 "$BENCH/measure.py" --runs "$runs" --ok "$ok" "$@" >"$RES/m-$name.json"
	else
		python3 "$BENCH/measure.py" --runs "$runs" --ok "$ok" --stdout "$out" "$@" >"$RES/m-$name.json"
	fi
}

# ---- nhigate timings -------------------------------------------------------------
say "floor: git log -p --no-color --all >/dev/null  (x$RUNS)"
measure floor "$RUNS" 0 - -- git -C "$HIST" log -p --no-color --all
say "nhigate-secrets --all  (x$RUNS)"
measure all "$RUNS" 0,1 "$RES/r-all.json" -- \
	"$BIN" --rules "$RULES" --format json --quiet --repo "$HIST" --all
say "nhigate-secrets FILE over the git log -p text, $LOG_BYTES bytes  (x$RUNS)"
measure files "$RUNS" 0,1 "$RES/r-files.json" -- \
	"$BIN" --rules "$RULES" --format json --quiet --max-file-size "$MAXSIZE" "$LOG"
say "nhigate-secrets EMPTYFILE  (x$STARTUP_RUNS)"
measure startup "$STARTUP_RUNS" 0 "$RES/r-startup.json" -- \
	"$BIN" --rules "$RULES" --format json --quiet "$EMPTY"
say "nhigate-secrets on the planted-file set  (x$RUNS)"
measure planted "$RUNS" 0,1 "$RES/r-planted.json" --cwd "$PLANTED" -- \
	"$BIN" --rules "$RULES" --format json --quiet .
say "nhigate-secrets on the HEAD tree  (x$RUNS)"
measure tree "$RUNS" 0,1 "$RES/r-tree.json" --cwd "$TREE" -- \
	"$BIN" --rules "$RULES" --format json --quiet .

# ---- secretlint (outside reference) ----------------------------------------------
SL_DIR=$CACHE/secretlint
SL=$SL_DIR/node_modules/.bin/secretlint
SL_NOTE=
if [ "${NHG_BENCH_SECRETLINT:-1}" = 0 ]; then
	SL_NOTE="skipped (NHG_BENCH_SECRETLINT=0)"
elif [ ! -x "$SL" ]; then
	if command -v npm >/dev/null 2>&1; then
		say "installing secretlint into $SL_DIR"
		mkdir -p "$SL_DIR"
		# A package.json with another name: without one npm takes the
		# directory's name, "secretlint", as the project itself.
		[ -f "$SL_DIR/package.json" ] ||
			printf '{"name":"nhigate-bench-secretlint","private":true}\n' >"$SL_DIR/package.json"
		# Run inside the prefix: from $CACHE the argument "secretlint" would
		# name the directory ./secretlint and npm would install that folder.
		(cd "$SL_DIR" && npm install --prefix "$SL_DIR" --no-audit --no-fund \
			secretlint @secretlint/secretlint-rule-preset-recommend) >&2 ||
			SL_NOTE="npm install of secretlint failed, so secretlint was not measured"
	else
		SL_NOTE="npm not found, so secretlint was not measured"
	fi
	if [ -z "$SL_NOTE" ] && [ ! -x "$SL" ]; then
		SL_NOTE="secretlint did not install, so it was not measured"
	fi
fi
secretlint_on() { # NAME RUNS DIR
	measure "$1" "$2" 0,1 "$RES/r-$1.json" --cwd "$3" -- \
		"$SL" "**/*" --format json --no-color --secretlintrc "$SL_DIR/.secretlintrc.json" ||
		{
			say "secretlint failed on $3; its figures for $1 are left out"
			rm -f "$RES/m-$1.json" "$RES/r-$1.json"
		}
}
if [ -z "$SL_NOTE" ]; then
	printf '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}\n' >"$SL_DIR/.secretlintrc.json"
	SL_VERSION=$("$SL" --version 2>/dev/null || echo unknown)
	say "secretlint $SL_VERSION on the planted-file set  (x$RUNS)"
	secretlint_on sl-planted "$RUNS" "$PLANTED"
	if [ "$SL_HEAD_RUNS" -gt 0 ]; then
		say "secretlint $SL_VERSION on the HEAD tree  (x$SL_HEAD_RUNS; takes minutes)"
		secretlint_on sl-tree "$SL_HEAD_RUNS" "$TREE"
	fi
	SL_NOTE="secretlint $SL_VERSION with @secretlint/secretlint-rule-preset-recommend, $RUNS run(s) on the planted set, $SL_HEAD_RUNS on the HEAD tree"
else
	say "$SL_NOTE"
fi

# ---- scoring -----------------------------------------------------------------------
say "scoring"
python3 "$BENCH/score.py" git --truth "$TRUTH" --findings "$RES/r-all.json" --repo "$HIST" >"$RES/s-git.json"
python3 "$BENCH/score.py" dump --truth "$TRUTH" --findings "$RES/r-files.json" --dump "$LOG" >"$RES/s-dump.json"
score_set() { # NAME DIR SECRETLINT-REPORT [--by-commit]
	name=$1 dir=$2 sl=$3
	shift 3
	if [ -s "$sl" ]; then
		python3 "$BENCH/score.py" tree "$@" --truth "$TRUTH" --findings "$RES/r-$name.json" \
			--tree "$dir" --secretlint "$sl" >"$RES/s-$name.json"
	else
		python3 "$BENCH/score.py" tree "$@" --truth "$TRUTH" --findings "$RES/r-$name.json" \
			--tree "$dir" >"$RES/s-$name.json"
	fi
}
score_set planted "$PLANTED" "$RES/r-sl-planted.json" --by-commit
score_set tree "$TREE" "$RES/r-sl-tree.json"

NHG_CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
NHG_NPROC=$(nproc 2>/dev/null || echo '?')
NHG_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
NHG_SL_NOTE=$SL_NOTE
NHG_ROOT=$ROOT
export NHG_CPU NHG_NPROC NHG_DATE NHG_SL_NOTE NHG_ROOT
python3 - "$RES/meta.json" "$COMMITS" "$SEED" "$RUNS" "$STARTUP_RUNS" "$LOG_BYTES" "$TREE_BYTES" \
	"$PLANTED_BYTES" <<'EOF'
import json, os, subprocess, sys
a = sys.argv
git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
src = subprocess.run(["git", "-C", os.environ["NHG_ROOT"], "describe", "--always", "--dirty"],
                     capture_output=True, text=True).stdout.strip() or "unknown"
json.dump({"commits": int(a[2]), "seed": int(a[3]), "runs": int(a[4]), "startup_runs": int(a[5]),
           "dump_bytes": int(a[6]), "tree_bytes": int(a[7]), "planted_bytes": int(a[8]),
           "nproc": os.environ["NHG_NPROC"], "cpu": os.environ["NHG_CPU"], "date": os.environ["NHG_DATE"],
           "git": git, "source": src, "secretlint_note": os.environ["NHG_SL_NOTE"]}, open(a[1], "w"), indent=1)
EOF
python3 "$BENCH/report.py" "$RES" --markdown-out "$RES/report.md"

# nhigate-pipeline on the real workflows of the shared corpus
echo
BUILD=${BUILD:-build} sh "$BENCH/pipeline.sh"

# nhigate-gate on a typical pull request on top of the same history
echo
BUILD=${BUILD:-build} sh "$BENCH/gate.sh"

# the pre-receive hook through real pushes onto the same history
echo
BUILD=${BUILD:-build} sh "$BENCH/hook.sh"

# the decision log: verify-log and audit over a million records
echo
BUILD=${BUILD:-build} sh "$BENCH/log.sh"
