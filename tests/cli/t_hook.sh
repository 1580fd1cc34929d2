#!/usr/bin/env bash
# The pre-receive hook (integrations/git-hooks/pre-receive) in a real bare
# repository, driven by real `git push`es from a clone: the pushed objects
# are read from git's quarantine, refused pushes leave no ref moved, and
# every decision lands in the decision log.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HOOK=$ROOT/integrations/git-hooks/pre-receive
key1=AKIAQ3EGUVZPSLKLWX7M
key2=AKIAZP7WMXC4NBVD2SEQ
LOG=$TMP/decisions.jsonl
export NHIGATE_DECISION_LOG=$LOG
unset GL_ID GL_PROTOCOL GL_USERNAME GITHUB_USER_LOGIN USER NHIGATE_BREAKGLASS \
	NHIGATE_DEADLINE NHIGATE_GATE NHIGATE_CONFIG 2>/dev/null || true

# A bare repository with the hook installed as a plain copy.
new_server() {
	git init -q --bare -b main "$1" &&
		git -C "$1" config receive.advertisePushOptions true &&
		cp "$HOOK" "$1/hooks/pre-receive"
}
tip() { git -C "$1" rev-parse -q --verify "refs/heads/$2" 2>/dev/null || echo none; }
last_record() { tail -n 1 "$LOG"; }

SRV=$TMP/srv.git
new_server "$SRV"
C=$(new_repo client)
git -C "$C" remote add origin "$SRV"
printf 'policy:\n  breakglass:\n    allowed: [alice]\n' >"$C/.nhigate.yaml"
echo "hello" >"$C/README"
commit_all "$C" base

t "a clean push is accepted"
run git -C "$C" push origin main
expect_rc 0
[ "$(tip "$SRV" main)" = "$(git -C "$C" rev-parse main)" ] && ok || bad "main did not move"
expect_in "$err" "remote: nhigate: pass"
base=$(tip "$SRV" main)

t "a push adding a credential is refused, with the reason and never the secret"
printf 'key = "%s"\n' "$key1" >"$C/app.cfg"
commit_all "$C" "add a key"
dirty=$(git -C "$C" rev-parse HEAD)
run git -C "$C" push origin main
expect_rc 1
expect_in "$err" "remote: error: nhigate: push refused"
expect_in "$err" "aws-access-key-id"
expect_in "$err" "app.cfg:1"
n=$(printf '%s\n' "$err" | grep -c 'app\.cfg:1')
[ "$n" = 1 ] && ok || bad "the finding is told $n times, want once"
expect_in "$err" "pre-receive hook declined"
expect_not_in "$err" "$key1"
[ "$(tip "$SRV" main)" = "$base" ] && ok || bad "main moved to $(tip "$SRV" main)"
git -C "$SRV" cat-file -e "$dirty" 2>/dev/null && bad "the refused commit landed in the repository" || ok
rec=$(last_record)
out=$rec
expect_jq '.decision' '"block"'
expect_jq '.subject.head' "\"$dirty\""
expect_not_in "$rec" "$key1"
git -C "$C" reset -q --hard "$base"

t "several refs at once: the second carries the credential, the whole push is refused"
git -C "$C" checkout -q -b one "$base"
echo one >"$C/one.txt"
commit_all "$C" one
git -C "$C" checkout -q -b two "$base"
printf 'aws_key = "%s"\n' "$key2" >"$C/two.cfg"
commit_all "$C" two
run git -C "$C" push origin one two
expect_rc 1
expect_in "$err" "two.cfg:1"
[ "$(tip "$SRV" one)" = none ] && ok || bad "ref one was created"
[ "$(tip "$SRV" two)" = none ] && ok || bad "ref two was created"
git -C "$C" checkout -q main

t "a new branch is judged on its new commits only"
# history the server already has (written around the hook) holds a key
H=$(new_repo history)
cp "$C/.nhigate.yaml" "$C/README" "$H/"
printf 'old = "%s"\n' "$key2" >"$H/legacy.cfg"
commit_all "$H" "legacy debt"
git -C "$SRV" fetch -q "$H" main:legacy
git -C "$C" fetch -q origin
git -C "$C" checkout -q -b feature origin/legacy
echo feature >"$C/feature.txt"
commit_all "$C" "feature work"
run git -C "$C" push origin feature
expect_rc 0
expect_not_in "$err" "legacy.cfg"
[ "$(tip "$SRV" feature)" = "$(git -C "$C" rev-parse feature)" ] && ok || bad "feature not created"

