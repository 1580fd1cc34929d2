#!/usr/bin/env bash
# Every fuzz target's corpus (fuzz/corpus/NAME) replayed through the target
# built without libFuzzer ($BUILD/tests/fuzz_NAME, see fuzz/replay.c): the
# seeds and every input a fuzzer ever crashed on run as ordinary tests, under
# `make san` with ASan and UBSan too.  A crash, a sanitizer report or a
# broken contract (the target aborts) fails the test.
source "$(dirname "$0")/lib.sh"

targets=0
for src in "$ROOT"/fuzz/fuzz_*.c; do
	name=${src##*/fuzz_}
	name=${name%.c}
	[ "$name" = common ] && continue
	targets=$((targets + 1))
	t "fuzz target $name has a corpus and replays it cleanly"
	corpus=$ROOT/fuzz/corpus/$name
	if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
		bad "no corpus in fuzz/corpus/$name"
		continue
	fi
	if [ ! -x "$BIN/tests/fuzz_$name" ]; then
		bad "$BIN/tests/fuzz_$name was not built"
		continue
	fi
	n=$(find "$corpus" -maxdepth 1 -type f | wc -l)
	run "$BIN/tests/fuzz_$name" "$corpus"
	expect_rc 0
	expect_in "$out" "replay: $n inputs"
done

t "every corpus belongs to a fuzz target"
for d in "$ROOT"/fuzz/corpus/*/; do
	d=${d%/}
	[ -f "$ROOT/fuzz/fuzz_${d##*/}.c" ] && ok || bad "fuzz/corpus/${d##*/} has no fuzz/fuzz_${d##*/}.c"
done
[ "$targets" -ge 12 ] && ok || bad "only $targets fuzz targets"

finish
