/*
 * Waiver files (nhg_waivers_parse) with the default longest waiver (90
 * days) and with a long one.  Parsed waivers must hold every field the
 * contract requires, valid dates in order, and an approver who is not the
 * owner; the date helpers are exercised on their dates.
 */
#include <string.h>

#include "fuzz.h"
#include "nhigate/gate.h"

static void one(const uint8_t *data, size_t size, unsigned max_days)
{
	nhg_waivers w;
	nhg_error err = NHG_ERROR_INIT;
	int rc;

	memset(&w, 0, sizeof(w));
	rc = nhg_waivers_parse(&w, (const char *)data, size, "waivers.yaml", max_days, &err);
	fuzz_check_rc(rc, &err, "nhg_waivers_parse");
	if (rc == 0) {
		for (size_t i = 0; i < w.n; i++) {
			const nhg_waiver *x = &w.v[i];
			fuzz_require(x->id && x->rule && x->owner && x->approved_by && x->reason &&
					     x->ticket,
				     "a waiver has every field");
			fuzz_require(strcmp(x->owner, x->approved_by) != 0,
				     "a waiver is not approved by its owner");
			fuzz_require(x->fingerprint || x->paths.n, "a waiver has a scope");
			fuzz_require(strlen(x->reason) >= 20, "a waiver says why");
			fuzz_require(nhg_date_ok(x->created) && nhg_date_ok(x->expires),
				     "waiver dates are valid");
			fuzz_require(nhg_date_diff(x->created, x->expires) > 0 &&
					     nhg_date_diff(x->created, x->expires) <= (int32_t)max_days,
				     "a waiver lives at most max_days");
		}
	}
	nhg_waivers_free(&w);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, 90);
	one(data, size, 36500);
	if (size >= 21) {
		/* the date helpers on arbitrary 10-byte strings */
		char a[11], b[11];
		memcpy(a, data, 10);
		memcpy(b, data + 10, 10);
		a[10] = b[10] = '\0';
		(void)nhg_date_ok(a);
		(void)nhg_date_diff(a, b);
	}
	return 0;
}
