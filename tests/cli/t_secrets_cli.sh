#!/usr/bin/env bash
# nhigate-secrets and nhigate-rules as a user drives them: options, errors,
# redaction, suppression markers, baselines, config, output files.
. "$(dirname "$0")/lib.sh"

FIX="$ROOT/fixtures/rules/good"
TOKEN=dmo_Ab3dEf6hIj9kLm2nOp5q
TOKEN2=dmo_Zy8xWv7uTs6rQp5oNm4l
d="$TMP/files"
mkdir -p "$d/sub"
printf 'ok = 1\nkey = %s\n' "$TOKEN" > "$d/app.cfg"
printf 'k = %s # nhigate:allow\n' "$TOKEN2" > "$d/sub/allowed.cfg"

t "help and version"
run nhigate-secrets --help; expect_rc 0; expect_in "$out" "--range A..B"
run nhigate-secrets --version; expect_rc 0; expect_in "$out" "nhigate-secrets "
run nhigate-rules --help; expect_rc 0; expect_in "$out" "explain ID"

t "usage errors exit 2 with one line"
run nhigate-secrets --bogus; expect_rc 2; expect_in "$err" "invalid option"
run nhigate-secrets; expect_rc 2; expect_in "$err" "no source"
run nhigate-secrets --all --staged; expect_rc 2; expect_in "$err" "exactly one source"
run nhigate-secrets --format xml .; expect_rc 2; expect_in "$err" "unknown format 'xml'"
run nhigate-rules frobnicate; expect_rc 2; expect_in "$err" "unknown command"

t "a bad rule pack names file:line:col and exits 2"
run nhigate-secrets --rules "$ROOT/fixtures/rules/unknown-key.yaml" "$d"
expect_rc 2; expect_in "$err" "fixtures/rules/unknown-key.yaml:7:5: unknown key 'colour' in rule"
run nhigate-rules lint --rules "$ROOT/fixtures/rules/bad-regex.yaml"
expect_rc 2; expect_in "$err" "bad-regex.yaml:6:14: invalid regex"

t "findings: exit 1, redacted text grouped by file"
run nhigate-secrets --rules "$FIX" "$d"
expect_rc 1
expect_in "$out" "$d/app.cfg"
expect_in "$out" "2:7  high"
expect_in "$out" "dmo_…(24)"
expect_not_in "$out" "$TOKEN"
expect_in "$out" "1 finding (1 high) in 1 file, 1 suppressed"

t "json report shape, suppressed marker kept"
run nhigate-secrets --rules "$FIX" --format json "$d"
expect_rc 1
expect_jq '.tool' '"nhigate-secrets"'
expect_jq '.scanned.files' '2'
expect_jq '[.findings[] | {rule, line, column, end_column, suppressed}]' \
	"[{\"rule\":\"demo-token\",\"line\":2,\"column\":7,\"end_column\":30,\"suppressed\":null},{\"rule\":\"demo-token\",\"line\":1,\"column\":5,\"end_column\":28,\"suppressed\":\"inline\"}]"
expect_jq '.findings[0].secret_sha256' "\"$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)\""
expect_not_in "$out" "$TOKEN"

t "--ignore-allow-markers counts marked lines"
run nhigate-secrets --rules "$FIX" --ignore-allow-markers --format json "$d"
expect_rc 1; expect_jq '[.findings[].suppressed]' '[null,null]'

t "--no-redact shows the secret"
run nhigate-secrets --rules "$FIX" --no-redact "$d/app.cfg"
expect_rc 1; expect_in "$out" "$TOKEN"

t "--output writes the report to a file"
run nhigate-secrets --rules "$FIX" --format json --output "$TMP/report.json" "$d"
expect_rc 1
[ -z "$out" ] && ok || bad "stdout not empty with --output"
out=$(cat "$TMP/report.json"); expect_jq '.findings | length' '2'

t "baseline: accepted findings stop counting, across line moves"
run nhigate-secrets --rules "$FIX" --write-baseline "$TMP/base.json" "$d"
expect_rc 1
expect_not_in "$(cat "$TMP/base.json")" "$TOKEN"
printf '# a new first line\nok = 1\n\nkey = %s\n' "$TOKEN" > "$d/app.cfg"
run nhigate-secrets --rules "$FIX" --baseline "$TMP/base.json" "$d"
expect_rc 0; expect_in "$out" "0 findings, 2 suppressed"
printf 'new = %s\n' "$TOKEN2" >> "$d/app.cfg"
run nhigate-secrets --rules "$FIX" --baseline "$TMP/base.json" --format json "$d"
expect_rc 1; expect_jq '[.findings[] | select(.suppressed == null) | .line]' '[5]'
run nhigate-secrets --rules "$FIX" --baseline "$TMP/missing.json" "$d"
expect_rc 2

t "config: exclude globs, strict keys"
printf 'secrets:\n  exclude: ["sub/"]\n' > "$TMP/cfg.yaml"
cd "$d" && run nhigate-secrets --rules "$FIX" --config "$TMP/cfg.yaml" --format json . && cd - >/dev/null
expect_jq '[.findings[].path]' '["app.cfg","app.cfg"]'
printf 'secrets:\n  exclud: []\n' > "$TMP/bad.yaml"
run nhigate-secrets --rules "$FIX" --config "$TMP/bad.yaml" "$d"
expect_rc 2; expect_in "$err" "bad.yaml:2:3: unknown key 'exclud'"

t "incomplete scan: a skipped file exits 3 and is listed"
printf 'nothing here\n%0300d\n' 0 > "$TMP/big.txt"
run nhigate-secrets --rules "$FIX" --max-file-size 100 --format json "$TMP/big.txt"
expect_rc 3; expect_jq '.skipped[0].reason | startswith("too large")' 'true'

t "nhigate-rules list, explain, test"
run nhigate-rules --rules "$FIX" list; expect_rc 0; expect_in "$out" "demo-generic"
run nhigate-rules --rules "$FIX" explain demo-token; expect_rc 0
expect_in "$out" "OWASP-NHI:NHI2"; expect_in "$out" "Revoke the demo token."
run nhigate-rules --rules "$FIX" explain nope; expect_rc 2
run nhigate-rules --rules "$FIX" test; expect_rc 0; expect_in "$out" "8 passed, 0 failed"
sed 's/dmo_short/dmo_Ab3dEf6hIj9kLm2nOp5q/' "$FIX/pack.yaml" > "$TMP/broken.yaml"
run nhigate-rules --rules "$TMP/broken.yaml" test; expect_rc 1
expect_in "$out" "FAIL demo-token nomatch[1]"; expect_in "$out" "7 passed, 1 failed"

t "lint refuses a pattern that backtracks catastrophically"
cat > "$TMP/slow.yaml" <<'YAML'
rules:
  - id: slow
    title: Backtracks on long runs
    severity: low
    keywords: [aaa]
    pattern: '(?<secret>(a|aa)+$)'
    controls: [OWASP-NHI:NHI2]
    remediation: Fix the pattern.
    examples:
      match: ['aaa', 'aaaa']
      nomatch: ['bbb', 'ccc']
YAML
run nhigate-rules --rules "$TMP/slow.yaml" lint
expect_rc 2; expect_in "$err" "slow.yaml:2:5: rule 'slow': pattern exceeds the match limit"

t "the default pack lints clean"
run nhigate-rules --rules "$ROOT/rules" lint; expect_rc 0

finish
