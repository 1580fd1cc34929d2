#!/usr/bin/env bash
# nhigate-pipeline: credential lifetime and hand-off checks on GitHub Actions
# (GH-OIDC-002/003, GH-SEC-002, GH-CRED-002, GH-CLOUD-001, GH-LIFE-001..005):
# exact check and line:col on a fixture, severities, a well-configured job
# that must stay quiet, and small inline workflows for the edge cases.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FIX="$ROOT/fixtures/pipeline/github"
pipe() { run nhigate-pipeline --format json --platform github "$@"; }
new='test("^GH-(OIDC-00[23]|SEC-002|CRED-002|CLOUD-001|LIFE-00[1-5])$")'
at="[.findings[] | select(.check | $new) | \"\(.check) \(.line):\(.column)\"]"
sev() { expect_jq "[.findings[] | select(.check == \"$1\") | .severity]" "$2"; }

t "lifetime fixture: every new check at its key or value"
pipe "$FIX/lifetime.yml"
expect_rc 1
expect_jq "$at" '["GH-OIDC-002 12:7","GH-CLOUD-001 30:11","GH-SEC-002 30:11","GH-SEC-002 31:11","GH-LIFE-001 33:34","GH-CRED-002 34:31","GH-CRED-002 36:15","GH-CLOUD-001 38:11","GH-SEC-002 38:11","GH-LIFE-002 39:25","GH-LIFE-002 40:34","GH-CLOUD-001 43:11","GH-LIFE-003 43:11","GH-SEC-002 43:11","GH-CLOUD-001 47:11","GH-LIFE-004 47:11","GH-SEC-002 47:11","GH-LIFE-004 48:19","GH-CRED-002 49:24","GH-LIFE-004 49:24","GH-LIFE-004 50:26","GH-CLOUD-001 54:11","GH-LIFE-005 64:15","GH-LIFE-005 68:11","GH-LIFE-005 69:30","GH-SEC-002 72:11","GH-LIFE-002 78:32","GH-CRED-002 79:36","GH-OIDC-003 127:7","GH-OIDC-003 141:15"]'
# the checks that were there before see the same file
expect_jq '[.findings[] | select(.check | test("^GH-(PIN-001|TRIG-001)$")) | "\(.check) \(.line):\(.column)"]' \
	'["GH-PIN-001 28:15","GH-PIN-001 36:15","GH-PIN-001 41:15","GH-PIN-001 44:15","GH-PIN-001 70:15","GH-TRIG-001 131:16"]'

t "lifetime fixture: severities follow the catalogue's escalation rules"
sev GH-OIDC-002 '["medium"]'
sev GH-OIDC-003 '["critical","high"]'
sev GH-SEC-002 '["high","high","high","high","high","medium"]'
sev GH-CRED-002 '["medium","medium","medium","low"]'
sev GH-CLOUD-001 '["medium","medium","medium","medium","medium"]'
sev GH-LIFE-001 '["high"]'
sev GH-LIFE-002 '["low","medium","low"]'
sev GH-LIFE-003 '["medium"]'
sev GH-LIFE-004 '["medium","medium","medium","high"]'
sev GH-LIFE-005 '["medium","high","high"]'

t "lifetime fixture: the well-configured and script-only jobs are quiet"
expect_jq '[.findings[] | select(.job == "good" or .job == "oidc-script")]' '[]'

t "lifetime fixture: messages name secrets, never their values"
expect_jq '[.findings[] | select(.check == "GH-SEC-002") | .message][0]' \
	'"secret AWS_KEY_ID is handed (with: aws-access-key-id) to aws-actions/configure-aws-credentials@v4, which is not pinned to a commit"'
expect_jq '[.findings[] | select(.check == "GH-SEC-002") | [.job, .step]][0]' '["bad","#1"]'

t "a hardened workflow stays quiet"
pipe "$FIX/hardened.yml"
expect_rc 0
expect_jq '.findings' '[]'

t "GH-OIDC-002: inherited grant at the job key; callers, local and broker actions are not judged"
cat > "$TMP/inherit.yml" <<'YML'
on: push
permissions:
  id-token: write
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
  call:
    uses: org/infra/.github/workflows/deploy.yml@0123456789abcdef0123456789abcdef01234567
  local:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/deploy
  broker:
    runs-on: ubuntu-latest
    steps:
      - uses: example/token-sts@0123456789abcdef0123456789abcdef01234567
  scorecard:
    runs-on: ubuntu-latest
    steps:
      - uses: OSSF/scorecard-action@0123456789abcdef0123456789abcdef01234567
        with:
          publish_results: true
  aws-keys:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@0123456789abcdef0123456789abcdef01234567
        with:
          aws-access-key-id: AKIAEXAMPLE
YML
pipe "$TMP/inherit.yml"
expect_rc 1
expect_jq "[.findings[] | select(.check == \"GH-OIDC-002\") | \"\(.job) \(.line):\(.column)\"]" \
	'["test 5:3","aws-keys 25:3"]'
