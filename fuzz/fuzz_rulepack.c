/*
 * Rule packs (nhg_rulepack_load): the input is written to a rule file and
 * loaded as a pack.  A pack that loads is compiled into a scanner, each of
 * its examples is run as `nhigate-rules test` does, and the input itself is
 * scanned with it, so fuzzed patterns, allow lists and validators run too.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "nhigate/rules.h"
#include "nhigate/scan.h"

static int on_match(const nhg_unit *u, const nhg_match *m, void *payload)
{
	(void)payload;
	fuzz_require(m->rule != NULL, "a match names its rule");
	fuzz_require(m->line >= 1 && m->column >= 1 && m->end_column + 1 >= m->column,
		     "match position");
	fuzz_require(m->secret >= u->data && m->secret + m->secret_len <= u->data + u->len,
		     "the secret lies in the unit");
	return 0;
}

static void examples(nhg_scanner *s, const nhg_rule *r, const nhg_strlist *ex)
{
	for (size_t i = 0; i < ex->n; i++) {
		nhg_error err = NHG_ERROR_INIT;
		bool found = false;
		int rc = nhg_scanner_test_rule(s, r, ex->v[i], strlen(ex->v[i]), &found, &err);
		fuzz_check_rc(rc, &err, "nhg_scanner_test_rule");
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_tmpdir();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write_file("pack.yaml", data, size);
	nhg_rulepack *pack = NULL;
	nhg_scanner *s = NULL;
	nhg_error err = NHG_ERROR_INIT;
	nhg_scan_cb cb = { on_match, fuzz_on_limit, NULL };
	nhg_unit u;
	int rc;

	fuzz_require(path != NULL, "temporary rule file written");
	rc = nhg_rulepack_load(&pack, &path, 1, &err);
	fuzz_check_rc(rc, &err, "nhg_rulepack_load");
	if (rc)
		return 0;
	fuzz_require(strlen(nhg_rulepack_sha256(pack)) == 64, "pack sha256");
	for (size_t i = 0; i < nhg_rulepack_count(pack); i++) {
		const nhg_rule *r = nhg_rulepack_rule(pack, i);
		fuzz_require(r && r->id && nhg_rulepack_find(pack, r->id) == r, "rule ids unique");
		fuzz_require(nhg_severity_name(r->severity) != NULL, "rule severity");
	}
	rc = nhg_scanner_new(&s, pack, NULL, &err);
	fuzz_check_rc(rc, &err, "nhg_scanner_new");
	if (!rc) {
		for (size_t i = 0; i < nhg_rulepack_count(pack); i++) {
			const nhg_rule *r = nhg_rulepack_rule(pack, i);
			examples(s, r, &r->match);
			examples(s, r, &r->nomatch);
		}
		memset(&u, 0, sizeof(u));
		u.path = "pack.yaml";
		u.data = (const char *)data;
		u.len = size;
		rc = nhg_scanner_scan(s, &u, &cb, &err);
		fuzz_check_rc(rc, &err, "nhg_scanner_scan");
	}
	nhg_scanner_free(s);
	nhg_rulepack_free(pack);
	return 0;
}
