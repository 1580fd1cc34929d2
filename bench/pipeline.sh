#!/bin/sh
# nhigate-pipeline speed and memory on the shared corpus of real workflows:
#   files/s on one core over corpus/gha-2021, and peak memory on the largest
#   corpus file.  Median of 5 runs; prints a small Markdown table.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/${BUILD:-build}"
CORPUS=${NHG_CORPUS:-$ROOT/../shared/corpus}
RUNS=${NHG_BENCH_RUNS:-5}
if [ ! -d "$CORPUS/gha-2021" ]; then
	echo "bench/pipeline.sh: no corpus at $CORPUS (set NHG_CORPUS)" >&2
	exit 2
fi
files=$(find "$CORPUS/gha-2021" -maxdepth 1 -name '*.y*ml' | wc -l)
largest=$(ls -S "$CORPUS"/*/*.y*ml | head -n 1)
m() {
	python3 "$ROOT/bench/measure.py" --runs "$RUNS" --ok 0,1 -- "$@"
}
all=$(m "$BIN/nhigate-pipeline" --rules "$ROOT/rules" --platform github --format json --quiet \
	"$CORPUS/gha-2021")
big=$(m "$BIN/nhigate-pipeline" --rules "$ROOT/rules" --platform github --format json --quiet \
	"$largest")
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT
start=$(m "$BIN/nhigate-pipeline" --rules "$ROOT/rules" --platform github --format json --quiet \
	"$empty")
python3 - "$files" "$largest" "$all" "$big" "$start" <<'PY'
import json, os, sys
files, largest = int(sys.argv[1]), sys.argv[2]
a, b, s = (json.loads(x) for x in sys.argv[3:6])
cpu = a["cpu"]
print("## nhigate-pipeline")
print()
print("| run | wall s | CPU s | files/s per core | peak RSS MB |")
print("|---|---:|---:|---:|---:|")
print("| %d workflows of corpus/gha-2021 | %.3f | %.3f | %.0f | %.1f |" %
      (files, a["median_wall"], cpu, files / cpu if cpu else 0, a["max_rss_kb"] / 1024))
print("| largest corpus file (%s, %d KB) | %.3f | %.3f | | %.1f |" %
      (os.path.basename(largest), os.path.getsize(largest) // 1024, b["median_wall"], b["cpu"],
       b["max_rss_kb"] / 1024))
print("| start-up (no file) | %.3f | %.3f | | %.1f |" %
      (s["median_wall"], s["cpu"], s["max_rss_kb"] / 1024))
print()
print("Targets: at least 5,000 files/s on one core: %s; peak memory under 50 MB on the largest file: %s." %
      ("met" if files / cpu >= 5000 else "missed", "met" if b["max_rss_kb"] / 1024 < 50 else "missed"))
PY
