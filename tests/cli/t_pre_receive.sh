#!/usr/bin/env bash
# --pre-receive for nhigate-secrets and nhigate-pipeline: ref updates on
# stdin ("OLD NEW REF"); the pushed commits exist as objects but no ref
# points at them yet, as in a pre-receive hook.  (Reading objects from
# git's quarantine directory is the hook integration's part.)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

Z=0000000000000000000000000000000000000000
key1=AKIAQ3EGUVZPSLKLWX7M
key2=AKIAZP7WMXC4NBVD2SEQ
r=$(new_repo push)
mkdir -p "$r/.github/workflows"
printf 'on: push\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    permissions: {}\n    steps:\n      - uses: actions/checkout@v4\n' > "$r/.github/workflows/ci.yml"
commit_all "$r" base
old=$(git -C "$r" rev-parse HEAD)
printf 'key = "%s"\n' "$key1" > "$r/app.cfg"
printf '    env:\n      ACTIONS_ALLOW_UNSECURE_COMMANDS: true\n' >> "$r/.github/workflows/ci.yml"
commit_all "$r" "pushed on main"
new=$(git -C "$r" rev-parse HEAD)
git -C "$r" checkout -q -b feature "$old"
printf 'k = "%s"\n' "$key2" > "$r/feature.cfg"
commit_all "$r" "pushed on a new branch"
feat=$(git -C "$r" rev-parse HEAD)
# the refs stay where they were before the push
git -C "$r" checkout -q main
git -C "$r" update-ref refs/heads/main "$old"
git -C "$r" reset -q --hard "$old"
git -C "$r" branch -q -D feature
cd "$r" || exit 1

t "secrets: both refs of a push, only the commits no existing ref reaches"
run nhigate-secrets --pre-receive --format json < <(printf '%s %s refs/heads/main\n%s %s refs/heads/feature\n' "$old" "$new" "$Z" "$feat")
expect_rc 1
expect_jq '.scanned.commits' '2'
expect_jq '[.findings[] | "\(.path) \(.commit)"] | sort' "[\"app.cfg $new\",\"feature.cfg $feat\"]"
expect_not_in "$out" "$key1"

t "secrets: a deletion brings nothing"
run nhigate-secrets --pre-receive --format json < <(printf '%s %s refs/heads/gone\n' "$old" "$Z")
expect_rc 0
expect_jq '.scanned.commits' '0'

t "secrets: malformed input names the line"
run nhigate-secrets --pre-receive < <(printf '%s %s refs/heads/main\nnot a ref line\n' "$old" "$new")
expect_rc 2
expect_in "$err" "<pre-receive>:2"

t "pipeline: the pushed version of each touched workflow, new or existing"
run nhigate-pipeline --pre-receive --format json < <(printf '%s %s refs/heads/main\n' "$old" "$new")
expect_rc 1
expect_jq '[.findings[] | "\(.check) \(.status)"] | sort' '["GH-CMD-001 new","GH-CRED-001 existing"]'

t "pipeline: a new branch is compared with where it leaves the default branch"
run nhigate-pipeline --pre-receive --format json < <(printf '%s %s refs/heads/feature\n' "$Z" "$feat")
expect_rc 0
expect_jq '.scanned.files' '0'

finish