t "a new branch bringing a credential of its own is refused"
git -C "$C" checkout -q -b feature2 origin/legacy
printf 'k = "%s"\n' "$key1" >"$C/new.cfg"
commit_all "$C" "new key"
run git -C "$C" push origin feature2
expect_rc 1
expect_in "$err" "new.cfg:1"
expect_not_in "$err" "legacy.cfg"
[ "$(tip "$SRV" feature2)" = none ] && ok || bad "feature2 was created"
git -C "$C" checkout -q main

t "deleting a branch is allowed"
run git -C "$C" push origin :feature
expect_rc 0
[ "$(tip "$SRV" feature)" = none ] && ok || bad "feature still there"

t "a tag on a commit with a credential is refused"
git -C "$C" checkout -q --detach "$base"
printf 'k = "%s"\n' "$key1" >"$C/tagged.cfg"
commit_all "$C" "tagged key"
git -C "$C" tag -a -m "release" v1
git -C "$C" checkout -q main
run git -C "$C" push origin v1
expect_rc 1
expect_in "$err" "tagged.cfg:1"
git -C "$SRV" rev-parse -q --verify refs/tags/v1 >/dev/null && bad "tag v1 landed" || ok

t "a clean annotated tag is accepted; a tag of a bare blob is refused, saying why"
git -C "$C" tag -a -m "clean release" v0 "$base"
run git -C "$C" push origin v0
expect_rc 0
git -C "$SRV" rev-parse -q --verify refs/tags/v0 >/dev/null && ok || bad "tag v0 refused"
blob=$(printf 'key = "%s"\n' "$key1" | git -C "$C" hash-object -w --stdin)
git -C "$C" tag blobtag "$blob"
run git -C "$C" push origin blobtag
expect_rc 1
expect_in "$err" "points it at a tree or a blob (or a tag of one)"
git -C "$SRV" rev-parse -q --verify refs/tags/blobtag >/dev/null && bad "blobtag landed" || ok

t "a force push is judged on what it brings"
git -C "$C" checkout -q -b rewrite "$base"
echo a >"$C/a.txt"
commit_all "$C" a
git -C "$C" push -q origin rewrite 2>/dev/null
git -C "$C" reset -q --hard "$base"
printf 'k = "%s"\n' "$key2" >"$C/forced.cfg"
commit_all "$C" forced
run git -C "$C" push -f origin rewrite
expect_rc 1
expect_in "$err" "forced.cfg:1"
git -C "$C" reset -q --hard "$base"
echo b >"$C/b.txt"
commit_all "$C" b
run git -C "$C" push -f origin rewrite
expect_rc 0
[ "$(tip "$SRV" rewrite)" = "$(git -C "$C" rev-parse rewrite)" ] && ok || bad "forced update not applied"
git -C "$C" checkout -q main

t "break-glass by an allowed actor lets the push in, logged with its reason"
git -C "$C" checkout -q -b hotfix "$base"
printf 'key = "%s"\n' "$key1" >"$C/hot.cfg"
commit_all "$C" hotfix
run env GITHUB_USER_LOGIN=alice git -C "$C" push -o nhigate.breakglass=INC-1 origin hotfix
expect_rc 0
[ "$(tip "$SRV" hotfix)" = "$(git -C "$C" rev-parse hotfix)" ] && ok || bad "hotfix refused"
out=$(last_record)
expect_jq '.decision' '"breakglass"'
expect_jq '.breakglass.reason' '"INC-1"'
expect_jq '.breakglass.source' '"push-option"'
expect_jq '.subject.actor' '"alice"'
expect_jq '.blocking | length' '1'

t "break-glass by an actor the policy does not allow is refused"
echo more >>"$C/hot.cfg"
printf 'key2 = "%s"\n' "$key2" >>"$C/hot.cfg"
commit_all "$C" "hotfix 2"
before=$(tip "$SRV" hotfix)
run env GITHUB_USER_LOGIN=mallory git -C "$C" push -o nhigate.breakglass=INC-2 origin hotfix
expect_rc 1
[ "$(tip "$SRV" hotfix)" = "$before" ] && ok || bad "hotfix moved"
out=$(last_record)
expect_jq '.decision' '"block"'
expect_jq '.breakglass.accepted' 'false'
expect_jq '.subject.actor' '"mallory"'

