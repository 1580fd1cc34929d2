#!/usr/bin/env bash
# nhigate-pipeline on truncated and mangled pipeline files: the exit code is
# 0, 1 or 2 only (never a crash, a signal or a hang), an error is one line of
# stderr naming the file, and JSON output stays valid.  The exhaustive cases
# are in tests/test_yaml_mangled.c; this drives a sample through the binary.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GH="$ROOT/fixtures/pipeline/github"
GL="$ROOT/fixtures/pipeline/gitlab"

# check_file PLATFORM FILE: run text and JSON output, assert the contract.
check_file() {
	local platform=$1 f=$2 lines
	t "mangled $platform: ${f##*/}"
	run timeout 20 nhigate-pipeline --platform "$platform" "$f"
	case "$rc" in
	0 | 1) ok ;;
	2)
		lines=$(printf '%s\n' "$err" | wc -l)
		[ "$lines" -eq 1 ] && ok || bad "error on $lines lines: $(printf %s "$err" | head -c 600)"
		expect_in "$err" "nhigate-pipeline: $f"
		;;
	*) bad "exit $rc (124: timeout, >128: signal); stderr: $(printf %s "$err" | head -c 600)" ;;
	esac
	run timeout 20 nhigate-pipeline --format json --platform "$platform" "$f"
	case "$rc" in
	0 | 1) printf '%s' "$out" | jq -e '.findings | type == "array"' >/dev/null && ok ||
		bad "invalid JSON: $(printf %s "$out" | head -c 300)" ;;
	2) ok ;;
	*) bad "json: exit $rc; stderr: $(printf %s "$err" | head -c 600)" ;;
	esac
}

n=0
mangle() { # NAME: the next file name under $TMP/m
	n=$((n + 1))
	mkdir -p "$TMP/m"
	printf '%s/m/%03d-%s.yml' "$TMP" "$n" "$1"
}

for src in "$GH/vulnerable.yml" "$GH/lifetime.yml" "$GL/vulnerable/.gitlab-ci.yml"; do
	case "$src" in */gitlab/*) p=gitlab ;; *) p=github ;; esac
	size=$(wc -c < "$src")
	# truncations at eight points, the last one byte short of the end
	for k in 1 2 3 4 5 6 7; do
		f=$(mangle trunc); head -c $((size * k / 8)) "$src" > "$f"; check_file "$p" "$f"
	done
	f=$(mangle trunc); head -c $((size - 1)) "$src" > "$f"; check_file "$p" "$f"
	# line-level mangling
	f=$(mangle dedent); sed 's/^  //' "$src" > "$f"; check_file "$p" "$f"
	f=$(mangle indent); sed '3,$s/^/ /' "$src" > "$f"; check_file "$p" "$f"
	f=$(mangle tabs); sed 's/^  /\t/' "$src" > "$f"; check_file "$p" "$f"
	f=$(mangle crlf); sed 's/$/\r/' "$src" > "$f"; check_file "$p" "$f"
	f=$(mangle colons); sed 's/: /:/' "$src" > "$f"; check_file "$p" "$f"
	f=$(mangle brackets); sed 's/\[/[[/; s/{/{{/' "$src" > "$f"; check_file "$p" "$f"
	f=$(mangle dup); sed 'p' "$src" > "$f"; check_file "$p" "$f"
	f=$(mangle anchors); sed 's/^\([a-z_-]*\):$/\1: \&a/' "$src" > "$f"; check_file "$p" "$f"
	f=$(mangle aliases); { cat "$src"; printf 'extra: *a\n'; } > "$f"; check_file "$p" "$f"
	f=$(mangle nul); { head -c $((size / 2)) "$src"; printf '\0'; tail -c +$((size / 2)) "$src"; } > "$f"
	check_file "$p" "$f"
	f=$(mangle badutf8); { head -c $((size / 3)) "$src"; printf '\xff\xfe'; tail -c +$((size / 3)) "$src"; } > "$f"
	check_file "$p" "$f"
	f=$(mangle bom); { printf '\xef\xbb\xbf'; cat "$src"; } > "$f"; check_file "$p" "$f"
	f=$(mangle longline); { cat "$src"; printf 'k: '; head -c 300000 /dev/zero | tr '\0' x; printf '\n'; } > "$f"
	check_file "$p" "$f"
done

for text in '' '# only a comment' '---' '---\n---\n...' '[[[[[[[[[[' '{a: {b: {c: ' \
	'a: &a [*a]' 'a: *undefined' '%%YAML 9.9\n---\na: 1' '"unterminated' "'x\n" '- - - -' \
	'? [a]\n: b' 'on: push\njobs: 3' 'job: {script: !reference [a, b]}' ; do
	f=$(mangle text); printf -- "$text" > "$f"
	check_file github "$f"
	check_file gitlab "$f"
done

t "invalid UTF-8 is an input error (exit 2)"
f=$(mangle utf8); printf 'on: push\njobs:\n  a\xff: {}\n' > "$f"
run nhigate-pipeline --platform github "$f"
expect_rc 2; expect_in "$err" "not valid UTF-8"

finish
