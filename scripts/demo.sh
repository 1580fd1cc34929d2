#!/bin/sh
# Build the demo repository from fixtures/demo (files named N-path are added
# in commit N; "__" in a name stands for "/") and run the gate on the change
# its last two commits make, with the default rule pack.
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
		path=$(printf '%s' "${name#*-}" | sed 's|__|/|g')
		mkdir -p "$DEMO/repo/$(dirname "$path")"
		cp "$f" "$DEMO/repo/$path"
	done
	git -C "$DEMO/repo" add -A
	git -C "$DEMO/repo" commit -q -m "demo commit $n"
done
echo "demo repository: $DEMO/repo (3 commits)"
echo "\$ nhigate-gate --range HEAD~2..HEAD --report json=verdict.json"
echo
cd "$DEMO/repo"
set +e
"$BIN/nhigate-gate" --rules "$ROOT/rules" --range HEAD~2..HEAD --report "json=$DEMO/verdict.json"
rc=$?
set -e
echo
echo "exit code $rc (1: the merge is blocked); the verdict as JSON: $DEMO/verdict.json"
[ "$rc" -eq 1 ]
