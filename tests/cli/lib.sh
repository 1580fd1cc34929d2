# Helpers for CLI and git integration tests (bash).  A test file sources this,
# calls `check NAME CMD...`-style assertions and ends with `finish`.
#
#   run nhigate-secrets --format json .   # sets $out, $err, $rc (stdout/stderr/exit)
#   expect_rc 1
#   expect_jq '.findings | length' 2      # jq expression on $out equals value
#   expect_in "$err" "unknown ref"        # substring
#   expect_not_in "$out" "$secret"
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) BIN=$BUILD ;; *) BIN=$ROOT/$BUILD ;; esac
export PATH="$BIN:$PATH"
export NHIGATE_RULES="$ROOT/rules"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Test Author" GIT_AUTHOR_EMAIL="author@example.org"
export GIT_COMMITTER_NAME="Test Committer" GIT_COMMITTER_EMAIL="committer@example.org"
export GIT_AUTHOR_DATE="2026-01-02T03:04:05+00:00" GIT_COMMITTER_DATE="2026-01-02T03:04:05+00:00"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nhg-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
T_PASS=0
T_FAIL=0
T_NAME="?"

t() { T_NAME=$1; }
ok() { T_PASS=$((T_PASS + 1)); }
bad() { T_FAIL=$((T_FAIL + 1)); echo "not ok: $T_NAME: $*" >&2; }

run() {
	out=$("$@" 2>"$TMP/.stderr"); rc=$?
	err=$(cat "$TMP/.stderr")
}
expect_rc() { [ "$rc" -eq "$1" ] && ok || bad "exit $rc, want $1; stderr: $(printf %s "$err" | head -c 600)"; }
expect_jq() {
	local got
	got=$(printf '%s' "$out" | jq -c "$1" 2>&1)
	[ "$got" = "$2" ] && ok || bad "jq '$1' gave $got, want $2"
}
expect_in() { case "$1" in *"$2"*) ok ;; *) bad "missing '$2' in: $(printf %s "$1" | head -c 600)" ;; esac; }
expect_not_in() { case "$1" in *"$2"*) bad "unexpected '$2'" ;; *) ok ;; esac; }

# A fresh repository in $TMP/NAME; prints its path.
new_repo() {
	local d="$TMP/$1"
	git init -q -b main "$d" && printf '%s' "$d"
}
# Commit everything in repository $1 (never an empty path: git -C "" is ".").
commit_all() {
	[ -n "$1" ] || { bad "commit_all: no repository given"; return 1; }
	git -C "$1" add -A && git -C "$1" commit -q -m "${2:-change}"
}

# Fresh fake credentials: an AWS access key id (critical), and a GitHub token
# whose CRC-32 checksum is valid (critical) or not (lowered to low).
akid() { printf 'AKIA%s' "$(LC_ALL=C tr -dc 'A-Z2-7' </dev/urandom | head -c 16)"; }
ghp_token() {
	python3 -c 'import random, string, zlib
a = string.digits + string.ascii_uppercase + string.ascii_lowercase
body = "".join(random.SystemRandom().choice(a) for _ in range(30))
c = zlib.crc32(body.encode()); s = ""
for _ in range(6): s = a[c % 62] + s; c //= 62
print("ghp_" + body + s)'
}
# The date n days from today (UTC), YYYY-MM-DD; n may be negative.
day() { date -u -d "${1} days" +%F; }

finish() {
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
