#!/usr/bin/env bash
# No secret leaks: fresh fake credentials of 20+ types, made at test time in
# the formats of the default pack's examples, are planted in a repository;
# every binary, every report format, the decision log, the audit, the
# GitHub step summary and outputs are then searched for each full secret and
# for every 12-byte piece of its random part (redaction shows at most four
# leading bytes).  --no-redact is the one exception, and must show them.
source "$(dirname "$0")/lib.sh"

work=$TMP/work
outs=$TMP/outs
mkdir -p "$work" "$outs"

# ---- fresh secrets ---------------------------------------------------------
# The first `match:` example of every rule, one per line, as "id<TAB>text".
python3 - "$ROOT/rules/secrets" > "$work/examples.tsv" <<'EOF'
import glob, os, re, sys
def unquote(v):
    v = v.strip()
    if v.startswith("'") and v.endswith("'") and len(v) >= 2:
        return v[1:-1].replace("''", "'")
    if v.startswith('"') and v.endswith('"') and len(v) >= 2:
        return bytes(v[1:-1], 'utf-8').decode('unicode_escape')
    return v
for f in sorted(glob.glob(os.path.join(sys.argv[1], '*.yaml'))):
    rid, state = None, None
    for line in open(f, encoding='utf-8'):
        m = re.match(r'^  - id:\s*(\S+)', line)
        if m:
            rid, state = m.group(1), None
            continue
        s = line.strip()
        if s == 'examples:':
            state = 'ex'
        elif state == 'ex' and s == 'match:':
            state = 'match'
        elif state == 'ex' and s.startswith('match: ['):
            m = re.match(r"match: \[\s*('(?:[^']|'')*'|\"[^\"]*\")", s)
            if m and rid:
                print(rid + '\t' + unquote(m.group(1)))
            state = None
        elif state == 'match' and s.startswith('- '):
            v = unquote(s[2:])
            if rid and '\n' not in v and '\t' not in v:
                print(rid + '\t' + v)
            state = None
EOF
# What the engine takes as the secret of each example.
cut -f2 "$work/examples.tsv" > "$work/examples.txt"
nhigate-secrets --no-redact --format json "$work/examples.txt" > "$work/examples.json"
# A fresh value for each: the tail (from 40% of its length) re-drawn byte by
# byte in the same class (digit, upper, lower), prefixes kept; kept only when
# the engine still finds exactly it with the same rule.
python3 - "$work" <<'EOF'
import json, random, sys
work = sys.argv[1]
rnd = random.SystemRandom()
lines = [l.rstrip('\n').split('\t', 1) for l in open(work + '/examples.tsv', encoding='utf-8')]
found = json.load(open(work + '/examples.json'))['findings']
seen, out = set(), []
for f in found:
    rid, line = lines[f['line'] - 1]
    s = f['secret'] if 'secret' in f else None
    if f['rule'] != rid or not s or rid in seen or len(s) < 16:
        continue
    start = max(4, (len(s) * 2) // 5)
    new = list(s)
    for i in range(start, len(s)):
        c = s[i]
        if c.isdigit(): new[i] = rnd.choice('0123456789')
        elif c.isupper() and c.isascii(): new[i] = rnd.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ')
        elif c.islower() and c.isascii(): new[i] = rnd.choice('abcdefghijklmnopqrstuvwxyz')
    new = ''.join(new)
    if new == s:
        continue
    seen.add(rid)
    out.append((rid, line.replace(s, new), new, start))
with open(work + '/fresh.tsv', 'w') as o:
    for rid, line, new, start in out:
        o.write('%s\t%d\t%s\t%s\n' % (rid, start, new, line))
EOF
cut -f4 "$work/fresh.tsv" > "$work/fresh.txt"
nhigate-secrets --no-redact --format json "$work/fresh.txt" > "$work/fresh.json"
# keep a fresh secret when the engine finds it, with its rule, on its line
python3 - "$work" > "$work/planted.tsv" <<'EOF'
import json, sys
work = sys.argv[1]
rows = [l.rstrip('\n').split('\t', 3) for l in open(work + '/fresh.tsv', encoding='utf-8')]
got = {(f['line'], f['rule'], f.get('secret')) for f in json.load(open(work + '/fresh.json'))['findings']}
for i, (rid, start, new, line) in enumerate(rows, 1):
    if (i, rid, new) in got:
        print('\t'.join((rid, start, new, line)))
EOF
nplanted=$(wc -l < "$work/planted.tsv")
t "at least 20 credential types planted, each found by its rule"
[ "$nplanted" -ge 20 ] && ok || bad "only $nplanted fresh secrets survive"

# ---- the repository --------------------------------------------------------
r=$(new_repo leaky)
printf 'policy:\n  breakglass:\n    allowed: ["*"]\n' > "$r/.nhigate.yaml"
echo base > "$r/README"
mkdir -p "$r/.github/workflows"
printf 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: echo}]\n' \
	> "$r/.github/workflows/ci.yml"
commit_all "$r" base
git -C "$r" checkout -q -b change
i=0
while IFS=$'\t' read -r rid start secret line; do
	i=$((i + 1))
	case $((i % 4)) in
	0) printf '%s\n' "$line" > "$r/config-$i.env" ;;
	1) printf 'x = 1\n%s\n' "$line" > "$r/app-$i.py" ;;
	2) printf '# notes\n\n%s\n' "$line" > "$r/notes-$i.md" ;;
	3) printf 'settings:\n  value: |\n    %s\n' "$line" > "$r/deploy-$i.yaml" ;;
	esac
