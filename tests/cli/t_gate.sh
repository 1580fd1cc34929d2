#!/bin/bash
# nhigate-gate on real repositories: policy, waivers, break-glass, report-only,
# profiles, skipped content, and the policy read from the base side only.
source "$(dirname "$0")/lib.sh"

gate() { run nhigate-gate --format json "$@"; }

# A repository $1 whose main branch holds the policy ($2: .nhigate.yaml text,
# $3: waivers text), left on branch "change"; its path in $R.
policy_repo() {
	R=$TMP/$1
	git init -q -b main "$R" || exit 1
	printf '%s' "$2" > "$R/.nhigate.yaml"
	if [ -n "${3:-}" ]; then mkdir -p "$R/.nhigate"; printf "%s" "$3" > "$R/.nhigate/waivers.yaml"; fi
	echo base > "$R/README"
	commit_all "$R" base && git -C "$R" checkout -q -b change || exit 1
}

t "help and usage errors"
run nhigate-gate --help
expect_rc 0
expect_in "$out" "--findings FILE"
run nhigate-gate
expect_rc 2
expect_in "$err" "nothing to judge"
run nhigate-gate --report bogus=x .
expect_rc 2

t "pass: a clean change"
policy_repo pass ""
r=$R
echo "hello" > "$r/app.txt"; commit_all "$r"
gate --repo "$r" --range main..change
expect_rc 0
expect_jq .decision '"pass"'
expect_jq .schema '"nhigate.verdict/v1"'
expect_jq '.subject.base | length' 40
expect_jq '.policy.sha256 | test("^[0-9a-f]{64}$")' true
expect_jq '.controls | keys | length' 17

t "block: a hard-coded key, never shown in full"
policy_repo block ""
r=$R
key=$(akid)
printf 'aws_access_key_id = %s\n' "$key" > "$r/deploy.env"; commit_all "$r"
gate --repo "$r" --range main..change --report text="$TMP/block.txt"
expect_rc 1
expect_jq .decision '"block"'
expect_jq '[.findings[] | select(.status == "blocking")] | .[0].rule' '"aws-access-key-id"'
expect_jq '.controls["OWASP-NHI:NHI2"].status' '"fail"'
expect_not_in "$out" "$key"
expect_not_in "$(cat "$TMP/block.txt")" "$key"
expect_in "$(cat "$TMP/block.txt")" "What to do"

