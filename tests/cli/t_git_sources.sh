#!/usr/bin/env bash
# nhigate-secrets over real repositories built at test time: the git modes
# (--range, --commit, --staged, --all), --diff, and the edge cases of content
# (binary, huge lines, CRLF, invalid UTF-8, odd file names, size limits,
# submodules, shallow clones).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# An AWS access key id that no allow-list matches: AKIA + 16 of [A-Z2-7].
sec() { run nhigate-secrets --format json "$@"; }
rev() { git -C "$1" rev-parse "$2"; }

# --- a linear history: added, modified, renamed, deleted files ------------
t linear
r=$(new_repo linear)
printf 'one\ntwo\n' >"$r/a.txt"
k0=$(akid)
# old.txt already holds a key: renaming it with a small change must not
# report that key again (rename detection), only the line the change adds.
seq 1 20 | sed "s/^/line /; 5s/\$/ $k0/" >"$r/old.txt"
printf 'bye\n' >"$r/gone.txt"
commit_all "$r" base
c1=$(rev "$r" HEAD)
k1=$(akid) k2=$(akid) k3=$(akid)
printf 'x = 1\nkey = "%s"\n' "$k1" >"$r/new.txt"
commit_all "$r" added
c2=$(rev "$r" HEAD)
printf 'one\naws_access_key_id = %s\ntwo\n' "$k2" >"$r/a.txt"
commit_all "$r" modified
c3=$(rev "$r" HEAD)
git -C "$r" mv old.txt renamed.txt
printf 'id: %s\n' "$k3" >>"$r/renamed.txt"
commit_all "$r" renamed
c4=$(rev "$r" HEAD)
git -C "$r" rm -q gone.txt new.txt
commit_all "$r" deleted
git -C "$r" mv renamed.txt moved.txt
commit_all "$r" "pure rename"

cd "$r" || exit 1
sec --range "$c1..HEAD"
expect_rc 1
expect_jq '.scanned.commits' 5
expect_jq '[.findings[] | "\(.path):\(.line):\(.column) \(.commit)"] | sort' \
	"$(printf '%s\n' "a.txt:2:21 $c3" "new.txt:2:8 $c2" "renamed.txt:21:5 $c4" | jq -Rcs 'split("\n")[:-1]')"
expect_jq '[.findings[].rule] | unique' '["aws-access-key-id"]'
expect_jq '.findings[0].author' '"Test Author <author@example.org>"'
expect_jq '.findings[0].date' '"2026-01-02T03:04:05+00:00"'
expect_jq '.skipped' '[]'

t commit
sec --commit "$c3"
expect_rc 1
expect_jq '[.findings[] | "\(.path):\(.line) \(.commit)"]' "[\"a.txt:2 $c3\"]"
expect_jq '.scanned.commits' 1

t "range with three dots and an empty side"
sec --range "$c3..."
expect_rc 1
expect_jq '[.findings[].path]' '["renamed.txt"]'

t "no findings in the last two commits (delete, pure rename)"
sec --range HEAD~2..HEAD
expect_rc 0
expect_jq '.findings' '[]'

t "bare revision is a usage error"
sec --range HEAD
expect_rc 2
expect_in "$err" "--commit"

t "unknown ref"
sec --range nope..HEAD
expect_rc 2
expect_in "$err" "unknown revision 'nope'"
sec --commit does-not-exist
expect_rc 2
expect_in "$err" "unknown revision 'does-not-exist'"

# --- merges: first parent only -----------------------------------------
t merge
r=$(new_repo merge)
printf 'base\n' >"$r/base.txt"
commit_all "$r" base
m1=$(rev "$r" HEAD)
git -C "$r" checkout -q -b side
k4=$(akid) k5=$(akid)
printf 'token %s\n' "$k4" >"$r/side.txt"
commit_all "$r" "side adds a file"
s1=$(rev "$r" HEAD)
printf 'base\nid %s\n' "$k5" >"$r/base.txt"
commit_all "$r" "side modifies a file"
s2=$(rev "$r" HEAD)
git -C "$r" checkout -q main
printf 'main\n' >"$r/main.txt"
commit_all "$r" "main moves on"
git -C "$r" merge -q --no-ff -m merge side
cd "$r" || exit 1
sec --range "$m1..main"
expect_rc 1
expect_jq '.scanned.commits' 4
expect_jq '[.findings[] | "\(.path):\(.line) \(.commit)"] | sort' \
	"$(printf '%s\n' "base.txt:2 $s2" "side.txt:1 $s1" | jq -Rcs 'split("\n")[:-1]')"
t "merge alone: what it brings against its first parent"
sec --commit main
expect_rc 1
expect_jq '.scanned.commits' 1
expect_jq '[.findings[].commit] | unique' "[\"$(rev "$r" main)\"]"

