#!/bin/bash
# nhigate-rules diff: the same input judged with two rule packs.  One pack
# tightens the default rules (a severity raised, a new rule) while making one
# pattern stricter; another only loosens.  The findings that change are
# asserted exactly, with the exit code, for directories, REV:DIR revisions
# and a git range.
source "$(dirname "$0")/lib.sh"

rand() { LC_ALL=C tr -dc "$1" </dev/urandom | head -c "$2"; }
diffj() { run nhigate-rules diff --format json "$@"; }

# ---- the packs -------------------------------------------------------------
OLD=$TMP/old
cp -r "$ROOT/rules" "$OLD"

# TIGHT: gitlab-feed-token raised from medium to high (blocks now), AWS key
# ids only with a Q after AKIA (one of two planted keys is no longer found),
# and a new rule for ACME deploy tokens.
tighten() {
	sed -i '/id: gitlab-feed-token/,/severity:/ s/severity: medium/severity: high/' "$1/secrets/gitlab.yaml"
	sed -i 's/(?<secret>AKIA\[A-Z2-7\]{16})/(?<secret>AKIAQ[A-Z2-7]{15})/' "$1/secrets/aws.yaml"
	cat > "$1/secrets/zz-acme.yaml" <<'EOF'
rules:
  - id: acme-deploy-token
    title: ACME deploy token
    severity: high
    keywords: [acmedt_]
    pattern: '(?<![A-Za-z0-9_])(?<secret>acmedt_[a-f0-9]{32})(?![A-Za-z0-9_])'
    controls: [OWASP-NHI:NHI2]
    remediation: Revoke the token in the ACME console and use the OIDC deployer.
    examples:
      match: ['t = acmedt_0123456789abcdef0123456789abcdef', 'acmedt_fedcba9876543210fedcba9876543210']
      nomatch: ['acmedt_xyz', 'acmedt_0123']
EOF
}
TIGHT=$TMP/tight
cp -r "$OLD" "$TIGHT"
tighten "$TIGHT"
# the edits took (a sed that matched nothing would make every test below vacuous)
grep -q 'severity: high' <(sed -n '/id: gitlab-feed-token/,/severity:/p' "$TIGHT/secrets/gitlab.yaml") &&
	grep -q 'AKIAQ\[A-Z2-7\]{15}' "$TIGHT/secrets/aws.yaml" || { echo "pack edits failed" >&2; exit 1; }

# LOOSE: only the stricter AWS pattern, and the classic GitHub token lowered
# from critical to medium (it stops blocking).
LOOSE=$TMP/loose
cp -r "$OLD" "$LOOSE"
sed -i 's/(?<secret>AKIA\[A-Z2-7\]{16})/(?<secret>AKIAQ[A-Z2-7]{15})/' "$LOOSE/secrets/aws.yaml"
sed -i '/id: github-pat-classic/,/severity:/ s/severity: critical/severity: medium/' "$LOOSE/secrets/github.yaml"

# RENAMED: aws-access-key-id under another id, nothing else changed.
RENAMED=$TMP/renamed
cp -r "$OLD" "$RENAMED"
sed -i 's/- id: aws-access-key-id$/- id: aws-akia-key-id/' "$RENAMED/secrets/aws.yaml"

# ---- the input: a repository with planted fake credentials -----------------
k1="AKIAQ$(rand 'A-Z2-7' 15)"      # found by both packs
k2="AKIAZ$(rand 'A-Z2-7' 15)"      # found by OLD only
feed="glft-$(rand 'A-Za-z0-9' 20)" # medium in OLD (advisory), high in TIGHT
acme="acmedt_$(rand 'a-f0-9' 32)"  # only TIGHT has a rule for it
ghp=$(ghp_token)                   # critical in both (LOOSE: medium)
R=$(new_repo app)
mkdir -p "$R/app"
printf 'AWS_ACCESS_KEY_ID=%s\nBACKUP_KEY_ID=%s\nFEED=%s\nDEPLOY=%s\nGH=%s\n' \
	"$k1" "$k2" "$feed" "$acme" "$ghp" > "$R/app/config.env"
