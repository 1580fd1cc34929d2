#!/usr/bin/env bash
# The findings per check over the real pipelines of the shared corpus, held
# against the committed summary: a change that alters what the checks find
# must update fixtures/pipeline/corpus-summary.txt on purpose:
#   NHG_UPDATE_SUMMARY=1 BUILD=build bash tests/cli/t_pipeline_corpus.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

corpus=${NHG_CORPUS:-$ROOT/../shared/corpus}
summary="$ROOT/fixtures/pipeline/corpus-summary.txt"
if [ ! -d "$corpus/gha" ]; then
	echo "SKIPPED: corpus summary: no corpus at $corpus (set NHG_CORPUS)" >&2
	finish
	exit
fi

t "findings per check over the corpus match the committed summary"
now="$TMP/summary.txt"
: > "$now"
for set in gha:github gha-2021:github gitlab:gitlab; do
	dir=${set%%:*} platform=${set#*:}
	[ -d "$corpus/$dir" ] || continue
	run nhigate-pipeline --platform "$platform" --format json --quiet "$corpus/$dir"
	[ "$rc" -le 1 ] && ok || bad "$dir: exit $rc: $(printf %s "$err" | head -c 300)"
	printf '%s' "$out" | jq -r --arg d "$dir" \
		'"\($d) files \(.scanned.files) skipped \(.skipped | length)", (.findings | group_by(.check)[] | "\($d) \(.[0].check) \(length)")' >> "$now"
done
if [ "${NHG_UPDATE_SUMMARY:-}" = 1 ]; then
	cp "$now" "$summary"
	echo "wrote $summary"
fi
if diff -u "$summary" "$now" >&2; then ok; else bad "corpus findings changed (diff above)"; fi

finish
