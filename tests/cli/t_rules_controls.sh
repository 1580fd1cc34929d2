#!/bin/bash
# nhigate-rules controls: the control ids against the rules and checks that
# evidence them, and the controls nothing covers.
source "$(dirname "$0")/lib.sh"

ctl() { run nhigate-rules controls --format json "$@"; }

t "usage"
run nhigate-rules controls extra
expect_rc 2
run nhigate-rules controls --format csv
expect_rc 2

t "the default packs: NHI2 evidenced by AWS key ids and GitHub checks"
ctl --rules "$ROOT/rules"
expect_rc 0
expect_jq .schema '"nhigate.controls/v1"'
expect_jq '.controls[] | select(.id == "OWASP-NHI:NHI2") | .rules | index("aws-access-key-id") != null' true
expect_jq '.controls[] | select(.id == "OWASP-NHI:NHI2") | any(.checks[]; startswith("GH-"))' true
expect_jq '.controls[] | select(.id == "OWASP-NHI:NHI2") | [.title, .reported, .covered]' '["Secret leakage",true,true]'
# every rule and check id listed exists in the packs
ids=$(nhigate-rules --rules "$ROOT/rules" list | sort -u | jq -R . | jq -sc .)
expect_jq "[.controls[] | .rules[], .checks[]] | unique - $ids" '[]'
# the reported controls are exactly those of a verdict, in the gate's order
reported=$(printf '%s' "$out" | jq -c '[.controls[] | select(.reported) | .id]')
[ "$(printf '%s' "$reported" | jq length)" = 17 ] && ok || bad "reported controls: $reported"
: > "$TMP/empty.txt"
gate_out=$(nhigate-gate --rules "$ROOT/rules" --format json "$TMP/empty.txt")
[ "$(printf '%s' "$gate_out" | jq -c '.controls | keys')" = "$(printf '%s' "$reported" | jq -c sort)" ] &&
	ok || bad "controls differ from a verdict's: $reported"
# ids the packs use beyond those come after them, marked as not reported
expect_jq '[.controls[17:][] | .reported] | all(. == false)' true
expect_jq '[.controls[] | select(.covered | not) | .id] == .uncovered' true

t "a tiny pack: one rule, the rest uncovered"
mkdir -p "$TMP/tiny/secrets"
cat > "$TMP/tiny/secrets/tiny.yaml" <<'EOF'
rules:
  - id: tiny-token
    title: Tiny service token
    severity: high
    keywords: [tiny_]
    pattern: '(?<secret>tiny_[a-f0-9]{32})'
    controls: [OWASP-NHI:NHI2, NIST-CSF:PR.DS-01]
    remediation: Revoke it.
    examples:
      match: ['tiny_0123456789abcdef0123456789abcdef', 'x=tiny_fedcba9876543210fedcba9876543210']
      nomatch: ['tiny_', 'tiny_xyz']
EOF
ctl --rules "$TMP/tiny"
expect_rc 0
expect_jq '[.rules, .checks]' '[1,0]'
expect_jq '.controls[] | select(.id == "OWASP-NHI:NHI2") | [.rules, .checks, .covered]' '[["tiny-token"],[],true]'
expect_jq '.controls[] | select(.id == "NIST-CSF:PR.DS-01") | [.title, .reported, .covered, .rules]' \
	'[null,false,true,["tiny-token"]]'
expect_jq '.controls[] | select(.id == "OWASP-NHI:NHI7") | [.rules, .covered]' '[[],false]'
expect_jq '.uncovered | length' 16
expect_jq '.uncovered | index("OWASP-NHI:NHI7") != null' true
expect_jq '.uncovered | index("OWASP-NHI:NHI2")' null
expect_jq '.controls[] | select(.id == "NIST-CSF:ID.RA-07") | .note | test("waived")' true

run nhigate-rules --rules "$TMP/tiny" controls
expect_rc 0
expect_in "$out" "1 rules and 0 pipeline checks; 2 of 18 controls covered, 16 not"
expect_in "$out" "OWASP-NHI:NHI7  Long-lived secrets  — NOT COVERED"
expect_in "$out" "Not covered by any rule or enabled check (16):
  OWASP-NHI:NHI1       Improper offboarding"
expect_in "$out" "  OWASP-NHI:NHI7       Long-lived secrets"
expect_not_in "$(printf '%s' "$out" | sed -n '/^Not covered/,$p')" "OWASP-NHI:NHI2 "

run nhigate-rules --rules "$TMP/tiny" controls --format md
expect_rc 0
expect_in "$out" "| OWASP-NHI:NHI2 | Secret leakage | 1 | 0 | yes |"
expect_in "$out" "| OWASP-NHI:NHI7 | Long-lived secrets | 0 | 0 | **no** |"
expect_in "$out" "## Not covered (16)"
expect_in "$out" "- rules (1): \`tiny-token\`"

t "a control whose checks are all disabled is uncovered"
ctl --rules "$ROOT/rules"
c=$(printf '%s' "$out" | jq -r 'first(.controls[] | select((.rules | length) == 0 and (.checks | length) > 0)) | .id')
checks=$(printf '%s' "$out" | jq -r --arg c "$c" '.controls[] | select(.id == $c) | .checks[]')
[ -n "$c" ] && [ -n "$checks" ] && ok || bad "no control covered by checks only"
cp -r "$ROOT/rules" "$TMP/dis"
for id in $checks; do
	sed -i "s/^  - id: $id\$/&\n    enabled: false/" "$TMP/dis/pipeline/"*.yaml
done
ctl --rules "$TMP/dis"
expect_rc 0
expect_jq ".controls[] | select(.id == \"$c\") | [.covered, .checks, (.disabled_checks | sort)]" \
	"[false,[],$(printf '%s\n' $checks | jq -R . | jq -sc 'sort')]"
expect_jq ".uncovered | index(\"$c\") != null" true

finish