commit_all "$R" plant
cd "$R" || exit 1

t "usage errors exit 2"
run nhigate-rules diff "$OLD"
expect_rc 2
expect_in "$err" "OLD and NEW"
run nhigate-rules diff "$OLD" "$TIGHT"
expect_rc 2
expect_in "$err" "needs input"
run nhigate-rules diff "$OLD" "$TIGHT" app --range main..main
expect_rc 2
run nhigate-rules --rules "$OLD" diff "$OLD" "$TIGHT" app
expect_rc 2
run nhigate-rules diff --format md "$OLD" "$TIGHT" app
expect_rc 2
run nhigate-rules lint --range a..b
expect_rc 2
mkdir -p "$TMP/secrets-only"
cp -r "$OLD/secrets" "$TMP/secrets-only/"
run nhigate-rules diff "$OLD" "$TMP/secrets-only" app
expect_rc 2
expect_in "$err" "NEW: no definition for pipeline check"

t "tightened: exactly the findings that change, and exit 1"
diffj "$OLD" "$TIGHT" app
expect_rc 1
expect_jq .schema '"nhigate.rules-diff/v1"'
expect_jq .summary '{"appear":1,"disappear":1,"change":1,"unchanged":2,"newly_blocking":2}'
expect_jq '[.changes[] | [.rule, .change, .newly_blocking]]' \
	'[["acme-deploy-token","appear",true],["aws-access-key-id","disappear",false],["gitlab-feed-token","change",true]]'
expect_jq '.changes[0] | [.old, .new.path, .new.line, .new.severity, .new.status]' \
	'[null,"app/config.env",4,"high","blocking"]'
expect_jq '.changes[1] | [.old.line, .old.status, .new]' '[2,"blocking",null]'
expect_jq '.changes[2] | [.old.severity, .new.severity, .old.status, .new.status, .old.line]' \
	'["medium","high","advisory","blocking",3]'
expect_jq '[.per_rule[] | [.rule, .appear, .disappear, .change]]' \
	'[["acme-deploy-token",1,0,0],["aws-access-key-id",0,1,0],["gitlab-feed-token",0,0,1]]'
expect_jq '[.definitions[] | [.id, .kind, .change, .fields]]' \
	'[["acme-deploy-token","rule","added",[]],["aws-access-key-id","rule","changed",["pattern"]],["gitlab-feed-token","rule","changed",["severity"]]]'
expect_jq '[.old.decision, .new.decision, .old.blocking, .new.blocking, .newly_blocks]' \
	'["block","block",3,4,true]'
expect_jq '.old.policy_sha256 != .new.policy_sha256' true
for s in "$k1" "$k2" "$feed" "$acme" "$ghp"; do expect_not_in "$out" "$s"; done

t "tightened, as text: grouped per rule, secrets redacted"
run nhigate-rules diff "$OLD" "$TIGHT" app
expect_rc 1
expect_in "$out" "findings  4 -> 4 (blocking 3 -> 4): 1 appear, 1 disappear, 1 change, 2 unchanged"
expect_in "$out" "gitlab-feed-token
  ~ change    app/config.env:3:6  severity medium -> high, status advisory -> blocking"
expect_in "$out" "[newly blocking]"
expect_in "$out" "NEW newly blocks: 2 findings block that did not with OLD."
for s in "$k1" "$k2" "$feed" "$acme" "$ghp"; do expect_not_in "$out" "$s"; done

t "loosened only: a finding disappears, one stops blocking, exit 0"
diffj "$OLD" "$LOOSE" app
expect_rc 0
expect_jq .summary '{"appear":0,"disappear":1,"change":1,"unchanged":2,"newly_blocking":0}'
expect_jq '[.changes[] | [.rule, .change, .old.status, .new.status]]' \
	'[["aws-access-key-id","disappear","blocking",null],["github-pat-classic","change","blocking","advisory"]]'
