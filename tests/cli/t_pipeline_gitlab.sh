#!/usr/bin/env bash
# nhigate-pipeline on GitLab CI: a vulnerable pipeline (extends over two
# levels, a hidden template, default:, !reference, a local include whose
# findings name the included file), a hardened one that must stay quiet,
# cycles and bounds, and every GitLab file of the shared corpus.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FIX="$ROOT/fixtures/pipeline/gitlab"
at='[.findings[] | "\(.check) \(.line):\(.column)"]'
atp='[.findings[] | "\(.path) \(.check) \(.line):\(.column)"]'

t "vulnerable pipeline: every check at its key, included findings in their file"
(cd "$FIX/vulnerable" && run nhigate-pipeline --format json . && printf '%s' "$out" > "$TMP/v.json"; exit "$rc")
rc=$?; out=$(cat "$TMP/v.json")
expect_rc 1
expect_jq "$atp" '[".gitlab-ci.yml GL-INC-001 3:13",".gitlab-ci.yml GL-INC-001 4:5",".gitlab-ci.yml GL-INC-001 7:10",".gitlab-ci.yml GL-INC-001 9:16",".gitlab-ci.yml GL-DBG-001 12:19",".gitlab-ci.yml GL-VAR-001 13:21",".gitlab-ci.yml SECRET-001 13:22",".gitlab-ci.yml GL-VAULT-001 14:3",".gitlab-ci.yml GL-IMG-001 17:10",".gitlab-ci.yml GL-IDTOKEN-001 18:3",".gitlab-ci.yml GL-IDTOKEN-001 20:12",".gitlab-ci.yml GL-IMG-001 23:10",".gitlab-ci.yml GL-JOBTOKEN-001 25:7",".gitlab-ci.yml GL-VAULT-001 32:5",".gitlab-ci.yml GL-JOBTOKEN-001 37:7",".gitlab-ci.yml GL-PROT-001 47:11",".gitlab-ci.yml GL-IDTOKEN-002 50:7",".gitlab-ci.yml GL-DIND-001 54:7",".gitlab-ci.yml GL-IMG-001 54:7",".gitlab-ci.yml GL-TRIG-001 61:5",".gitlab-ci.yml GL-TRIG-001 65:27",".gitlab-ci.yml GL-PROT-001 70:7","ci/templates.yml GL-DBG-001 3:22","ci/templates.yml GL-IDTOKEN-001 8:12","ci/templates.yml GL-PROT-001 10:1","ci/templates.yml GL-IMG-001 12:10","ci/templates.yml GL-JOBTOKEN-001 15:7"]'
expect_jq '.scanned.files' '1'
# a template's key is reported once, through the first job that runs it
expect_jq '[.findings[] | select(.check == "GL-JOBTOKEN-001") | [.job, .severity]]' '[["deploy","medium"],["build","medium"],["publish","high"]]'
expect_jq '[.findings[] | select(.check == "GL-INC-001") | .severity]' '["high","medium","medium","medium"]'
expect_jq '[.findings[] | select(.check == "GL-DIND-001") | .severity]' '["high"]'
expect_not_in "$out" "glpat-x9Qw2ZrT7vKp4LmN8sYd"

t "the same pipeline named as a file: includes are read from its directory"
run nhigate-pipeline --format json "$FIX/vulnerable/.gitlab-ci.yml"
expect_rc 1
expect_jq '[.findings[].path | sub(".*/gitlab/"; "")] | unique' '["vulnerable/.gitlab-ci.yml","vulnerable/ci/templates.yml"]'
expect_jq '.findings | length' '27'

t "with --platform gitlab the included file is also checked on its own: reported once"
run nhigate-pipeline --platform gitlab --format json "$FIX/vulnerable"
expect_rc 1
expect_jq '.scanned.files' '2'
expect_jq '.findings | length' '27'

t "a local include that is a symlink is not read"
d="$TMP/link"; mkdir -p "$d"
printf 'variables:\n  CI_DEBUG_TRACE: "true"\n' > "$TMP/outside.yml"
ln -s "$TMP/outside.yml" "$d/ci.yml"
printf 'include: ci.yml\njob:\n  script: [make]\n' > "$d/.gitlab-ci.yml"
run nhigate-pipeline --format json "$d"
expect_rc 0

t "a hardened pipeline is quiet"
run nhigate-pipeline --format json "$FIX/hardened"
expect_rc 0
expect_jq '.findings' '[]'
expect_jq '.scanned.files' '1'

