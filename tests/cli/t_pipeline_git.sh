#!/usr/bin/env bash
# nhigate-pipeline in git modes: the new version of each pipeline file a
# change touches is checked, and each finding is marked new or existing.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pipe() { run nhigate-pipeline --format json "$@"; }
st='[.findings[] | "\(.check) \(.line):\(.column) \(.status)"]'

r=$(new_repo pipes)
mkdir -p "$r/.github/workflows"
cat > "$r/.github/workflows/ci.yml" <<'YAML'
on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v4
      - run: make test
YAML
echo "readme" > "$r/README.md"
commit_all "$r" base
c1=$(git -C "$r" rev-parse HEAD)
# the change: write-all on a new job; the old checkout problem stays
cat >> "$r/.github/workflows/ci.yml" <<'YAML'
  release:
    runs-on: ubuntu-latest
    permissions: write-all
    steps:
      - run: make release
YAML
commit_all "$r" "add release job"
c2=$(git -C "$r" rev-parse HEAD)
echo "more" >> "$r/README.md"
commit_all "$r" "docs only"
cd "$r" || exit 1

t "range: findings marked new or existing"
pipe --range "$c1..$c2"
expect_rc 1
expect_jq '.scanned.files' '1'
expect_jq "$st" '["GH-CRED-001 9:15 existing","GH-PERM-002 13:18 new"]'

t "commit: against its first parent"
pipe --commit "$c2"
expect_rc 1
expect_jq '[.findings[] | select(.status == "new") | .check]' '["GH-PERM-002"]'

t "a change that touches no pipeline file checks nothing"
pipe --commit HEAD
expect_rc 0
expect_jq '.scanned.files' '0'

t "staged: the index against HEAD"
sed -i 's/permissions: write-all/permissions: {contents: write}/' .github/workflows/ci.yml
git add .github/workflows/ci.yml
pipe --staged
expect_rc 1
expect_jq "$st" '["GH-CRED-001 9:15 existing"]'
git checkout -q -- . && git reset -q --hard

t "a renamed workflow: what it brings along is existing"
git mv .github/workflows/ci.yml .github/workflows/build.yml
echo "# moved from ci.yml" >> .github/workflows/build.yml
git commit -q -am "rename ci"
pipe --commit HEAD
expect_rc 1
expect_jq '[.findings[] | "\(.path) \(.status)"] | unique' \
	'[".github/workflows/build.yml existing"]'

t "an action deep in the tree, among directories the change leaves alone"
for d in a b c; do mkdir -p "lib/$d" && echo "$d" > "lib/$d/x.txt"; done
git add lib && git commit -q -m "more tree"
mkdir -p tools/deploy/gate
cat > tools/deploy/gate/action.yml <<'YAML'
name: gate
runs:
  using: composite
  steps:
    - run: echo "${{ github.event.pull_request.title }}"
      shell: bash
YAML
echo "b2" >> lib/b/x.txt
git add -A && git commit -q -m "deploy action"
pipe --range HEAD~1..HEAD
expect_rc 1
expect_jq '.scanned.files' '1'
expect_jq '[.findings[] | "\(.path) \(.status)"] | unique' \
	'["tools/deploy/gate/action.yml new"]'

t "a deleted workflow is not checked"
git rm -q .github/workflows/build.yml && git commit -q -m "drop ci"
pipe --commit HEAD
expect_rc 0
expect_jq '.scanned.files' '0'

t "unknown revision"
pipe --range nope..HEAD
expect_rc 2
expect_in "$err" "unknown revision 'nope'"

finish