t "waived: a waiver from the target branch waives, and stays in the report"
w="waivers:
  - id: W-1
    rule: aws-access-key-id
    paths: [\"deploy/**\"]
    owner: team-platform
    approved_by: security-lead
    reason: rotating this key is tracked in the ticket below
    ticket: SEC-42
    created: $(day -10)
    expires: $(day 10)
  - id: W-2
    rule: github-*
    paths: [\"nothing/**\"]
    owner: team-a
    approved_by: security-lead
    reason: a waiver whose scope matches nothing in this change
    ticket: SEC-43
    created: $(day -10)
    expires: $(day 50)
"
policy_repo waived "" "$w"
r=$R
mkdir -p "$r/deploy"; printf 'key = %s\n' "$(akid)" > "$r/deploy/app.env"; commit_all "$r"
gate --repo "$r" --range main..change
expect_rc 0
expect_jq .decision '"pass"'
expect_jq '.findings[0].status' '"waived"'
expect_jq '.findings[0].waiver' '"W-1"'
expect_jq '[.waivers.applied[].id]' '["W-1"]'
expect_jq '[.waivers.expiring[].id]' '["W-1"]'
expect_jq '[.waivers.stale[].id]' '["W-2"]'
expect_jq '.controls["NIST-CSF:ID.RA-07"].evidence | length' 1

t "expired: an expired waiver waives nothing and is listed"
w="waivers:
  - id: W-OLD
    rule: aws-access-key-id
    paths: [\"deploy/**\"]
    owner: team-platform
    approved_by: security-lead
    reason: this waiver ran out before the change arrived
    ticket: SEC-1
    created: $(day -40)
    expires: $(day -1)
"
policy_repo expired "" "$w"
r=$R
mkdir -p "$r/deploy"; printf 'key = %s\n' "$(akid)" > "$r/deploy/app.env"; commit_all "$r"
gate --repo "$r" --range main..change
expect_rc 1
expect_jq '[.waivers.expired[].id]' '["W-OLD"]'
expect_jq '.findings[0].status' '"blocking"'
expect_jq '[.reasons[] | select(test("W-OLD expired"))] | length' 1
expect_jq '.controls["NIST-CSF:ID.RA-07"].status' '"fail"'

t "a change cannot waive its own findings"
policy_repo selfwaive ""
r=$R
mkdir -p "$r/deploy" "$r/.nhigate"
printf 'key = %s\n' "$(akid)" > "$r/deploy/app.env"
printf '%s' "$(printf '%s' "$w" | sed "s/$(day -1)/$(day 20)/; s/W-OLD/W-SELF/")" > "$r/.nhigate/waivers.yaml"
commit_all "$r"
gate --repo "$r" --range main..change
expect_rc 1
expect_jq '.waivers.applied | length' 0
expect_jq '.waivers.file' null
# the same files judged as plain paths of a working tree do apply it
run env -C "$r" nhigate-gate --format json deploy
expect_rc 0
expect_jq '[.waivers.applied[].id]' '["W-SELF"]'


t "a change cannot loosen the policy that judges it"
policy_repo loosen "policy: {block_on: high}"
r=$R
printf 'policy: {block_on: critical, enforce: false}\nsecrets: {exclude: ["*.env"]}\n' > "$r/.nhigate.yaml"
printf 'key = %s\n' "$(akid)" > "$r/app.env"; commit_all "$r"
gate --repo "$r" --range main..change
expect_rc 1
expect_jq .enforce true
expect_jq '[.findings[] | select(.status == "blocking")] | length' 1

t "report-only: would block, exits 0"
policy_repo reportonly "policy: {enforce: false}"
r=$R
printf 'key = %s\n' "$(akid)" > "$r/app.env"; commit_all "$r"
gate --repo "$r" --range main..change
expect_rc 0
expect_jq .decision '"pass"'
expect_jq .would_block true
run nhigate-gate --repo "$r" --range main..change
expect_in "$out" "WOULD BE BLOCKED"

t "profiles: baseline blocks only critical, strict blocks medium and ignores inline allow"
low=$(ghp_token | sed 's/.$/!/; s/!$/0/')   # a classic token with a wrong checksum: low
for p in baseline strict; do
	policy_repo "prof-$p" "extends: $p"
r=$R
	printf 'KEY_ID = %s # nhigate:allow\n' "$(akid)" > "$r/allowed.env"
	commit_all "$r"
	gate --repo "$r" --range main..change
	if [ $p = baseline ]; then
		expect_rc 0
		expect_jq .policy.profile '"baseline"'
		expect_jq '.findings[0].why' '"allowed by an inline marker"'
	else
		expect_rc 1
		expect_jq .policy.profile '"strict"'
		expect_jq .policy.block_on '"medium"'
	fi
done
policy_repo prof-baseline-crit "extends: baseline"
r=$R
printf 'KEY_ID = %s\n' "$(akid)" > "$r/a.env"; commit_all "$r"
gate --repo "$r" --range main..change
expect_rc 1
policy_repo prof-override "extends: baseline
policy:
  overrides:
    - {rule: \"aws-*\", severity: medium}"
r=$R
printf 'KEY_ID = %s\n' "$(akid)" > "$r/a.env"; commit_all "$r"
gate --repo "$r" --range main..change
expect_rc 0
expect_jq '.findings[0].severity' '"medium"'

bg_policy='policy:
  breakglass:
    allowed: ["release-managers/*", "alice"]
    reason_pattern: "^(INC|CHG)-[0-9]+"'
t "break-glass by an allowed actor with a good reason"
policy_repo bg "$bg_policy"
r=$R
printf 'key = %s\n' "$(akid)" > "$r/app.env"; commit_all "$r"
NHIGATE_BREAKGLASS="INC-1234 outage" gate --repo "$r" --range main..change --actor release-managers/bob \
	--decision-log "$TMP/bg.log"
expect_rc 0
expect_jq .decision '"breakglass"'
expect_jq .breakglass.accepted true
expect_jq .breakglass.actor '"release-managers/bob"'
rec=$(cat "$TMP/bg.log")
expect_in "$rec" '"decision":"breakglass"'
expect_in "$rec" '"reason":"INC-1234 outage"'
expect_in "$rec" '"actor":"release-managers/bob"'

t "break-glass refused: empty reason, bad reason, actor not allowed"
NHIGATE_BREAKGLASS="" gate --repo "$r" --range main..change --actor alice
expect_rc 1
expect_jq .breakglass.refused '"the reason is empty"'
NHIGATE_BREAKGLASS="because" gate --repo "$r" --range main..change --actor alice
expect_rc 1
expect_jq .breakglass.refused '"the reason does not match the policy'"'"'s reason_pattern"'
NHIGATE_BREAKGLASS="INC-9" gate --repo "$r" --range main..change --actor mallory
expect_rc 1
expect_jq .decision '"block"'
expect_jq '.reasons | map(select(test("refused"))) | length' 1
policy_repo bg-nobody ""
r2=$R
printf 'key = %s\n' "$(akid)" > "$r2/app.env"; commit_all "$r2"
NHIGATE_BREAKGLASS="INC-9" gate --repo "$r2" --range main..change --actor alice
expect_rc 1
expect_jq .breakglass.refused '"the policy allows nobody to break glass"'

t "skipped content blocks unless the policy says warn"
policy_repo skip "secrets: {max_file_size: 100}"
r=$R
head -c 5000 /dev/zero | tr '\0' 'a' > "$r/big.txt"; commit_all "$r"
gate --repo "$r" --range main..change
expect_rc 1
expect_jq '.skipped | length' 1
expect_jq '.reasons[0] | test("could not be scanned")' true
policy_repo skipwarn "secrets: {max_file_size: 100}
policy: {skipped: warn}"
r=$R
head -c 5000 /dev/zero | tr '\0' 'a' > "$r/big.txt"; commit_all "$r"
gate --repo "$r" --range main..change
expect_rc 0
expect_jq '.skipped | length' 1

t "config errors: exit 2 naming the waiver, verdict error"
bad="waivers:
  - id: W-SELF
    rule: aws-access-key-id
    paths: [\"**\"]
    owner: alice
    approved_by: alice
    reason: approving my own waiver is not allowed here
    ticket: SEC-2
    created: $(day -1)
    expires: $(day 5)
"
policy_repo badwaiver "" "$bad"
r=$R
echo hi > "$r/x"; commit_all "$r"
gate --repo "$r" --range main..change
expect_rc 2
expect_jq .decision '"error"'
expect_in "$err" "W-SELF"
expect_in "$err" "approved by its own owner"
long="${bad//approved_by: alice/approved_by: bob}"
long="${long//expires: $(day 5)/expires: $(day 200)}"
policy_repo longwaiver "" "$long"
r=$R
echo hi > "$r/x"; commit_all "$r"
gate --repo "$r" --range main..change
expect_rc 2
expect_in "$err" "max_waiver_days"
policy_repo badpolicy "policy: {block_on: severe}"
r=$R
echo hi > "$r/x"; commit_all "$r"
gate --repo "$r" --range main..change
expect_rc 2
expect_in "$err" ".nhigate.yaml:1:"

t "pipeline findings: new ones block, existing ones are advisory"
policy_repo pipe ""
r=$R
mkdir -p "$r/.github/workflows"
cat > "$r/.github/workflows/ci.yml" <<'EOF'
on: pull_request_target
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: {ref: "${{ github.event.pull_request.head.sha }}"}
EOF
commit_all "$r"
gate --repo "$r" --range main..change
expect_rc 1
expect_jq '[.findings[] | select(.origin == "pipeline" and .status == "blocking")] | length > 0' true
git -C "$r" checkout -q main && git -C "$r" merge -q change && git -C "$r" checkout -q -b change2
echo "# comment" >> "$r/.github/workflows/ci.yml"; commit_all "$r"
gate --repo "$r" --range main..change2
expect_rc 0
expect_jq '[.findings[] | select(.existing == true and .status == "advisory")] | length > 0' true

t "another tool's SARIF gated by --findings, under the same policy and waivers"
z="$ROOT/fixtures/gate/import/zizmor.sarif"
gate --findings "$z"
expect_rc 1
expect_jq '[.findings[] | select(.status == "blocking") | .origin] | unique' '["external"]'
expect_jq '[.findings[] | select(.status == "blocking") | .tool] | unique' '["zizmor"]'
printf 'extends: baseline\n' > "$TMP/baseline.yaml"
gate --findings "$z" --config "$TMP/baseline.yaml"
expect_rc 0
cat > "$TMP/zw.yaml" <<EOF
waivers:
  - id: W-Z
    rule: "zizmor/*"
    paths: [".github/workflows/**"]
    owner: team-ci
    approved_by: security-lead
    reason: the workflow is being rewritten under the ticket below
    ticket: CI-7
    created: $(day -1)
    expires: $(day 20)
EOF
gate --findings "$z" --waivers "$TMP/zw.yaml"
expect_rc 0
expect_jq '[.findings[] | .status] | unique' '["waived"]'
run nhigate-gate --findings "$ROOT/fixtures/gate/import/bad-not-sarif.json"
expect_rc 2

t "a finding read twice (the scan and its own verdict via --findings) counts once"
policy_repo twice ""
r=$R
printf 'key = %s\n' "$(akid)" > "$r/app.env"; commit_all "$r"
gate --repo "$r" --range main..change --report json="$TMP/twice.json"
n=$(printf '%s' "$out" | jq '.findings | length')
gate --repo "$r" --range main..change --findings "$TMP/twice.json"
expect_jq '.findings | length' "$n"

t "20 concurrent gates append to one decision log: 20 records, chain intact, no secret"
policy_repo conc ""
r=$R
ck=$(akid)
printf 'key = %s\n' "$ck" > "$r/app.env"; commit_all "$r"
for i in $(seq 1 20); do
	nhigate-gate --repo "$r" --range main..change --format json --quiet \
		--decision-log "$TMP/conc.log" >/dev/null 2>&1 &
done
wait
[ "$(wc -l < "$TMP/conc.log")" -eq 20 ] && ok || bad "$(wc -l < "$TMP/conc.log") records, want 20"
run nhigate-gate verify-log "$TMP/conc.log"
expect_rc 0
[ "$(jq -r .decision_id "$TMP/conc.log" | sort -u | wc -l)" -eq 20 ] && ok || bad "decision ids not unique"
grep -qF "$ck" "$TMP/conc.log" && bad "the secret is in the log" || ok

t "debt: every waiver by expiry, expired first; --fail-on expired"
w="waivers:
  - id: W-B
    rule: aws-access-key-id
    paths: [\"deploy/**\"]
    owner: team-platform
    approved_by: security-lead
    reason: rotation is tracked in the ticket named here
    ticket: SEC-10
    created: $(day -10)
    expires: $(day 30)
  - id: W-A
    rule: aws-access-key-id
    paths: [\"deploy/**\"]
    owner: team-platform
    approved_by: security-lead
    reason: rotation is tracked in the ticket named here
    ticket: SEC-11
    created: $(day -50)
    expires: $(day -2)
  - id: W-C
    rule: slack-*
    fingerprint: 0000
    owner: team-chat
    approved_by: security-lead
    reason: a waiver for something no longer present
    ticket: SEC-12
    created: $(day -5)
    expires: $(day 5)
"
policy_repo debt "" "$w"
r=$R
mkdir -p "$r/deploy"; printf 'key = %s\n' "$(akid)" > "$r/deploy/app.env"; commit_all "$r"
run nhigate-gate debt --repo "$r" --format json
expect_rc 0
expect_jq '[.waivers[].id]' '["W-A","W-C","W-B"]'
expect_jq '[.waivers[].state]' '["expired","stale","active"]'
expect_jq '.waivers[2].findings' 1
run nhigate-gate debt --repo "$r" --fail-on expired
expect_rc 1
expect_in "$out" "W-A"
run nhigate-gate debt --repo "$r" --format md
expect_in "$out" "| W-B | active |"

t "debt: waiver fields cannot break the table or the terminal"
w="waivers:
  - id: W-X
    rule: aws-access-key-id
    paths: [\"deploy/**\"]
    owner: \"ops|infra\\e[31m\"
    approved_by: \"<b>security</b>\"
    reason: rotation is tracked in the ticket named here
    ticket: SEC-1
    created: $(day -1)
    expires: $(day 9)
"
policy_repo debt-md "" "$w"
r=$R
mkdir -p "$r/deploy"; printf 'key = %s\n' "$(akid)" > "$r/deploy/app.env"; commit_all "$r"
run nhigate-gate debt --repo "$r" --format md
expect_rc 0
row=$(printf '%s\n' "$out" | grep '^| W-X ')
expect_in "$row" 'ops\|infra'
expect_in "$row" '&lt;b&gt;security&lt;/b&gt;'
cells=$(printf '%s' "$row" | sed 's/\\|//g' | tr -cd '|' | wc -c)
[ "$cells" -eq 11 ] && ok || bad "the row has $cells cell borders, want 11: $row"
run nhigate-gate debt --repo "$r"
expect_rc 0
expect_in "$out" "W-X"
printf '%s' "$out" | LC_ALL=C grep -q "$(printf '\033')" && bad "an escape byte reached the terminal" || ok

finish