t "an included file checked on its own with --platform gitlab"
run nhigate-pipeline --platform gitlab --format json "$FIX/vulnerable/ci/templates.yml"
expect_rc 1
expect_jq "$at" '["GL-DBG-001 3:22","GL-IDTOKEN-001 8:12","GL-PROT-001 10:1","GL-IMG-001 12:10","GL-JOBTOKEN-001 15:7"]'

t "extends and include cycles end; repeated keys: the last one wins"
d="$TMP/cycle"; mkdir -p "$d"
printf 'include: [{local: a.yml}]\n.a:\n  extends: .b\n.b:\n  extends: .a\n  image: alpine\njob:\n  extends: .a\n  script: [make]\n' > "$d/.gitlab-ci.yml"
printf 'include: [{local: .gitlab-ci.yml}, {local: a.yml}, {local: ../../etc/passwd}]\nvariables:\n  CI_DEBUG_TRACE: "false"\n  CI_DEBUG_TRACE: "true"\n' > "$d/a.yml"
run nhigate-pipeline --format json "$d"
expect_rc 1
expect_jq '[.findings[] | "\(.path | sub(".*/cycle/"; "")) \(.check) \(.line):\(.column)"]' '[".gitlab-ci.yml GL-IMG-001 6:10","a.yml GL-DBG-001 4:19"]'

t "aliases cannot make resolution explode: bounded, then refused"
d="$TMP/laughs"; mkdir -p "$d"
{
	echo 'a0: &a0 [x, CI_JOB_JWT]'
	echo 'm0: &m0 {k: v}'
	echo 'n0: &n0 {k: w}'
	for i in 1 2 3 4 5 6 7 8; do
		p=$((i - 1))
		echo "a$i: &a$i [*a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p]"
		echo "m$i: &m$i {k0: *m$p, k1: *m$p, k2: *m$p, k3: *m$p, k4: *m$p, k5: *m$p, k6: *m$p, k7: *m$p, k8: *m$p, k9: *m$p}"
		echo "n$i: &n$i {k0: *n$p, k1: *n$p, k2: *n$p, k3: *n$p, k4: *n$p, k5: *n$p, k6: *n$p, k7: *n$p, k8: *n$p, k9: *n$p}"
	done
	printf 'job:\n  extends: .t\n  script: [*a8, *a8]\n  cache: *m8\n.t:\n  script: *a8\n  cache: *n8\n'
} > "$d/.gitlab-ci.yml"
run nhigate-pipeline --format json "$d"
expect_rc 3
expect_jq '[.skipped[].reason]' '["too large to resolve (extends, !reference and includes)"]'
sed -i 's/^  cache: \*n8$/  cache: *m8/' "$d/.gitlab-ci.yml"
run nhigate-pipeline --format json "$d"
expect_rc 1
expect_jq "$at" '["GL-IDTOKEN-002 1:13"]'

t "--platform gitlab is accepted, unknown platforms are not"
run nhigate-pipeline --platform jenkins "$FIX/hardened"
expect_rc 2; expect_in "$err" "github, gitlab"

t "malformed GitLab YAML names file:line:col and exits 2"
printf 'job:\n  script: [unclosed\n' > "$TMP/.gitlab-ci.yml"
run nhigate-pipeline "$TMP/.gitlab-ci.yml"
expect_rc 2; expect_in "$err" ".gitlab-ci.yml:"

t "explain knows the GitLab checks"
for id in GL-JOBTOKEN-001 GL-IDTOKEN-001 GL-IDTOKEN-002 GL-VAR-001 GL-PROT-001 GL-DBG-001 \
	  GL-DIND-001 GL-INC-001 GL-IMG-001 GL-TRIG-001 GL-VAULT-001; do
	run nhigate-rules --rules "$ROOT/rules" explain "$id"
	expect_rc 0; expect_in "$out" "(gitlab)"
done

t "every GitLab file of the corpus: checked, no input or internal error"
corpus=${NHG_CORPUS:-$ROOT/../shared/corpus}
if [ -d "$corpus/gitlab" ]; then
	n=0
	for f in "$corpus"/gitlab/*.yml; do
		n=$((n + 1))
		run nhigate-pipeline --platform gitlab --format json --quiet "$f"
		[ "$rc" -le 1 ] && ok || bad "$f: exit $rc: $(printf %s "$err" | head -c 300)"
	done
	run nhigate-pipeline --platform gitlab --format json --quiet "$corpus/gitlab"
	[ "$rc" -le 1 ] && ok || bad "corpus: exit $rc: $(printf %s "$err" | head -c 300)"
	expect_jq '.scanned.files' "$n"
	expect_jq '.skipped' '[]'
else
	echo "SKIPPED: corpus test: no corpus at $corpus (set NHG_CORPUS)" >&2
fi

finish
