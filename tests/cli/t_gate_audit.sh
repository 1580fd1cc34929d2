#!/usr/bin/env bash
# nhigate-gate verify-log and audit over decision logs written here: the
# records are chained with python3's hashlib, independently of nhigate, so
# these tests also pin the log format (prev = sha256 of the previous line).
source "$(dirname "$0")/lib.sh"

LOG=$TMP/decisions.log
# chain FILE < records: prefix each record (one JSON object a line) with prev
chain() {
	python3 -c '
import hashlib, sys
prev = "0" * 64
with open(sys.argv[1], "wb") as out:
    for rec in sys.stdin.buffer.read().splitlines():
        if not rec.strip():
            continue
        line = b"{\"prev\":\"" + prev.encode() + b"\"," + rec.strip()[1:]
        prev = hashlib.sha256(line).hexdigest()
        out.write(line + b"\n")
print(prev)' "$1"
}
sha_line() { sed -n "${2}p" "$1" | tr -d '\n' | sha256sum | cut -d' ' -f1; }

S='"schema":"nhigate.decision/v1"'
SUBJ='"subject":{"repository":"acme/app","ref":"refs/heads/main","base":"a1","head":"b2","actor":"dev1"}'
OK='"controls":{"OWASP-NHI:NHI1":"pass","OWASP-NHI:NHI2":"pass","NIST-CSF:ID.RA-07":"pass"}'
NOW='"waivers":{"applied":[],"expired":[],"expiring":[],"stale":[]}'
PAT='{"rule":"github-pat","fingerprint":"f1","severity":"high","path":"a.txt","controls":["OWASP-NHI:NHI2","NIST-CSF:PR.AA-01"]}'
AWS='{"rule":"aws-access-key","fingerprint":"f2","severity":"critical","path":"b.txt","controls":["OWASP-NHI:NHI2","OWASP-NHI:NHI7"]}'
KEY='{"rule":"private-key","fingerprint":"f3","severity":"high","path":"k.pem","controls":["OWASP-NHI:NHI2"]}'
GHA='{"rule":"GHA-001","fingerprint":"f4","severity":"high","path":".github/workflows/ci.yml","controls":["OWASP-NHI:NHI5","NIST-CSF:PR.AA-05"]}'
FAIL2='"controls":{"OWASP-NHI:NHI1":"pass","OWASP-NHI:NHI2":"fail","NIST-CSF:ID.RA-07":"pass"}'
HEAD=$(chain "$LOG" <<EOF
{$S,"decision_id":"d1","timestamp":"2026-02-27T10:00:00Z","decision":"pass","enforce":true,$SUBJ,"blocking":[],"waived":[],$NOW,"breakglass":null,$OK}
{$S,"decision_id":"d2","timestamp":"2026-03-01T09:00:00Z","decision":"pass","enforce":true,$SUBJ,"blocking":[],"waived":[],$NOW,"breakglass":null,$OK}
{$S,"decision_id":"d3","timestamp":"2026-03-02T09:00:00Z","decision":"block","enforce":true,$SUBJ,"counts":{"blocking":{"critical":1,"high":1,"medium":0,"low":0}},"blocking":[$PAT,$AWS],"waived":[],$NOW,"breakglass":null,$FAIL2}
{$S,"decision_id":"d4","timestamp":"2026-03-03T09:00:00Z","decision":"block","enforce":true,$SUBJ,"blocking":[$PAT],"waived":[],$NOW,"breakglass":null,$FAIL2}
{$S,"decision_id":"d5","timestamp":"2026-03-04T09:00:00Z","decision":"pass","enforce":true,$SUBJ,"blocking":[],"waived":[{"rule":"github-pat","fingerprint":"f1","severity":"high","path":"a.txt","waiver":"W-1","controls":["OWASP-NHI:NHI2"]}],"waivers":{"applied":["W-1"],"expired":[],"expiring":["W-1"],"stale":[]},"breakglass":null,$OK}
{$S,"decision_id":"d6","timestamp":"2026-03-05T09:00:00Z","decision":"block","enforce":true,$SUBJ,"blocking":[$GHA],"waived":[],"waivers":{"applied":[],"expired":["W-0"],"expiring":[],"stale":[]},"breakglass":null,"controls":{"OWASP-NHI:NHI5":"fail","NIST-CSF:PR.AA-05":"fail","NIST-CSF:ID.RA-07":"fail"}}
{$S,"decision_id":"d7","timestamp":"2026-03-06T09:00:00Z","decision":"breakglass","enforce":true,$SUBJ,"blocking":[$KEY],"waived":[],$NOW,"breakglass":{"actor":"alice","reason":"INC-42 hotfix","accepted":true,"refused":null,"source":"NHIGATE_BREAKGLASS"},$FAIL2}
{$S,"decision_id":"d8","timestamp":"2026-03-07T09:00:00Z","decision":"block","enforce":true,$SUBJ,"blocking":[$PAT],"waived":[],$NOW,"breakglass":{"actor":"mallory","reason":"just because","accepted":false,"refused":"mallory may not break glass","source":"push-option"},$FAIL2}
{$S,"decision_id":"d9","timestamp":"2026-03-08T09:00:00Z","decision":"pass","enforce":true,$SUBJ,"blocking":[],"waived":[],"waivers":{"applied":[],"expired":["W-0"],"expiring":[],"stale":[]},"breakglass":null,$OK}
{$S,"decision_id":"d10","timestamp":"2026-04-02T09:00:00Z","decision":"block","enforce":true,$SUBJ,"blocking":[$PAT],"waived":[],$NOW,"breakglass":null,$FAIL2}
EOF
)

