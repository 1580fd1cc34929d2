#!/usr/bin/env bash
# Gate reports against the official schemas: the unit test test_gate_reports
# writes every format for several verdicts (pass, block, break-glass, error,
# bad bytes) into a directory; each JSON report is validated with
# scripts/validate-json.py against the official schemas (tests/schemas, or $NHG_SCHEMAS), Code
# Quality against its documented fields, and JUnit as GitLab reads it.
source "$(dirname "$0")/lib.sh"

SCHEMAS=${NHG_SCHEMAS:-$ROOT/tests/schemas}
VALIDATE="$ROOT/scripts/validate-json.py"
REPORTS="$TMP/reports"

PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import jsonschema' 2>/dev/null; then PY=$p; break; fi
done
t "python with jsonschema"
if [ -z "$PY" ]; then
	bad "no python3 with the jsonschema module (install python3-jsonschema: make deps)"
	finish; exit
fi
ok
t "the schema copies equal the shared originals (when those are there)"
if [ -d "$ROOT/../shared/schemas" ]; then
	for f in "$ROOT"/tests/schemas/*.json; do
		cmp -s "$f" "$ROOT/../shared/schemas/${f##*/}" && ok || bad "${f##*/} differs from ../shared/schemas"
	done
else
	ok
fi
t "official schemas present"
if [ ! -f "$SCHEMAS/sarif-schema-2.1.0.json" ]; then
	bad "no schemas in $SCHEMAS (set NHG_SCHEMAS)"
	finish; exit
fi
ok

t "the unit test renders every report"
mkdir -p "$REPORTS"
run env NHG_REPORT_DIR="$REPORTS" "$BIN/tests/test_gate_reports"
expect_rc 0
for tag in block nosecret error empty; do
	for f in sarif.json gitlab-secret-detection.json gitlab-sast.json gitlab-codequality.json junit.xml; do
		[ -s "$REPORTS/$tag.$f" ] && ok || bad "missing $tag.$f"
	done
done

t "nhigate-gate itself writes every report for a real change"
r=$(new_repo real) && [ -n "$r" ] || exit 1
echo base > "$r/README"; commit_all "$r" base
git -C "$r" checkout -q -b change
key=$(akid) tok=$(ghp_token)
mkdir -p "$r/.github/workflows" "$r/deploy"
printf 'aws_access_key_id = %s\nGH = "%s"\n' "$key" "$tok" > "$r/deploy/app.env"
printf 'on: push\npermissions: write-all\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' \
	> "$r/.github/workflows/ci.yml"
commit_all "$r"
for tag in gate-block gate-breakglass; do
	cfg=""
	[ $tag = gate-breakglass ] && cfg="$TMP/bg.yaml" && printf 'policy: {breakglass: {allowed: [ops]}}\n' > "$cfg"
	run env NHIGATE_BREAKGLASS=INC-7 nhigate-gate --repo "$r" --range main..change --actor ops \
		${cfg:+--config "$cfg"} --format json \
		--report sarif="$REPORTS/$tag.sarif.json" \
		--report gitlab-secret-detection="$REPORTS/$tag.gitlab-secret-detection.json" \
		--report gitlab-sast="$REPORTS/$tag.gitlab-sast.json" \
		--report gitlab-codequality="$REPORTS/$tag.gitlab-codequality.json" \
		--report junit="$REPORTS/$tag.junit.xml" --report text="$REPORTS/$tag.txt" \
		--report github="$REPORTS/$tag.github.txt" --decision-log "$REPORTS/$tag.log"
	[ $tag = gate-block ] && expect_rc 1 || expect_rc 0
	for f in "$REPORTS/$tag".*; do
		grep -qF -e "$key" -e "$tok" "$f" && bad "secret in $f" || ok
	done
	expect_not_in "$out$err" "$key"
	expect_not_in "$out$err" "$tok"
done

# validate SCHEMA GLOB-SUFFIX: every $REPORTS/*.SUFFIX against SCHEMA
validate() {
	local files=("$REPORTS"/*."$2")
	[ -e "${files[0]}" ] || { bad "no *.$2 reports"; return; }
	run "$PY" "$VALIDATE" "$SCHEMAS/$1" "${files[@]}"
	expect_rc 0
	[ "$rc" -eq 0 ] || printf '%s\n' "$out" | grep -v ': ok$' | head -20 >&2
}

t "SARIF 2.1.0"
validate sarif-schema-2.1.0.json sarif.json
t "GitLab secret detection 15.2.1"
validate gitlab-secret-detection-report-format-15.2.1.json gitlab-secret-detection.json
t "GitLab SAST 15.2.1"
validate gitlab-sast-report-format-15.2.1.json gitlab-sast.json

t "GitLab Code Quality: the fields GitLab reads"
cat > "$TMP/codequality.schema.json" <<'EOF'
{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "array",
  "items": {
    "type": "object",
    "required": ["description", "check_name", "fingerprint", "severity", "location"],
    "properties": {
      "description": {"type": "string", "minLength": 1},
      "check_name": {"type": "string", "minLength": 1},
      "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{32,64}$"},
      "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
      "location": {
        "type": "object",
        "required": ["path", "lines"],
        "properties": {
          "path": {"type": "string", "minLength": 1},
          "lines": {"type": "object", "required": ["begin"],
                    "properties": {"begin": {"type": "integer", "minimum": 1}}}
        }
      }
    }
  }
}
EOF
run "$PY" "$VALIDATE" "$TMP/codequality.schema.json" "$REPORTS"/*.gitlab-codequality.json
expect_rc 0
for f in "$REPORTS"/*.gitlab-codequality.json; do
	out=$(cat "$f")
	expect_jq '[.[].fingerprint] | length == (unique | length)' true
done

t "JUnit: well-formed, counts agree with the testcases"
run "$PY" - "$REPORTS"/*.junit.xml <<'EOF'
import sys
import xml.etree.ElementTree as ET
status = 0
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites", (path, root.tag)
    suites = root.findall("testsuite")
    assert suites, path
    for s in suites:
        cases = s.findall("testcase")
        got = {"tests": len(cases),
               "failures": sum(len(c.findall("failure")) for c in cases),
               "errors": sum(len(c.findall("error")) for c in cases),
               "skipped": sum(len(c.findall("skipped")) for c in cases)}
        for k, n in got.items():
            if int(s.get(k)) != n or int(root.get(k)) != n:
                print("%s: %s says %s, has %d" % (path, k, s.get(k), n)); status = 1
        names = [(c.get("classname"), c.get("name")) for c in cases]
        if not all(a and b for a, b in names):
            print("%s: testcase without name or classname" % path); status = 1
        if len(set(names)) != len(names):
            print("%s: two testcases with one name" % path); status = 1
        if cases[0].get("name") != "decision":
            print("%s: first testcase is not the decision" % path); status = 1
sys.exit(status)
EOF
expect_rc 0
[ "$rc" -eq 0 ] || printf '%s\n%s\n' "$out" "$err" | head -20 >&2

# The validator is not a rubber stamp: broken documents fail, naming the place.
t "validate-json.py rejects a zone suffix in a GitLab time"
jq '.scan.start_time = "2026-11-23T06:30:00Z"' "$REPORTS/block.gitlab-secret-detection.json" \
	> "$TMP/bad-time.json"
run "$PY" "$VALIDATE" "$SCHEMAS/gitlab-secret-detection-report-format-15.2.1.json" "$TMP/bad-time.json"
expect_rc 1
expect_in "$out" "bad-time.json: /scan/start_time:"

t "validate-json.py rejects a secret finding without a commit"
jq 'del(.vulnerabilities[0].location.commit)' "$REPORTS/block.gitlab-secret-detection.json" \
	> "$TMP/no-commit.json"
run "$PY" "$VALIDATE" "$SCHEMAS/gitlab-secret-detection-report-format-15.2.1.json" "$TMP/no-commit.json"
expect_rc 1
expect_in "$out" "/vulnerabilities/0/location:"

t "validate-json.py rejects a SARIF level that does not exist (draft-04 schema)"
jq '.runs[0].results[0].level = "fatal"' "$REPORTS/block.sarif.json" > "$TMP/bad-level.json"
run "$PY" "$VALIDATE" "$SCHEMAS/sarif-schema-2.1.0.json" "$REPORTS/empty.sarif.json" "$TMP/bad-level.json"
expect_rc 1
expect_in "$out" "empty.sarif.json: ok"
expect_in "$out" "bad-level.json: /runs/0/results/0/level:"

t "validate-json.py: a file that is not JSON, and usage"
printf '{"version": ' > "$TMP/cut.json"
run "$PY" "$VALIDATE" "$SCHEMAS/sarif-schema-2.1.0.json" "$TMP/cut.json"
expect_rc 1
expect_in "$out" "cut.json: not readable JSON"
run "$PY" "$VALIDATE" "$SCHEMAS/sarif-schema-2.1.0.json"
expect_rc 2

t "SARIF past GitHub's 25,000 results a run: the most severe kept, the rest counted"
python3 - "$TMP/many.sarif" <<'PY'
import sys
notes = ['{"ruleId":"N%d","level":"note","message":{"text":"m"},"locations":[{"physicalLocation":'
         '{"artifactLocation":{"uri":"f%d.txt"},"region":{"startLine":1}}}]}' % (i % 50, i)
         for i in range(25000)]
error = ('{"ruleId":"E1","level":"error","message":{"text":"bad"},"locations":[{"physicalLocation":'
         '{"artifactLocation":{"uri":"z.txt"},"region":{"startLine":2}}}]}')
with open(sys.argv[1], 'w') as f:
    f.write('{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"other"}},"results":[')
    f.write(','.join(notes + [error]))
    f.write(']}]}')
PY
run "$BIN/nhigate-gate" --findings "$TMP/many.sarif" --format json \
	--report "sarif=$TMP/many.out.sarif"
expect_rc 1
expect_jq '.findings | length' 25001
out=$(cat "$TMP/many.out.sarif")
expect_jq '.runs[0].results | length' 25000
expect_jq '.runs[0].results[0].level' '"error"'
expect_jq '[.runs[0].invocations[0].toolExecutionNotifications[].message.text
	| select(test("^1 of 25001 findings are left out"))] | length' 1
run "$PY" "$VALIDATE" "$SCHEMAS/sarif-schema-2.1.0.json" "$TMP/many.out.sarif"
expect_rc 0
rm -f "$TMP/many.sarif" "$TMP/many.out.sarif"

finish
