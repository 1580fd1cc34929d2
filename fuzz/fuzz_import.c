/*
 * Findings made elsewhere (nhg_verdict_import): nhigate JSON and SARIF
 * 2.1.0.  A bad input must add nothing to the verdict; a good one is
 * decided under the default policy and rendered in every report format
 * (fuzz_render_verdict checks the outputs).
 */
#include <string.h>

#include "fuzz.h"
#include "nhigate/gate.h"
#include "nhigate/text.h"

static int valid(const char *s)
{
	return !s || nhg_text_is_utf8(s, strlen(s));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nhg_verdict v;
	nhg_policy p;
	nhg_error err = NHG_ERROR_INIT;
	int rc;

	fuzz_require(nhg_verdict_init(&v) == 0, "nhg_verdict_init");
	nhg_policy_init(&p);
	rc = nhg_verdict_import(&v, (const char *)data, size, "findings.json", &err);
	fuzz_check_rc(rc, &err, "nhg_verdict_import");
	if (rc) {
		fuzz_require(v.nfindings == 0 && v.nskipped == 0, "a bad input adds nothing");
	} else {
		for (size_t i = 0; i < v.nfindings; i++) {
			const nhg_gfinding *f = &v.findings[i];
			fuzz_require(f->rule && *f->rule, "an imported finding has a rule");
			fuzz_require(valid(f->rule) && valid(f->path) && valid(f->message) &&
					     valid(f->title) && valid(f->tool),
				     "imported strings are UTF-8");
			fuzz_require(!f->message || !strchr(f->message, '\n'),
				     "an imported message is one line");
		}
		rc = nhg_verdict_decide(&v, &p, NULL);
		fuzz_require(rc == 0 || rc == NHG_ENOMEM, "nhg_verdict_decide");
		if (rc == 0)
			fuzz_render_verdict(&v);
	}
	nhg_verdict_free(&v);
	nhg_policy_free(&p);
	return 0;
}
