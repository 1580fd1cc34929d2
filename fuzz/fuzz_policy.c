/*
 * The gate's policy (nhg_policy_load) over any YAML node: the document's
 * root as the policy: mapping, and its extends: key as the top-level one.
 * A loaded policy answers severity look-ups for a few rule ids.
 */
#include <string.h>

#include "fuzz.h"
#include "nhigate/gate.h"
#include "nhigate/yaml.h"

static void one(const nhg_yaml_node *extends, const nhg_yaml_node *node)
{
	static const char *const ids[] = { "aws-access-key-id", "GH-PIN-001", "generic-api-key",
					   "", "*", "[" };
	nhg_policy p;
	nhg_error err = NHG_ERROR_INIT;
	int rc;

	nhg_policy_init(&p);
	rc = nhg_policy_load(&p, extends, node, "policy.yaml", &err);
	fuzz_check_rc(rc, &err, "nhg_policy_load");
	if (rc == 0) {
		for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			nhg_severity s = nhg_policy_severity(&p, ids[i], NHG_SEV_HIGH);
			fuzz_require(s >= NHG_SEV_LOW && s <= NHG_SEV_CRITICAL, "a severity");
		}
	}
	nhg_policy_free(&p);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nhg_yaml_doc *doc = NULL;
	nhg_error err = NHG_ERROR_INIT;
	const nhg_yaml_node *root;

	if (nhg_yaml_parse(&doc, (const char *)data, size, "policy.yaml", NULL, &err) == 0) {
		root = nhg_yaml_doc_root(doc, 0);
		one(NULL, root);
		if (root && root->kind == NHG_YAML_MAP) {
			one(nhg_yaml_map_get(root, "extends"), NULL);
			one(NULL, nhg_yaml_map_get(root, "policy"));
		} else {
			one(root, NULL);
		}
	}
	nhg_yaml_free(doc);
	return 0;
}
