/*
 * Where the gate reads its configuration and waivers: named files, or the
 * repository's .nhigate.yaml and .nhigate/waivers.yaml, taken from the base
 * revision in git modes so that a change is judged by the policy it targets.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "nhigate/buf.h"
#include "nhigate/config.h"
#include "nhigate/gate.h"
#include "nhigate/source.h"

#define MAX_POLICY_FILE (4u << 20)

/*
 * The bytes of a policy file into b: path when given (must exist), else rel
 * at rev in repo (rev set) or below repo in the file system.  *found tells
 * whether there was one; name receives what to call it in messages.
 */
static int read_policy_file(nhg_buf *b, bool *found, char *name, size_t namelen,
			    const char *repo, const char *rev, const char *path,
			    const char *rel, nhg_error *err)
{
	struct stat st;
	int rc;

	*found = false;
	if (path) {
		snprintf(name, namelen, "%s", path);
		if ((rc = nhg_buf_read_file(b, path, err)) == 0)
			*found = true;
		return rc;
	}
	if (rev) {
		snprintf(name, namelen, "%.12s:%s", rev, rel);
		if (!*rev)
			return 0;      /* no base (a first commit): built-in defaults */
		return nhg_source_git_read(b, found, repo, rev, rel, err);
	}
	snprintf(name, namelen, "%s/%s", repo, rel);
	if (stat(name, &st) != 0 && errno == ENOENT)
		return 0;
	if ((rc = nhg_buf_read_file(b, name, err)) == 0)
		*found = true;
	return rc;
}

int nhg_gate_read_config(nhg_config **out, const char *repo, const char *rev, const char *path,
			 nhg_error *err)
{
	nhg_buf b = NHG_BUF_INIT(MAX_POLICY_FILE);
	char name[600];
	bool found;
	int rc = read_policy_file(&b, &found, name, sizeof(name), repo, rev, path,
				  ".nhigate.yaml", err);

	if (rc == NHG_ELIMIT)
		rc = nhg_error_at(err, NHG_EINPUT, name, 0, 0, "larger than %u bytes",
				  MAX_POLICY_FILE);
	if (!rc && found)
		rc = nhg_config_parse(out, b.ptr, b.len, name, err);
	else if (!rc)
		rc = nhg_config_parse(out, "", 0, name, err);
	if (!rc && !found)
		(*out)->sha256[0] = '\0';
	nhg_buf_free(&b);
	return rc;
}

int nhg_gate_read_waivers(nhg_waivers *out, const char *repo, const char *rev, const char *path,
			  unsigned max_days, nhg_error *err)
{
	nhg_buf b = NHG_BUF_INIT(MAX_POLICY_FILE);
	char name[600];
	bool found;
	int rc = read_policy_file(&b, &found, name, sizeof(name), repo, rev, path,
				  ".nhigate/waivers.yaml", err);

	memset(out, 0, sizeof(*out));
	if (rc == NHG_ELIMIT)
		rc = nhg_error_at(err, NHG_EINPUT, name, 0, 0, "larger than %u bytes",
				  MAX_POLICY_FILE);
	if (!rc && found)
		rc = nhg_waivers_parse(out, b.ptr, b.len, name, max_days, err);
	nhg_buf_free(&b);
	return rc;
}
