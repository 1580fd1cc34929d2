#!/usr/bin/env bash
# Recall of the default rule pack on realistic placements: every credential
# type of SECRET-TYPES.md, planted by fixtures/recall/gen.py in shell, .env,
# YAML, JSON, code, Dockerfile, Kubernetes, CI, curl, URL, XML, INI, Terraform,
# markdown, CRLF ... files, must be found on its line with a span covering the
# value; the near-miss negatives (placeholders, references, wrong lengths, docs
# example keys) must not be.  Cases marked "limit" (a value whose only clue is
# a name on the previous line) are out of reach of a line scanner: not scored.
. "$(dirname "$0")/lib.sh"

GEN="$ROOT/fixtures/recall/gen.py"
R="$TMP/recall"

t "generator writes cases and one file per context"
run python3 "$GEN" "$R"
expect_rc 0
expect_in "$out" " cases"
[ -s "$R/cases.jsonl" ] && ok || bad "no $R/cases.jsonl"

t "scan of the planted files"
# paths in cases.jsonl are relative to $R
out=$(cd "$R" && nhigate-secrets --rules "$ROOT/rules" --format json --quiet files 2>"$TMP/.stderr"); rc=$?
err=$(cat "$TMP/.stderr")
expect_rc 1
expect_jq '.skipped | length' '0'
printf '%s' "$out" > "$TMP/scan.json"

# Join cases with findings: a positive is found when a finding on its path and
# line starts at or before the value and ends at or after it.
out=$(jq -n --slurpfile cases "$R/cases.jsonl" --slurpfile scan "$TMP/scan.json" '
	(reduce $scan[0].findings[] as $f ({}; .["\($f.path):\($f.line)"] += [$f])) as $by
	| [$cases[] | . as $c | ($by["\($c.path):\($c.lineno)"] // []) as $fs
	   | $c + {hit: ([$fs[] | select(.column <= $c.start and .end_column >= $c.end)] | length > 0),
	           any: ($fs | length > 0), rules: [$fs[].rule]}] as $all
	| {positives: ([$all[] | select(.expect == "find")] | length),
	   negatives: ([$all[] | select(.expect == "none")] | length),
	   missed: [$all[] | select(.expect == "find" and (.hit | not))
	            | "\(.kind) in \(.context) (\(.path):\(.lineno)) got \(.rules)"],
	   false_positives: [$all[] | select(.expect == "none" and .any)
	            | "\(.kind) in \(.context) (\(.path):\(.lineno)) by \(.rules): \(.line)"],
	   kinds: ([$all[] | select(.expect == "find") | .kind] | unique | length)}')

t "every planted credential is found at its line and span"
expect_jq '.missed' '[]'
expect_jq '.positives > 3000' 'true'
expect_jq '.kinds >= 80' 'true'

t "no near-miss negative is reported"
expect_jq '.false_positives' '[]'
expect_jq '.negatives > 1000' 'true'

printf '%s' "$out" | jq -r '"recall: \(.positives - (.missed|length))/\(.positives) planted values over \(.kinds) kinds; \(.false_positives|length)/\(.negatives) negatives reported"'
finish
