#!/usr/bin/env bash
# Hostile and broken input: every case ends with its documented exit code,
# a one-line reason, in bounded time, and never a silent pass or a crash
# (exit >= 128).  Large inputs are generated here, never committed.
source "$(dirname "$0")/lib.sh"

# run under a time limit (seconds): a hang is a failure, not a stuck suite
trun() {
	local secs=$1
	shift
	out=$(timeout -k 5 "$secs" "$@" 2>"$TMP/.stderr"); rc=$?
	err=$(cat "$TMP/.stderr")
	[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || bad "timed out after ${secs}s: $*"
}
# exit code rc, no crash, and a one-line reason on stderr holding $2
expect_fail() {
	expect_rc "$1"
	[ "$rc" -lt 128 ] && ok || bad "crashed (exit $rc)"
	expect_in "$err" "$2"
}
oneline() { [ "$(printf '%s\n' "$err" | grep -c .)" -eq 1 ] && ok || bad "not one line: $err"; }
fresh_key() { akid; }
# libgit2 1.5 leaks a little on the error paths of a damaged, shallow or
# SHA-256 repository (revparse, merge-base, open): no leak check for those
# runs under `make san`; our own leaks are checked everywhere else.
lg2="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# ---- YAML bombs ------------------------------------------------------------
t "200,000 levels of YAML nesting: exit 2 with file:line:col, for every binary"
d=$TMP/deep && mkdir -p "$d/.github/workflows"
python3 -c "print('on: push\njobs: ' + '['*200000 + ']'*200000)" > "$d/.github/workflows/deep.yml"
trun 60 nhigate-pipeline "$d"
expect_fail 2 "deep.yml:2:"
expect_in "$err" "nested too deeply"
oneline
trun 60 nhigate-gate "$d"
expect_fail 2 "nested too deeply"
trun 60 nhigate-secrets --config "$d/.github/workflows/deep.yml" "$d"
expect_fail 2 "nested too deeply"

t "billion laughs: aliases are shared, not expanded; checked in bounded time"
d=$TMP/laughs && mkdir -p "$d/.github/workflows"
{
	echo 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
	prev=a
	for n in b c d e f g h i; do
		echo "$n: &$n [*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev]"
		prev=$n
	done
	printf 'on: push\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n'
	printf '    env: {A: *i}\n    steps: [{run: echo, env: {B: *i}}]\n'
} > "$d/.github/workflows/laughs.yml"
trun 20 nhigate-pipeline --format json "$d"
expect_rc 0
expect_jq '.scanned.files' 1
cp "$d/.github/workflows/laughs.yml" "$TMP/laughs-config.yaml"
trun 20 nhigate-secrets --config "$TMP/laughs-config.yaml" "$d"
expect_fail 2 "unknown key"

t "an alias cycle and 2,000 chained aliases 200 deep: checked, no crash"
d=$TMP/cycle && mkdir -p "$d/.github/workflows"
printf 'on: push\npermissions: {}\njobs:\n  a: &c\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n        env: *c\n' \
	> "$d/.github/workflows/c.yml"
python3 - "$d/.gitlab-ci.yml" <<'EOF'
import sys
lines = ['x0: &x0 leaf']
for i in range(1, 2000):
    lines.append('x%d: &x%d %s*x%d%s' % (i, i, '[' * 200, i - 1, ']' * 200))
lines += ['job:', '  script: [echo]', '  variables: {V: *x1999}', '  x: *x1999']
open(sys.argv[1], 'w').write('\n'.join(lines) + '\n')
EOF
trun 60 nhigate-pipeline --format json "$d"
[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] && ok || bad "exit $rc: $err"
expect_jq '.scanned.files' 2

t "a huge YAML scalar is refused with a reason"
d=$TMP/scalar && mkdir -p "$d/.github/workflows"
python3 -c "print('on: push\nname: \"' + 'x'*2000000 + '\"')" > "$d/.github/workflows/s.yml"
trun 30 nhigate-pipeline "$d"
expect_fail 2 "s.yml:"

# ---- bytes that are not text ------------------------------------------------
t "NUL bytes: binary content is counted, not scanned, and the scan says so"
d=$TMP/nul && mkdir -p "$d"
printf 'key = %s\0binary\n' "$(fresh_key)" > "$d/blob.bin"
trun 20 nhigate-secrets --format json "$d"
expect_rc 0
expect_jq '.scanned.binary' 1
printf 'on: push\0\n' > "$TMP/nul.yml"
trun 20 nhigate-pipeline --platform github "$TMP/nul.yml"
expect_fail 2 "nul.yml"

t "NUL bytes inside a diff's file name: exit 2, not a finding on an empty path"
printf 'diff --git a/x b/x\n--- a/x\n+++ b/ev\0il.txt\n@@ -0,0 +1 @@\n+key = %s\n' "$(fresh_key)" > "$TMP/nul.diff"
trun 20 nhigate-secrets --diff "$TMP/nul.diff"
expect_fail 2 "malformed path"

t "invalid UTF-8 in a rule pack, a waiver file and a config: exit 2 naming the file"
printf 'rules:\n  - id: bad\xff\n' > "$TMP/bad-pack.yaml"
trun 20 nhigate-secrets --rules "$TMP/bad-pack.yaml" "$TMP/nul"
expect_fail 2 "bad-pack.yaml"
oneline
trun 20 nhigate-rules --rules "$TMP/bad-pack.yaml" lint
expect_fail 2 "bad-pack.yaml"
printf 'waivers:\n  - id: W\xfe\n' > "$TMP/bad-waivers.yaml"
trun 20 nhigate-gate --waivers "$TMP/bad-waivers.yaml" "$TMP/nul"
expect_fail 2 "bad-waivers.yaml"
printf 'secrets:\n  exclude: ["\xc3("]\n' > "$TMP/bad-config.yaml"
trun 20 nhigate-secrets --config "$TMP/bad-config.yaml" "$TMP/nul"
expect_fail 2 "bad-config.yaml"

t "file names with a newline, an ANSI escape and invalid UTF-8 are escaped in text output"
r=$(new_repo names)
printf 'k = %s\n' "$(fresh_key)" > "$r/$(printf 'new\nline.env')"
printf 'k = %s\n' "$(fresh_key)" > "$r/$(printf 'esc\033[2Jred.env')"
printf 'k = %s\n' "$(fresh_key)" > "$r/$(printf 'bad\377\376.env')"
commit_all "$r"
trun 30 nhigate-secrets "$r"
expect_rc 1
expect_in "$out" 'new\nline.env'
expect_in "$out" 'esc\x1b[2Jred.env'
expect_in "$out" 'bad\xff\xfe.env'
[[ "$out" != *$'\033'* ]] && ok || bad "an escape byte reached the terminal"
trun 30 nhigate-secrets --repo "$r" --commit HEAD
expect_rc 1
[[ "$out" != *$'\033'* ]] && ok || bad "an escape byte reached the terminal (git mode)"
trun 30 nhigate-gate --repo "$r" --commit HEAD
expect_rc 1
[[ "$out$err" != *$'\033'* ]] && ok || bad "an escape byte reached the terminal (gate)"
trun 30 nhigate-gate --repo "$r" --commit HEAD --format json
expect_jq '[.findings[].path] | sort' '["bad\\xff\\xfe.env","esc\u001b[2Jred.env","new\nline.env"]'

# ---- sizes --------------------------------------------------------------------
t "a 200 MB single-line file: skipped as too large by default (exit 3), found when allowed"
d=$TMP/huge && mkdir -p "$d"
key=$(fresh_key)
python3 - "$d/one-line.txt" "$key" <<'EOF'
import sys
with open(sys.argv[1], 'wb') as f:
    chunk = b'abcdefgh' * 131072
    for _ in range(200):
        f.write(chunk)
    f.write(b' key=' + sys.argv[2].encode() + b' tail')
EOF
trun 60 nhigate-secrets --format json "$d"
expect_rc 3
expect_jq '.skipped[0].reason | test("too large")' true
trun 60 nhigate-gate --format json "$d"
expect_rc 1
expect_jq '.decision' '"block"'
expect_jq '.skipped | length' 1
trun 120 nhigate-secrets --max-file-size 300000000 --format json "$d"
expect_rc 1
expect_jq '[.findings[] | .rule]' '["aws-access-key-id"]'
expect_jq '.findings[0].column' 209715206
rm -f "$d/one-line.txt"

t "a rule that backtracks on a 50 KB line: bounded by the match limit, listed, exit 3"
cat > "$TMP/slow.yaml" <<'EOF'
rules:
  - id: backtracks
    title: a pattern that backtracks on runs of a
    severity: high
    keywords: [aaa]
    pattern: '(?<secret>(a|aa)+(?=c))'
    controls: [OWASP-NHI:NHI2]
    remediation: none
    examples:
      match: ['aaac', 'xaac']
      nomatch: ['b', 'd']
EOF
d=$TMP/slow && mkdir -p "$d"
python3 -c "print('a'*50000)" > "$d/line.txt"
trun 20 nhigate-secrets --rules "$TMP/slow.yaml" --format json "$d"
expect_rc 3
expect_jq '.skipped' '[{"path":"'"$d"'/line.txt","reason":"rule backtracks hit the regex match limit on line 1"}]'
trun 20 nhigate-rules --rules "$TMP/slow.yaml" lint
expect_fail 2 "match limit"
trun 20 nhigate-gate --rules "$TMP/slow.yaml" --rules "$ROOT/rules" --format json "$d"
expect_rc 1
expect_jq '.skipped | length' 1
mkdir -p "$d/.github/workflows"
printf 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo %s\n' \
	"$(cat "$d/line.txt")" > "$d/.github/workflows/a.yml"
trun 20 nhigate-pipeline --rules "$ROOT/rules" --rules "$TMP/slow.yaml" --format json "$d"
expect_rc 3
expect_jq '[.skipped[].reason]' '["a secret rule hit the regex limit in this file"]'

t "a commit of 10,000 files is scanned whole, in bounded time"
r=$(new_repo many)
echo base > "$r/README"; commit_all "$r"
mkdir -p "$r/d"
for i in $(seq 1 10000); do echo "v$i"; done | split -l 1 -a 4 - "$r/d/f"
key=$(fresh_key)
printf 'k = %s\n' "$key" > "$r/d/faaaa"
commit_all "$r"
trun 120 nhigate-secrets --repo "$r" --range HEAD~1..HEAD --format json
expect_rc 1
expect_jq '.scanned.files' 10000
trun 120 nhigate-gate --repo "$r" --range HEAD~1..HEAD --format json
expect_rc 1

# ---- file system --------------------------------------------------------------
t "symlinks (outside the tree, loops) are not followed and are listed as not scanned"
d=$TMP/links && mkdir -p "$d"
echo fine > "$d/a.txt"
ln -s /etc/passwd "$d/outside"
ln -s loop1 "$d/loop2"; ln -s loop2 "$d/loop1"; ln -s . "$d/self"
trun 20 nhigate-secrets --format json "$d"
expect_rc 3
expect_jq '[.skipped[].reason] | unique' '["symlink"]'
expect_jq '.skipped | length' 4
trun 20 nhigate-gate --format json "$d"
expect_rc 1
expect_jq '.skipped | length' 4
trun 20 nhigate-pipeline "$d"
expect_rc 0

t "unreadable files and directories are listed (as an unprivileged user)"
if [ "$(id -u)" -eq 0 ] && ! command -v setpriv >/dev/null; then
	echo "skip: root without setpriv cannot make a file unreadable"
else
	as_user=()
	[ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	u=$(mktemp -d "${TMPDIR:-/tmp}/nhg-unreadable.XXXXXX")
	chmod 755 "$u"
	echo hello > "$u/ok.txt"
	echo locked > "$u/locked.txt"; chmod 000 "$u/locked.txt"
	mkdir "$u/closed"; echo x > "$u/closed/in.txt"; chmod 000 "$u/closed"
	trun 20 "${as_user[@]}" env NHIGATE_RULES="$NHIGATE_RULES" "$BIN/nhigate-secrets" --format json "$u"
	expect_rc 3
	expect_jq '[.skipped[] | .reason] | unique' '["Permission denied"]'
	expect_jq '.skipped | length' 2
	rm -rf "$u/closed"
	trun 20 "${as_user[@]}" env NHIGATE_RULES="$NHIGATE_RULES" "$BIN/nhigate-gate" --format json "$u"
	expect_rc 1
	expect_jq '.decision' '"block"'
	mkdir -p "$u/.github/workflows"; echo 'on: push' > "$u/.github/workflows/a.yml"
	chmod 000 "$u/.github/workflows/a.yml"
	trun 20 "${as_user[@]}" env NHIGATE_RULES="$NHIGATE_RULES" "$BIN/nhigate-pipeline" "$u"
	expect_rc 3
	expect_in "$out" "a.yml: cannot open"
	chmod -R u+rwX "$u"; rm -rf "$u"
fi

# ---- git -----------------------------------------------------------------------
t "an unknown ref and an empty repository: exit 2 with the reason"
r=$(new_repo refs)
echo a > "$r/a"; commit_all "$r"
for b in nhigate-secrets nhigate-pipeline nhigate-gate; do
	trun 20 $b --repo "$r" --range main..nope
	expect_fail 2 "unknown revision 'nope'"
	oneline
done
e=$(new_repo empty)
trun 20 nhigate-gate --repo "$e" --range main..main
expect_fail 2 "unknown revision 'main'"
trun 20 nhigate-secrets --repo "$e" --staged
expect_rc 0

t "a corrupt loose object: exit 3, verdict error"
r=$(new_repo corrupt)
echo a > "$r/a"; commit_all "$r"
echo "new content" > "$r/b"; commit_all "$r"
blob=$(git -C "$r" rev-parse HEAD:b)
f=$r/.git/objects/${blob:0:2}/${blob:2}
chmod u+w "$f"; printf 'garbage' > "$f"
trun 20 nhigate-secrets --repo "$r" --range HEAD~1..HEAD
expect_fail 3 "cannot read blob"
trun 20 nhigate-gate --repo "$r" --range HEAD~1..HEAD --format json
expect_rc 3
expect_jq '.decision' '"error"'

t "a truncated pack: exit 3 (damaged repository), not an unknown revision"
r=$(new_repo truncated)
for i in $(seq 1 20); do seq 1 $((i * 50)) > "$r/f$i"; done; commit_all "$r"
echo more > "$r/g"; commit_all "$r"
git -C "$r" gc -q
p=$(ls "$r"/.git/objects/pack/*.pack)
chmod u+w "$p"; truncate -s $(($(stat -c %s "$p") / 2)) "$p"
for b in nhigate-secrets nhigate-pipeline; do
	trun 20 env "$lg2" $b --repo "$r" --range HEAD~1..HEAD
	expect_fail 3 "damaged"
done
trun 20 env "$lg2" nhigate-gate --repo "$r" --commit HEAD --format json
expect_rc 3
expect_jq '.decision' '"error"'

t "a shallow clone whose range base is cut off: exit 2 with the fix (deepen the clone)"
r=$(new_repo deep)
echo 1 > "$r/f1"; commit_all "$r"; git -C "$r" branch base
printf 'k = %s\n' "$(fresh_key)" > "$r/f2"; commit_all "$r"
git -C "$r" rm -q f2; echo 3 > "$r/f3"; commit_all "$r"
git clone -q --depth 1 --no-single-branch "file://$r" "$TMP/shallow"
for b in nhigate-secrets nhigate-pipeline nhigate-gate; do
	trun 20 env "$lg2" $b --repo "$TMP/shallow" --range origin/base..HEAD
	expect_fail 2 "deepen it"
	oneline
done
trun 20 nhigate-secrets --repo "$r" --range base..main
expect_rc 1

t "a SHA-256 repository: exit 2, never a guess"
if git init -q --object-format=sha256 "$TMP/sha256" 2>/dev/null; then
	echo a > "$TMP/sha256/a"; commit_all "$TMP/sha256"
	for b in nhigate-secrets nhigate-pipeline nhigate-gate; do
		trun 20 env "$lg2" $b --repo "$TMP/sha256" --commit HEAD
		expect_fail 2 "SHA-256"
	done
else
	echo "skip: this git cannot make SHA-256 repositories"
fi

# ---- stdin and files of other tools --------------------------------------------
t "a diff with malformed hunks, or an added line outside any hunk: exit 2"
printf -- '--- a/x\n+++ b/x\n@@ -1,2 +1,5 @@\n a\n+b\n' > "$TMP/short.diff"
trun 20 nhigate-secrets --diff "$TMP/short.diff"
expect_fail 2 "diff ends inside a hunk"
oneline
printf -- '--- a/x\n+++ b/x\n@@ -1 +1 @@@\n+b\n' > "$TMP/header.diff"
trun 20 nhigate-secrets --diff "$TMP/header.diff"
expect_fail 2 "<diff>:"
printf -- '--- a/x\n+++ b/x\n+k = %s\n' "$(fresh_key)" > "$TMP/nohunk.diff"
trun 20 nhigate-secrets --diff - < "$TMP/nohunk.diff"
expect_fail 2 "before the file's first hunk header"

t "truncated pre-receive input: exit 2 (the hook refuses), for every binary"
r=$(new_repo push)
echo a > "$r/a"; commit_all "$r"; echo b > "$r/b"; commit_all "$r"
old=$(git -C "$r" rev-parse HEAD~1); new=$(git -C "$r" rev-parse HEAD)
for b in nhigate-secrets nhigate-pipeline nhigate-gate; do
	printf '%s %s' "$old" "${new:0:20}" > "$TMP/push.in"
	trun 20 $b --repo "$r" --pre-receive < "$TMP/push.in"
	expect_fail 2 "<pre-receive>:1"
done
printf '%s %s refs/heads/main\n%s' "$old" "$new" "${old:0:7}" > "$TMP/push2.in"
trun 20 nhigate-gate --repo "$r" --pre-receive --format json < "$TMP/push2.in"
expect_rc 2
expect_jq '.decision' '"error"'

t "SARIF with 10^5+1 results: refused with a reason (exit 3), never a partial verdict"
python3 - "$TMP/big.sarif" <<'EOF'
import sys
n = 100001
with open(sys.argv[1], 'w') as f:
    f.write('{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[')
    f.write(','.join('{"ruleId":"R1","message":{"text":"m"}}' for _ in range(n)))
    f.write(']}]}')
EOF
trun 120 nhigate-gate --findings "$TMP/big.sarif" --format json
expect_fail 3 "more than 100000 results"
expect_jq '.decision' '"error"'
rm -f "$TMP/big.sarif"

finish