# ---- verify-log ---------------------------------------------------------------
t "verify-log: an intact chain, its head printed"
run nhigate-gate verify-log "$LOG"
expect_rc 0
expect_in "$out" "intact, 10 records"
expect_in "$out" "head $HEAD"

t "verify-log --format json, --anchor passed through"
A4=$(sha_line "$LOG" 4)
run nhigate-gate verify-log "$LOG" --anchor "$A4" --format json
expect_rc 0
expect_jq '[.intact, .records, .head, .anchor.found, .anchor.record]' "[true,10,\"$HEAD\",true,4]"

t "verify-log: a changed record is named"
sed '4s/"decision":"block"/"decision":"pass"/' "$LOG" >"$TMP/altered.log"
run nhigate-gate verify-log "$TMP/altered.log" --format json
expect_rc 1
expect_jq '[.intact, .break.kind, .break.record, .break.line]' '[false,"altered-or-removed",4,5]'
run nhigate-gate verify-log "$TMP/altered.log"
expect_rc 1
expect_in "$out" "record 4 was altered"

t "verify-log: a deleted record is named"
sed '4d' "$LOG" >"$TMP/deleted.log"
run nhigate-gate verify-log "$TMP/deleted.log" --format json
expect_rc 1
expect_jq '[.break.kind, .break.record]' '["altered-or-removed",3]'
expect_in "$(printf %s "$out" | jq -r .break.message)" "removed"

t "verify-log: an inserted record is named"
python3 - "$LOG" "$TMP/inserted.log" <<'EOF'
import hashlib, sys
lines = open(sys.argv[1], "rb").read().splitlines()
prev = hashlib.sha256(lines[3]).hexdigest()   # chained onto record 4, as a forger would
forged = b'{"prev":"' + prev.encode() + b'","schema":"nhigate.decision/v1","decision":"pass"}'
open(sys.argv[2], "wb").write(b"\n".join(lines[:4] + [forged] + lines[4:]) + b"\n")
EOF
run nhigate-gate verify-log "$TMP/inserted.log" --format json
expect_rc 1
expect_jq '[.break.kind, .break.record, .break.count]' '["inserted",5,1]'

t "verify-log: a log cut short is caught only against an anchor"
head -n 8 "$LOG" >"$TMP/truncated.log"
run nhigate-gate verify-log "$TMP/truncated.log"
expect_rc 0
run nhigate-gate verify-log "$TMP/truncated.log" --anchor "$HEAD" --format json
expect_rc 1
expect_jq '[.intact, .break.kind, .anchor.found]' '[false,"anchor-missing",false]'

t "verify-log: a torn last line"
cp "$LOG" "$TMP/torn.log"
printf '{"prev":"%s","sch' "$HEAD" >>"$TMP/torn.log"
run nhigate-gate verify-log "$TMP/torn.log" --format json
expect_rc 1
expect_jq '[.break.kind, .break.record]' '["torn",11]'

t "verify-log: usage and unreadable input exit 2"
run nhigate-gate verify-log "$TMP/none.log"
expect_rc 2
run nhigate-gate verify-log "$LOG" --anchor nothex
expect_rc 2
run nhigate-gate verify-log
expect_rc 2
run nhigate-gate verify-log --help
expect_rc 0
expect_in "$out" "--anchor SHA256"

# ---- audit ----------------------------------------------------------------------
t "audit --format json: the period's figures"
run nhigate-gate audit --log "$LOG" --since 2026-03-01 --until 2026-03-31 --format json
expect_rc 0
expect_jq '.schema' '"nhigate.audit/v1"'
expect_jq '[.chain.verified, .chain.records, .chain.head]' "[true,10,\"$HEAD\"]"
expect_jq '[.records.log, .records.in_period, .records.outside_period, .records.unreadable]' '[10,8,2,0]'
expect_jq '[.period.first, .period.last]' '["2026-03-01T09:00:00Z","2026-03-08T09:00:00Z"]'
expect_jq '.decisions' '{"pass":3,"block":4,"error":0,"breakglass":1,"report_only_would_block":0}'
expect_jq '.findings.blocking | [.critical, .high]' '[1,1]'

