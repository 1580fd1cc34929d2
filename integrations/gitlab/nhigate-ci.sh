set -eu
# nhigate in a GitLab CI job: the change this pipeline brings, judged by
# nhigate-gate.  The job templates carry this script verbatim.
zero() { case $1 in *[!0]*) return 1 ;; *) return 0 ;; esac; }
have() { git cat-file -e "$1^{commit}" 2>/dev/null; }
deepen() {
  if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
    echo "nhigate: the clone is shallow (GIT_DEPTH); fetching the whole history"
    git fetch --quiet --unshallow origin || true
  fi
}
need() {
  have "$1" || deepen
  have "$1" && return 0
  echo "nhigate: error: commit $1 ($2) is not in the clone; set GIT_DEPTH: 0 for this job" >&2
  exit 2
}
head=$CI_COMMIT_SHA
need "$head" "the pipeline's commit"
before=${CI_COMMIT_BEFORE_SHA:-}
default=${CI_DEFAULT_BRANCH:-}
if [ -n "${CI_MERGE_REQUEST_DIFF_BASE_SHA:-}" ]; then
  need "$CI_MERGE_REQUEST_DIFF_BASE_SHA" "the merge request's base"
  set -- --range "$CI_MERGE_REQUEST_DIFF_BASE_SHA..$head"
elif [ -n "$before" ] && ! zero "$before" && { have "$before" || { deepen; have "$before"; }; }; then
  set -- --range "$before..$head"
elif [ -n "${CI_COMMIT_BRANCH:-}" ] && [ -n "$default" ] && [ "$CI_COMMIT_BRANCH" != "$default" ]; then
  # a new branch (or a force push): the commits the default branch lacks
  deepen
  git fetch --quiet origin "+refs/heads/$default:refs/remotes/origin/$default" || {
    echo "nhigate: error: cannot fetch the default branch $default to compare with" >&2
    exit 2
  }
  set -- --range "refs/remotes/origin/$default..$head"
else
  # a new default branch, or a tag: the pipeline's commit
  set -- --commit "$head"
fi
set -- "$@" --format text \
  --report gitlab-secret-detection=gl-secret-detection-report.json \
  --report gitlab-sast=gl-sast-report.json \
  --report gitlab-codequality=gl-code-quality-report.json \
  --report junit=nhigate-junit.xml \
  --report json=nhigate-verdict.json
[ -z "${GITLAB_USER_LOGIN:-}" ] || set -- "$@" --actor "$GITLAB_USER_LOGIN"
[ -z "${NHIGATE_CONFIG:-}" ] || set -- "$@" --config "$NHIGATE_CONFIG"
echo "nhigate: nhigate-gate $*${NHIGATE_ARGS:+ $NHIGATE_ARGS}"
rc=0
# NHIGATE_ARGS is split into words on purpose
# shellcheck disable=SC2086
nhigate-gate "$@" ${NHIGATE_ARGS:-} || rc=$?
case $rc in
0) ;;
1)
  if [ "${NHIGATE_FAIL_ON:-block}" = never ]; then
    echo "nhigate: the gate would block this change (NHIGATE_FAIL_ON=never: report only)"
  else
    echo "nhigate: the gate blocked this change" >&2
    exit 1
  fi
  ;;
*)
  echo "nhigate: error: the gate could not decide (exit $rc)" >&2
  exit "$rc"
  ;;
esac
