#!/usr/bin/env bash
# nhigate-pipeline: the identity inventory (.nhigate/identities.yaml) and its
# cross-file checks INV-001..004: exact check, path and line:col on a small
# repository, strict loading (file:line:col, exit 2), and no INV finding at
# all when there is no inventory.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FIX="$ROOT/fixtures/pipeline/inventory"
INV="$FIX/.nhigate/identities.yaml"
pipe() { run nhigate-pipeline --format json --today 2026-11-23 "$@"; }
at='[.findings[] | select(.check | startswith("INV-")) | "\(.check) \(.path) \(.line):\(.column)"]'
sev() { expect_jq "[.findings[] | select(.check == \"$1\") | .severity]" "$2"; }

t "inventory fixture: every INV finding at its use or entry"
cd "$ROOT" || exit 1
pipe fixtures/pipeline/inventory
expect_rc 1
expect_jq "$at" '["INV-001 fixtures/pipeline/inventory/.github/workflows/deploy.yml 20:14","INV-002 fixtures/pipeline/inventory/.nhigate/identities.yaml 9:5","INV-003 fixtures/pipeline/inventory/.nhigate/identities.yaml 17:15","INV-004 fixtures/pipeline/inventory/.nhigate/identities.yaml 37:11"]'

t "inventory fixture: severities and messages"
sev INV-001 '["high"]'
sev INV-002 '["medium"]'
sev INV-003 '["high"]'
sev INV-004 '["low"]'
expect_jq '[.findings[] | select(.check | startswith("INV-")) | .message]' '["SLACK_WEBHOOK is used here but not listed in the identity inventory","identity NPM_TOKEN has no owner, revoke","identity DATABASE_PASSWORD was due for rotation or review on 2026-01-15","identity OLD_HEROKU_KEY is listed but no pipeline uses it: offboard it"]'

t "renewal is judged against --today"
pipe --today 2025-12-31 fixtures/pipeline/inventory
expect_jq '[.findings[] | select(.check == "INV-003")]' '[]'

t "--identities names the inventory; pipeline files given one by one"
pipe --identities "$INV" "$FIX/.gitlab-ci.yml"
expect_rc 1
# only the GitLab file is seen: the GitHub identities count as unused
expect_jq '[.findings[] | select(.check == "INV-004") | .line]' '[3,9,37]'
expect_jq '[.findings[] | select(.check == "INV-001")]' '[]'

t "undeclared: GitHub secrets, GitLab audiences, secrets: and credential-like script variables"
mkdir -p "$TMP/r/.nhigate"
cp -r "$FIX/.github" "$FIX/.gitlab-ci.yml" "$TMP/r/"
printf 'identities:\n' > "$TMP/r/.nhigate/identities.yaml"
pipe "$TMP/r"
expect_rc 1
expect_jq '[.findings[] | select(.check == "INV-001") | "\(.line):\(.column) \(.message | split(" ")[0])"]' \
	'["14:27 arn:aws:iam::123456789012:role/deploy","18:22 NPM_TOKEN","20:14 SLACK_WEBHOOK","9:12 https://vault.example.com","11:5 DATABASE_PASSWORD","15:7 REGISTRY_PASSWORD","16:7 DEPLOY_TOKEN"]'

t "no inventory: no INV finding"
rm -rf "$TMP/r/.nhigate"
pipe "$TMP/r"
expect_rc 1
expect_jq '[.findings[] | select(.check | startswith("INV-"))]' '[]'
cd "$TMP/r" || exit 1
pipe .github/workflows/deploy.yml
expect_jq '[.findings[] | select(.check | startswith("INV-"))]' '[]'
cd "$ROOT" || exit 1

bad_inv() {
	printf '%s' "$1" > "$TMP/bad.yaml"
	pipe --identities "$TMP/bad.yaml" "$FIX"
	expect_rc 2
	expect_in "$err" "$TMP/bad.yaml:$2"
	expect_in "$err" "$3"
}

t "malformed inventory: unknown key"
bad_inv $'identities:\n  - name: A\n    ownr: me\n' 3:5 "unknown key 'ownr'"
t "malformed inventory: unknown top-level key"
bad_inv $'identities: []\nusers: []\n' 2:1 "unknown key 'users'"
t "malformed inventory: bad date"
bad_inv $'identities:\n  - name: A\n    renew_by: 2026-02-30\n' 3:15 "not a date"
t "malformed inventory: bad kind"
bad_inv $'identities:\n  - name: A\n    kind: robot\n' 3:11 "unknown kind 'robot'"
t "malformed inventory: duplicate name"
bad_inv $'identities:\n  - name: A\n  - name: a\n' 3:11 "listed twice"
t "malformed inventory: entry without a name"
bad_inv $'identities:\n  - owner: me\n' 2:5 "no name"

t "an inventory named but not there is an input error"
pipe --identities "$TMP/missing.yaml" "$FIX"
expect_rc 2
expect_in "$err" "missing.yaml"

t "--today must be a date; --identities needs paths"
pipe --today 2026-13-01 "$FIX"
expect_rc 2
run nhigate-pipeline --identities "$INV" --staged
expect_rc 2
expect_in "$err" "--identities needs paths"

finish