expect_jq '.newly_blocks' false
run nhigate-rules diff "$OLD" "$LOOSE" app
expect_rc 0
expect_in "$out" "NEW blocks nothing that OLD let through."

t "the same pack on both sides: nothing changes"
diffj "$OLD" "$OLD" app
expect_rc 0
expect_jq '[.summary.unchanged, (.changes | length), (.definitions | length)]' '[4,0,0]'

t "pass turns to block: exit 1; back again: exit 0"
P=$(new_repo passblock)
printf 'FEED=%s\n' "$feed" > "$P/feed.env"
commit_all "$P"
diffj "$OLD" "$TIGHT" "$P/feed.env"
expect_rc 1
expect_jq '[.old.decision, .new.decision, .summary.newly_blocking]' '["pass","block",1]'
diffj "$TIGHT" "$OLD" "$P/feed.env"
expect_rc 0
expect_jq '[.old.decision, .new.decision, .changes[0].change, .changes[0].new.status]' \
	'["block","pass","change","advisory"]'
run nhigate-rules diff "$OLD" "$TIGHT" "$P/feed.env"
expect_in "$out" "verdict   pass -> block"

t "a renamed rule: disappears under the old id, appears under the new, not newly blocking"
diffj "$OLD" "$RENAMED" app
expect_rc 0
expect_jq '[.changes[] | [.rule, .change, .newly_blocking]]' \
	'[["aws-access-key-id","disappear",false],["aws-access-key-id","disappear",false],["aws-akia-key-id","appear",false],["aws-akia-key-id","appear",false]]'
expect_jq '[.definitions[] | [.id, .change]]' '[["aws-access-key-id","removed"],["aws-akia-key-id","added"]]'
run nhigate-rules diff "$OLD" "$RENAMED" app
expect_in "$out" "a finding of a renamed rule disappears"

t "waivers and configuration apply to both sides"
cat > "$TMP/waivers.yaml" <<EOF
waivers:
  - id: W-FEED
    rule: gitlab-feed-token
    paths: ["app/**"]
    owner: team-platform
    approved_by: security-lead
    reason: feed token of the demo account, rotated by the vendor
    ticket: SEC-1
    created: $(day -1)
    expires: $(day 30)
  - id: W-ACME
    rule: acme-deploy-token
    paths: ["app/**"]
    owner: team-platform
    approved_by: security-lead
    reason: ACME sandbox token with no production access at all
    ticket: SEC-2
    created: $(day -1)
    expires: $(day 30)
EOF
diffj --waivers "$TMP/waivers.yaml" "$OLD" "$TIGHT" app
expect_rc 0
expect_jq '[.changes[] | [.rule, .change, .old.status, .new.status, .new.waiver]]' \
	'[["acme-deploy-token","appear",null,"waived","W-ACME"],["aws-access-key-id","disappear","blocking",null,null],["gitlab-feed-token","change","waived","waived","W-FEED"]]'
printf 'policy:\n  block_on: medium\n' > "$TMP/strict.yaml"
diffj --config "$TMP/strict.yaml" "$OLD" "$TIGHT" app
expect_rc 1
# the feed token blocks with both packs now: only its severity changes
expect_jq '[.changes[] | select(.rule == "gitlab-feed-token") | [.old.status, .new.status, .newly_blocking]]' \
	'[["blocking","blocking",false]]'
expect_jq '.summary.newly_blocking' 1

t "a git range: the same changes, found in the commit that adds them"
G=$(new_repo range)
echo base > "$G/README"
commit_all "$G" base
git -C "$G" checkout -q -b change
cp "$R/app/config.env" "$G/deploy.env"
commit_all "$G" "add deploy settings"
diffj --repo "$G" --range main..change "$OLD" "$TIGHT"
expect_rc 1
expect_jq '[.changes[] | [.rule, .change]]' \
	'[["acme-deploy-token","appear"],["aws-access-key-id","disappear"],["gitlab-feed-token","change"]]'