# --- content edge cases --------------------------------------------------
t content
r=$(new_repo content)
printf 'readme\n' >"$r/README"
commit_all "$r" base
e0=$(rev "$r" HEAD)
kb=$(akid) kl=$(akid) kc=$(akid) ku=$(akid) kn=$(akid)
printf 'PK\0\1\2 %s \0\n' "$kb" >"$r/blob.bin"
{ head -c 1000000 /dev/zero | tr '\0' 'a'; printf ' %s tail\n' "$kl"; } >"$r/long.txt"
printf 'first\r\nkey=%s\r\nlast\r\n' "$kc" >"$r/crlf.txt"
printf '\xff\xfe %s \xc3\x28\x80\n' "$ku" >"$r/bytes.txt"
mkdir -p "$r/dir x"
printf 'k: %s\n' "$kn" >"$r/dir x/caf"$'\xc3\xa9'" key.txt"
commit_all "$r" "edge cases"
e1=$(rev "$r" HEAD)
cd "$r" || exit 1
sec --no-redact --commit HEAD
expect_rc 1
expect_jq '.scanned.binary' 1
expect_jq '.scanned.files' 4
expect_jq '[.findings[] | "\(.path):\(.line):\(.column)-\(.end_column)"] | sort' \
	"$(printf '%s\n' "bytes.txt:1:4-23" "crlf.txt:2:5-24" "dir x/café key.txt:1:4-23" \
		"long.txt:1:1000002-1000021" | jq -Rcs 'split("\n")[:-1]')"
expect_not_in "$out" "$kb"
sec --commit HEAD
expect_jq '[.findings[] | select(.path == "crlf.txt") | .redacted]' '["AKIA…(20)"]'

t "secret added then removed"
k6=$(akid)
printf 'tmp %s\n' "$k6" >"$r/tmp.txt"
commit_all "$r" "oops"
e2=$(rev "$r" HEAD)
git -C "$r" rm -q tmp.txt
commit_all "$r" "remove it"
sec --range "$e1..HEAD"
expect_rc 1
expect_jq '[.findings[] | "\(.path):\(.line) \(.commit)"]' "[\"tmp.txt:1 $e2\"]"

t "file over the size limit"
head -c 200 /dev/zero | tr '\0' 'b' >"$r/big.txt"
commit_all "$r" big
sec --commit HEAD --max-file-size 100
expect_rc 3
expect_jq '.findings' '[]'
expect_jq '[.skipped[] | "\(.path) \(.reason)"]' '["big.txt too large (200 bytes > 100)"]'
expect_jq '.skipped[0].commit' "\"$(rev "$r" HEAD)\""

t "all refs, each commit once"
git -C "$r" branch -q old "$e0"
sec --all
expect_rc 1
expect_jq '.scanned.commits' 5
expect_jq '[.findings[].path] | sort' '["bytes.txt","crlf.txt","dir x/café key.txt","long.txt","tmp.txt"]'

# --- staged, and unified diffs on stdin -------------------------------------
t staged
k7=$(akid) k8=$(akid)
printf 'readme\nstaged %s\n' "$k7" >"$r/README"
git -C "$r" add README
printf 'readme\nstaged %s\nunstaged %s\n' "$k7" "$k8" >"$r/README"
sec --staged
expect_rc 1
expect_jq '[.findings[] | "\(.path):\(.line) \(.commit)"]' '["README:2 null"]'
expect_jq '.scanned.commits' 0

t "diff on stdin"
out=$(git -C "$r" diff | nhigate-secrets --format json --diff - 2>"$TMP/.stderr"); rc=$?
err=$(cat "$TMP/.stderr")
expect_rc 1
expect_jq '[.findings[] | "\(.path):\(.line)"]' '["README:3"]'
expect_in "$(printf '%s' "$out" | jq -r '.findings[0].redacted')" "AKIA"
git -C "$r" checkout -q -- README
git -C "$r" reset -q

t "staged in a repository without commits"
r=$(new_repo unborn)
printf 'x %s\n' "$(akid)" >"$r/first.txt"
git -C "$r" add first.txt
cd "$r" || exit 1
sec --staged
expect_rc 1
expect_jq '[.findings[] | "\(.path):\(.line)"]' '["first.txt:1"]'

# --- submodules and shallow clones -----------------------------------------
t submodule
s=$(new_repo subsrc)
printf 'sub\n' >"$s/s.txt"
commit_all "$s" sub
r=$(new_repo super)
printf 'top\n' >"$r/top.txt"
commit_all "$r" top
git -C "$r" -c protocol.file.allow=always submodule --quiet add "$s" vendored >/dev/null 2>&1
commit_all "$r" "add submodule"
cd "$r" || exit 1
sec --commit HEAD
expect_rc 3
expect_jq '[.skipped[] | "\(.path) \(.reason)"]' '["vendored submodule"]'
expect_jq '.findings' '[]'

t shallow
src=$TMP/linear
git clone -q --depth 2 "file://$src" "$TMP/shallow" 2>/dev/null
cd "$TMP/shallow" || exit 1
sec --range HEAD~1..HEAD
expect_rc 0
expect_jq '.scanned.commits' 1
sec --range "$c1..HEAD"
expect_rc 2
expect_in "$err" "shallow"
expect_in "$err" "fetch-depth: 0"
# The boundary commit has no parent here: like git log -p, all of it is new.
sec --all
expect_rc 1
expect_jq '.scanned.commits' 2
expect_jq '[.findings[] | "\(.path) \(.commit)"] | sort' \
	"[\"a.txt $(rev "$TMP/shallow" HEAD~1)\",\"renamed.txt $(rev "$TMP/shallow" HEAD~1)\",\"renamed.txt $(rev "$TMP/shallow" HEAD~1)\"]"

finish