t "audit: blocks per control and what they blocked"
expect_jq '.controls | length' '17'
expect_jq '.controls[] | select(.id == "OWASP-NHI:NHI2") | [.decisions, .failed, .blocks, .breakglass, .blocked_findings]' '[7,4,3,1,4]'
expect_jq '.controls[] | select(.id == "OWASP-NHI:NHI2") | .blocked_rules' '[{"rule":"github-pat","count":3},{"rule":"aws-access-key","count":1}]'
expect_jq '.controls[] | select(.id == "OWASP-NHI:NHI2") | [.let_through_findings, .let_through_rules[0].rule]' '[1,"private-key"]'
expect_jq '.controls[] | select(.id == "OWASP-NHI:NHI5") | [.blocks, .blocked_rules[0].rule]' '[1,"GHA-001"]'
expect_jq '.controls[] | select(.id == "OWASP-NHI:NHI7") | .blocked_findings' '1'
expect_jq '.blocked_rules[0]' '{"rule":"github-pat","count":3}'

t "audit: break-glass events with actor, reason and what they let through"
expect_jq '.breakglass | [.events, .accepted, .refused]' '[2,1,1]'
expect_jq '.breakglass.list[0] | [.record, .actor, .reason, .accepted, .blocking[0].rule, .blocking[0].path]' '[7,"alice","INC-42 hotfix",true,"private-key","k.pem"]'
expect_jq '.breakglass.list[1] | [.actor, .accepted, .refused]' '["mallory",false,"mallory may not break glass"]'

t "audit: waivers applied, expired and overdue"
expect_jq '.waivers.applied' '[{"repository":"acme/app","id":"W-1","decisions":1,"findings":1}]'
expect_jq '.waivers.expired | map([.id, .decisions, .first, .last, .overdue])' '[["W-0",2,"2026-03-05T09:00:00Z","2026-03-08T09:00:00Z",true]]'
expect_jq '.controls[] | select(.id == "NIST-CSF:ID.RA-07") | [.waived_findings, .failed, .waivers[0].waiver]' '[1,1,"W-1"]'

t "audit: W-0 is not overdue once a later decision no longer lists it"
run nhigate-gate audit --log "$LOG" --since 2026-03-05 --until 2026-03-07 --format json
expect_rc 0
expect_jq '.waivers.expired | map([.id, .decisions, .overdue])' '[["W-0",1,false]]'

t "audit --format md: a document with the evidence"
run nhigate-gate audit --log "$LOG" --since 2026-03-01 --until 2026-03-31
expect_rc 0
expect_in "$out" "# Decision log audit"
expect_in "$out" "| Period | 2026-03-01 to 2026-03-31"
expect_in "$out" "**verified**: 10 records"
expect_in "$out" "| OWASP-NHI:NHI2 | Secret leakage | 7 | 4 | 3 | 1 | 4 | 1 | 1 |"
expect_in "$out" "| 7 | 2026-03-06T09:00:00Z | alice | INC-42 hotfix | acme/app | refs/heads/main | yes | private-key (high) in k.pem"
expect_in "$out" "no: mallory may not break glass"
expect_in "$out" "github-pat (3), aws-access-key (1)"
expect_in "$out" "| **yes** |"

t "audit: a broken chain is reported, and exits 1"
run nhigate-gate audit --log "$TMP/altered.log" --format json
expect_rc 1
expect_jq '[.chain.verified, .chain.break.kind, .chain.break.record]' '[false,"altered-or-removed",4]'
expect_in "$err" "chain is broken"
run nhigate-gate audit --log "$TMP/altered.log"
expect_rc 1
expect_in "$out" "**NOT VERIFIED**"
run nhigate-gate audit --log "$TMP/truncated.log" --anchor "$HEAD" --format json
expect_rc 1
expect_jq '.chain.break.kind' '"anchor-missing"'

t "audit: lines that are not records are counted, not summed"
{ head -n 3 "$LOG"; echo 'not json'; } >"$TMP/junk.log"
run nhigate-gate audit --log "$TMP/junk.log" --format json
expect_rc 1
expect_jq '[.records.unreadable, .records.first_unreadable, .records.in_period, .chain.break.kind]' '[1,4,3,"malformed"]'

t "audit: usage and unreadable input exit 2"
run nhigate-gate audit --format json
expect_rc 2
run nhigate-gate audit --log "$LOG" --since 2026-02-30
expect_rc 2
run nhigate-gate audit --log "$LOG" --since 2026-03-02 --until 2026-03-01
expect_rc 2
run nhigate-gate audit --log "$TMP/none.log"
expect_rc 2
run nhigate-gate audit --log "$LOG" --format xml
expect_rc 2
run nhigate-gate audit --help
expect_rc 0
expect_in "$out" "--since DATE"

finish
