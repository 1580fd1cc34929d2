#!/bin/sh
# Build the demo repository from fixtures/demo (files named N-path are added
# in commit N) and scan its history with the default rule pack.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/${BUILD:-build}"
DEMO=${NHG_DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/nhigate-demo.XXXXXX")}
rm -rf "$DEMO/repo"
git init -q -b main "$DEMO/repo"
export GIT_AUTHOR_NAME="Demo Developer" GIT_AUTHOR_EMAIL="dev@example.org"
export GIT_COMMITTER_NAME="Demo Developer" GIT_COMMITTER_EMAIL="dev@example.org"
for n in 1 2 3; do
	for f in "$ROOT"/fixtures/demo/"$n"-*; do
		name=${f##*/}
		cp "$f" "$DEMO/repo/${name#*-}"
	done
	git -C "$DEMO/repo" add -A
	git -C "$DEMO/repo" commit -q -m "demo commit $n"
done
echo "demo repository: $DEMO/repo (3 commits)"
echo "\$ nhigate-secrets --range HEAD~2..HEAD"
echo
cd "$DEMO/repo"
set +e
"$BIN/nhigate-secrets" --rules "$ROOT/rules" --range HEAD~2..HEAD
rc=$?
set -e
echo
echo "exit code $rc (1: credentials found; see README for what to do)"
[ "$rc" -eq 1 ]