expect_jq '[.changes[0].new.commit == "'"$(git -C "$G" rev-parse change)"'", .changes[0].new.path]' '[true,"deploy.env"]'
expect_jq '.subject.base | length' 40

t "REV:DIR: the rules directory at two revisions of a repository"
V=$(new_repo versions)
cp -r "$OLD" "$V/rules"
cp "$R/app/config.env" "$V/config.env"
commit_all "$V" "rules v1"
tighten "$V/rules"
commit_all "$V" "rules v2"
mkdir -p "$TMP/tmpdir"
cd "$V" || exit 1
TMPDIR=$TMP/tmpdir diffj HEAD~1:rules HEAD:rules config.env
expect_rc 1
expect_jq '[.changes[] | [.rule, .change, .newly_blocking]]' \
	'[["acme-deploy-token","appear",true],["aws-access-key-id","disappear",false],["gitlab-feed-token","change",true]]'
expect_jq '[.old.rules, .new.rules]' '["HEAD~1:rules","HEAD:rules"]'
# a plain revision means REV:rules; a directory and a revision mix
TMPDIR=$TMP/tmpdir diffj main~1 "$TIGHT" config.env
expect_rc 1
expect_jq '[.old.rules, .summary.appear, .summary.disappear, .summary.change]' '["main~1:rules",1,1,1]'
# from another directory, with --repo
cd "$TMP" || exit 1
TMPDIR=$TMP/tmpdir diffj --repo "$V" main:rules main~1:rules "$V/config.env"
expect_rc 1
expect_jq '[.changes[] | [.rule, .change]]' \
	'[["acme-deploy-token","disappear"],["aws-access-key-id","appear"],["gitlab-feed-token","change"]]'
expect_jq '.changes[1].newly_blocking' true
t "REV:DIR: the exports are removed afterwards"
[ -z "$(ls -A "$TMP/tmpdir")" ] && ok || bad "left behind: $(ls -A "$TMP/tmpdir")"

t "REV:DIR: errors name the side and the revision's file"
cd "$V" || exit 1
run nhigate-rules diff nosuch:rules HEAD:rules config.env
expect_rc 2
expect_in "$err" "OLD"
expect_in "$err" "unknown revision 'nosuch'"
run nhigate-rules diff HEAD:rules HEAD:nothere config.env
expect_rc 2
expect_in "$err" "has no directory 'nothere'"
run nhigate-rules diff HEAD HEAD:config.env config.env
expect_rc 2
expect_in "$err" "not a directory"
run nhigate-rules diff no-such-dir HEAD config.env
expect_rc 2
expect_in "$err" "neither a rule pack directory nor a revision"
printf 'rules:\n  - id: [broken\n' > "$V/rules/secrets/aws.yaml"
commit_all "$V" "rules v3: broken"
TMPDIR=$TMP/tmpdir run nhigate-rules diff HEAD~1 HEAD config.env
expect_rc 2
expect_in "$err" "HEAD:rules/secrets/aws.yaml:"
expect_in "$err" "NEW: "
[ -z "$(ls -A "$TMP/tmpdir")" ] && ok || bad "left behind after an error: $(ls -A "$TMP/tmpdir")"

t "REV:DIR: a symbolic link in the rules directory is refused"
ln -s ../config.env "$V/rules/secrets/link.yaml"
commit_all "$V" "rules v4: a link"
TMPDIR=$TMP/tmpdir run nhigate-rules diff HEAD~2 HEAD config.env
expect_rc 2
expect_in "$err" "symbolic link"
[ -z "$(ls -A "$TMP/tmpdir")" ] && ok || bad "left behind after a refusal: $(ls -A "$TMP/tmpdir")"

finish