t "break-glass without a reason is refused"
run env GITHUB_USER_LOGIN=alice git -C "$C" push -o nhigate.breakglass= origin hotfix
expect_rc 1
out=$(last_record)
expect_jq '.decision' '"block"'
expect_jq '.breakglass.accepted' 'false'

t "NHIGATE_BREAKGLASS in the server's environment does not break glass"
run env GITHUB_USER_LOGIN=alice NHIGATE_BREAKGLASS=ambient git -C "$C" push origin hotfix
expect_rc 1
out=$(last_record)
expect_jq '.breakglass' 'null'
git -C "$C" checkout -q main

t "out of time: refused by default, said so, and logged"
git -C "$C" checkout -q -b slow "$base"
echo slow >"$C/slow.txt"
commit_all "$C" slow
run env NHIGATE_DEADLINE=0.001 git -C "$C" push origin slow
expect_rc 1
expect_in "$err" "remote: error: the time budget ran out before the scan finished (fail closed: policy on_timeout: block)"
[ "$(tip "$SRV" slow)" = none ] && ok || bad "slow was created"
out=$(last_record)
expect_jq '.decision' '"block"'

t "out of time with the policy's on_timeout: allow: let in, said so, and logged"
printf 'policy: {on_timeout: allow}\n' >"$TMP/allow.yaml"
run env NHIGATE_DEADLINE=0.001 NHIGATE_CONFIG="$TMP/allow.yaml" git -C "$C" push origin slow
expect_rc 0
expect_in "$err" "allowed unscanned by policy on_timeout: allow"
[ "$(tip "$SRV" slow)" != none ] && ok || bad "slow was not created"
out=$(last_record)
expect_jq '.decision' '"pass"'
expect_jq '.counts.skipped' 1

t "a bad setting refuses the push instead of skipping the scan"
run env NHIGATE_DEADLINE=soon git -C "$C" push origin main
expect_rc 0 # nothing new to push: git does not run the hook
git -C "$C" checkout -q -b bad "$base"
echo x >"$C/x.txt"
commit_all "$C" x
run env NHIGATE_DEADLINE=soon git -C "$C" push origin bad
expect_rc 1
expect_in "$err" "NHIGATE_DEADLINE must be a number of seconds"
run env NHIGATE_GATE=/nonexistent/nhigate-gate git -C "$C" push origin bad
expect_rc 1
expect_in "$err" "cannot run /nonexistent/nhigate-gate"
git -C "$C" checkout -q main

t "under GitLab every line the pusher sees starts GL-HOOK-ERR:"
git -C "$C" checkout -q -b gl "$base"
printf 'key = "%s"\n' "$key1" >"$C/gl.cfg"
commit_all "$C" gl
run env GL_ID=user-7 GL_USERNAME=bob GL_PROTOCOL=ssh git -C "$C" push origin gl
expect_rc 1
expect_in "$err" "remote: GL-HOOK-ERR: error: nhigate: push refused"
expect_in "$err" "remote: GL-HOOK-ERR: error: gl.cfg:1: aws-access-key-id"
bare=$(printf '%s\n' "$err" | grep '^remote: ' | grep -v '^remote: GL-HOOK-ERR: ' | grep -v '^remote: *$' || true)
[ -z "$bare" ] && ok || bad "lines without the prefix: $bare"
out=$(last_record)
expect_jq '.subject.actor' '"bob"'
git -C "$C" checkout -q main

t "no control bytes reach the pusher"
git -C "$C" checkout -q -b ctl "$base"
name=$(printf 'esc\033[31mred.cfg')
printf 'key = "%s"\n' "$key1" >"$C/$name"
commit_all "$C" ctl
run git -C "$C" push origin ctl
expect_rc 1
case $err in *$'\033'*) bad "an escape byte reached the pusher" ;; *) ok ;; esac
git -C "$C" checkout -q main