expect_in "$out" "inherits id-token: write"

t "GH-CLOUD-001 is high with no OIDC in the workflow; durations are parsed"
cat > "$TMP/static.yml" <<'YML'
on: push
permissions: {}
env:
  AWS_SECRET_ACCESS_KEY: ${{ secrets.aws_secret }}
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@0123456789abcdef0123456789abcdef01234567
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          role-duration-seconds: 7200
      - uses: aws-actions/configure-aws-credentials@0123456789abcdef0123456789abcdef01234567
        with:
          role-duration-seconds: ${{ vars.DURATION }}
      - uses: google-github-actions/auth@0123456789abcdef0123456789abcdef01234567
        with:
          workload_identity_provider: projects/1/locations/global/workloadIdentityPools/p/providers/gh
          create_credentials_file: false
          access_token_lifetime: 1h30m
      - uses: google-github-actions/auth@0123456789abcdef0123456789abcdef01234567
        with:
          workload_identity_provider: projects/1/locations/global/workloadIdentityPools/p/providers/gh
          create_credentials_file: false
          access_token_lifetime: 3600s
      - uses: hashicorp/vault-action@0123456789abcdef0123456789abcdef01234567
        with:
          method: jwt
          jwtTtl: ${{ vars.TTL }}
YML
pipe "$TMP/static.yml"
expect_rc 1
expect_jq "$at" '["GH-CLOUD-001 4:3","GH-LIFE-001 12:34","GH-LIFE-002 20:34"]'
sev GH-CLOUD-001 '["high"]'
sev GH-LIFE-001 '["medium"]'
expect_in "$out" "AWS_SECRET_ACCESS_KEY is set from secret AWS_SECRET"
expect_in "$out" "lives 5400 s"

t "GH-CRED-002 in a composite action: medium when the workspace is cached, low for a narrow upload"
cat > "$TMP/action.yml" <<'YML'
runs:
  using: composite
  steps:
    - uses: google-github-actions/auth@0123456789abcdef0123456789abcdef01234567
      with:
        workload_identity_provider: projects/1/locations/global/workloadIdentityPools/p/providers/gh
    - uses: actions/cache@v4
      with:
        key: ws
        path: |
          ~/.cache
          ${{ github.workspace }}
    - uses: hashicorp/vault-action@0123456789abcdef0123456789abcdef01234567
      with:
        method: jwt
        outputToken: "true"
    - uses: actions/upload-artifact@v4
      with:
        path: dist/
YML
pipe "$TMP/action.yml"
expect_rc 1
expect_jq "$at" '["GH-CRED-002 4:13","GH-CRED-002 16:22"]'
sev GH-CRED-002 '["medium","low"]'

t "GH-SEC-002: named secrets to an unpinned external reusable workflow"
cat > "$TMP/call.yml" <<'YML'
on: push
permissions: {}
jobs:
  release:
    uses: otherorg/workflows/.github/workflows/release.yml@v2
    secrets:
      token: ${{ secrets.RELEASE_TOKEN }}
      name: fixed
  pinned:
    uses: otherorg/workflows/.github/workflows/release.yml@0123456789abcdef0123456789abcdef01234567
    secrets:
      token: ${{ secrets.RELEASE_TOKEN }}
YML
pipe "$TMP/call.yml"
expect_rc 1
expect_jq "$at" '["GH-SEC-002 7:7"]'
expect_jq '[.findings[] | select(.check == "GH-SEC-002") | [.job, .step]]' '[["release",null]]'

t "GH-OIDC-003 needs a privileged trigger"
sed 's/^on: pull_request_target$/on: pull_request/' "$FIX/lifetime.yml" | awk '/^---$/{p=1} p' > "$TMP/pr.yml"
pipe "$TMP/pr.yml"
expect_rc 0
expect_jq "$at" '[]'

t "a disabled check reports nothing"
mkdir -p "$TMP/cat/pipeline"
cp "$ROOT"/rules/pipeline/*.yaml "$TMP/cat/pipeline/"
awk '/id: GH-SEC-002/{s=1} s && /severity:/{print; print "    enabled: false"; s=0; next} {print}' \
	"$ROOT/rules/pipeline/github.yaml" > "$TMP/cat/pipeline/github.yaml"
run nhigate-pipeline --rules "$TMP/cat" --format json --platform github "$FIX/lifetime.yml"
expect_rc 1
expect_jq '[.findings[] | select(.check == "GH-SEC-002")]' '[]'

t "explain knows the new checks"
run nhigate-rules --rules "$ROOT/rules" explain GH-LIFE-004
expect_rc 0; expect_in "$out" "medium (github)"; expect_in "$out" "What to do:"
run nhigate-rules --rules "$ROOT/rules" list
for id in GH-OIDC-002 GH-OIDC-003 GH-SEC-002 GH-CRED-002 GH-CLOUD-001 GH-LIFE-001 GH-LIFE-002 \
	GH-LIFE-003 GH-LIFE-004 GH-LIFE-005; do
	expect_in "$out" "$id"
done

finish