done < "$work/planted.tsv"
# one in a workflow too (SECRET-001), one in a .gitlab-ci.yml variable
first=$(head -1 "$work/planted.tsv" | cut -f3)
second=$(sed -n 2p "$work/planted.tsv" | cut -f3)
printf 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env:\n      TOKEN: "%s"\n    steps: [{run: echo}]\n' \
	"$first" > "$r/.github/workflows/ci.yml"
printf 'deploy:\n  variables:\n    API_TOKEN: "%s"\n  script: [echo]\n' "$second" > "$r/.gitlab-ci.yml"
commit_all "$r" "add credentials"

# ---- every command, every format ---------------------------------------------
n=0
keep() { # name: save $out and $err of the last run
	n=$((n + 1))
	printf '%s' "$out" > "$outs/$n-$1.out"
	printf '%s' "$err" > "$outs/$n-$1.err"
}
formats="json sarif gitlab-secret-detection gitlab-sast gitlab-codequality junit github text"
reports=()
for f in $formats; do reports+=(--report "$f=$outs/gate-range.$f"); done
export GITHUB_STEP_SUMMARY=$outs/step-summary.md GITHUB_OUTPUT=$outs/github-output.txt

t "nhigate-gate: every report format, the decision log, the summary and outputs"
for fmt in $formats; do
	run nhigate-gate --repo "$r" --range main..change --format "$fmt" --decision-log "$outs/decisions.log" \
		--actor tester
	expect_rc 1
	keep "gate-$fmt"
done
run nhigate-gate --repo "$r" --range main..change "${reports[@]}" --decision-log "$outs/decisions.log"
expect_rc 1
keep gate-reports
run env NHIGATE_BREAKGLASS="INC-42 outage" nhigate-gate --repo "$r" --range main..change \
	--actor release-bot --format json --decision-log "$outs/decisions.log"
expect_rc 0
expect_jq .decision '"breakglass"'
keep gate-breakglass
run nhigate-gate --repo "$r" --commit change --format github --decision-log "$outs/decisions.log"
keep gate-commit
run nhigate-gate "$r" --format json
expect_rc 1
keep gate-paths
for sub in "verify-log $outs/decisions.log" "audit --log $outs/decisions.log" \
	"audit --log $outs/decisions.log --format json" "debt --repo $r --format json"; do
	# shellcheck disable=SC2086
	run nhigate-gate $sub
	keep "gate-${sub%% *}"
done
[ -s "$outs/step-summary.md" ] && ok || bad "no step summary written"
[ "$(wc -l < "$outs/decisions.log")" -ge 10 ] && ok || bad "decision log too short"

t "nhigate-gate reading a --no-redact JSON of another run keeps no secret"
nhigate-secrets --no-redact --format json "$r" > "$work/noredact.json"
reports=()
for f in $formats; do reports+=(--report "$f=$outs/gate-import.$f"); done
run nhigate-gate --findings "$work/noredact.json" --format json "${reports[@]}" \
	--decision-log "$outs/decisions.log"
expect_rc 1
keep gate-import

t "nhigate-secrets and nhigate-pipeline, text and json, paths and git modes"
for fmt in text json; do
	for src in "$r" "--repo $r --range main..change" "--repo $r --commit change" "--repo $r --all"; do
		# shellcheck disable=SC2086
		run nhigate-secrets --format "$fmt" $src
		expect_rc 1
		keep "secrets-$fmt"
		# shellcheck disable=SC2086
		run nhigate-pipeline --format "$fmt" $src
		keep "pipeline-$fmt"
	done
done
git -C "$r" diff main change > "$work/change.diff"
run nhigate-secrets --diff "$work/change.diff" --format json --write-baseline "$outs/baseline.json"
expect_rc 1
keep secrets-diff
run nhigate-pipeline --format json --repo "$r" --range main..change
expect_jq '[.findings[] | select(.check == "SECRET-001")] | length >= 1' true
keep pipeline-secret
run nhigate-secrets --output "$outs/secrets-output.json" --format json "$r"
keep secrets-output

# ---- the search ----------------------------------------------------------------
t "no output holds a planted secret, in full or any 12-byte piece of its random part"
[ "$(ls "$outs" | wc -l)" -ge 60 ] && ok || bad "only $(ls "$outs" | wc -l) outputs"
leaks=0
while IFS=$'\t' read -r rid start secret line; do
	if grep -rqF -- "$secret" "$outs"; then
		bad "$rid: the whole secret is in $(grep -rlF -- "$secret" "$outs" | head -3 | tr '\n' ' ')"
		leaks=$((leaks + 1))
		continue
	fi
	tail=${secret:$start}
	for ((k = 0; k + 12 <= ${#tail}; k++)); do
		piece=${tail:$k:12}
		if grep -rqF -- "$piece" "$outs"; then
			bad "$rid: '${piece:0:4}…' (12 bytes of it) is in $(grep -rlF -- "$piece" "$outs" | head -3 | tr '\n' ' ')"
			leaks=$((leaks + 1))
			break
		fi
	done
done < "$work/planted.tsv"
[ "$leaks" -eq 0 ] && ok

t "--no-redact shows every planted secret (the one exception)"
run nhigate-secrets --no-redact --format json "$r"
expect_rc 1
missing=0
while IFS=$'\t' read -r rid start secret line; do
	case "$out" in *"$secret"*) ;; *) missing=$((missing + 1)); bad "--no-redact does not show $rid" ;; esac
done < "$work/planted.tsv"
[ "$missing" -eq 0 ] && ok
run nhigate-secrets --no-redact "$r"
expect_in "$out" "$first"

finish