t "1,000 commits in one push: the first one's credential is found"
git -C "$C" checkout -q -b big "$base"
{
	printf 'commit refs/heads/big\ncommitter T <t@example.org> 1700000000 +0000\ndata 3\nc0\nfrom %s\nM 100644 inline big0.cfg\ndata <<EOF\nkey = "%s"\nEOF\n' "$base" "$key1"
	for i in $(seq 1 999); do
		printf 'commit refs/heads/big\ncommitter T <t@example.org> 1700000000 +0000\ndata 4\nc%03d\nM 100644 inline n.txt\ndata <<EOF\n%d\nEOF\n' "$i" "$i"
	done
} | git -C "$C" fast-import --quiet --force
git -C "$C" reset -q --hard big
[ "$(git -C "$C" rev-list --count "$base..big")" = 1000 ] && ok || bad "fixture has $(git -C "$C" rev-list --count "$base..big") commits"
start=$(date +%s%N)
run git -C "$C" push origin big
ms=$((($(date +%s%N) - start) / 1000000))
expect_rc 1
expect_in "$err" "big0.cfg:1"
[ "$ms" -lt 10000 ] && ok || bad "the 1,000-commit push took ${ms} ms"
git -C "$C" checkout -q main

t "quarantine under a path git must quote (':' and '\"' in it)"
Q="$TMP/we:ird \"dir\"/srv.git"
mkdir -p "$(dirname "$Q")"
new_server "$Q"
run git -C "$C" push "$Q" main
expect_rc 0
expect_in "$err" "nhigate: pass"
git -C "$C" checkout -q -b qk "$base"
printf 'key = "%s"\n' "$key1" >"$C/q.cfg"
commit_all "$C" qk
run git -C "$C" push "$Q" qk
expect_rc 1
expect_in "$err" "q.cfg:1"
git -C "$C" checkout -q main

t "object directories from the environment: quoted, escaped, commented, missing"
# the commit lives only in a copy whose path holds ':' and 'é'; an empty
# repository reaches it through the variables git sets for hooks
O="$TMP/objs:é.git"
git clone -q --bare "$C" "$O"
E=$TMP/empty.git
git init -q --bare "$E"
oct=$(printf '%s' "$O/objects" | od -An -tu1 -v | tr -s ' \n' '  ' |
	awk '{ for (i = 1; i <= NF; i++) { c = $i; if (c == 58 || c > 127) printf "\\%03o", c; else printf "%c", c } }')
run env GIT_ALTERNATE_OBJECT_DIRECTORIES="#comment:\"$oct\"" nhigate-gate --repo "$E" --format json --commit "$dirty"
expect_rc 1
expect_jq '[.findings[].path]' '["app.cfg"]'
run env GIT_OBJECT_DIRECTORY="$O/objects" nhigate-gate --repo "$E" --format json --commit "$dirty"
expect_rc 1
expect_jq '[.findings[].path]' '["app.cfg"]'
# broken quoting is read as a plain entry, split at the first colon, as git reads it
run env GIT_ALTERNATE_OBJECT_DIRECTORIES="\"$O/objects" nhigate-gate --repo "$E" --commit "$dirty"
expect_rc 3
expect_in "$err" "GIT_ALTERNATE_OBJECT_DIRECTORIES names \"$TMP/objs, which cannot be opened"
run env GIT_QUARANTINE_PATH="$TMP/nowhere" nhigate-gate --repo "$E" --commit "$dirty"
expect_rc 3
expect_in "$err" "GIT_QUARANTINE_PATH names $TMP/nowhere"
run nhigate-gate --repo "$E" --commit "$dirty"
expect_rc 2

t "GIT_DIR names the repository when no --repo is given, as for git"
run env GIT_DIR="$O" sh -c 'cd / && nhigate-gate --format json --commit "$1"' sh "$dirty"
expect_rc 1
expect_jq '[.findings[].path]' '["app.cfg"]'
run env GIT_DIR="$E" sh -c 'cd "$1" && nhigate-gate --format json --commit "$2"' sh "$O" "$dirty"
expect_rc 2

t "the decision log's chain verifies"
run nhigate-gate verify-log "$LOG"
expect_rc 0
[ "$(wc -l <"$LOG")" -ge 10 ] && ok || bad "only $(wc -l <"$LOG") records"

t "a SHA-256 repository is refused with a clear message"
S=$TMP/s256.git
git init -q --bare --object-format=sha256 -b main "$S"
cp "$HOOK" "$S/hooks/pre-receive"
SC=$TMP/s256-client
git init -q --object-format=sha256 -b main "$SC"
echo x >"$SC/x"
commit_all "$SC" x
run git -C "$SC" push "$S" main
expect_rc 1
expect_in "$err" "SHA-256"
[ "$(tip "$S" main)" = none ] && ok || bad "main was created"

finish
