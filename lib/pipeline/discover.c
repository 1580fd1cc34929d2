/* Finding the pipeline files of a tree. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nhigate/array.h"
#include "nhigate/buf.h"
#include "nhigate/dir.h"
#include "nhigate/pipeline.h"

#define MAX_DEPTH 64

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int visit(nhg_buf *path, nhg_platform platform, int depth,
		 int (*fn)(const char *, nhg_platform, void *), void *payload, nhg_error *err)
{
	struct stat st;
	if (lstat(path->ptr, &st) != 0)
		return nhg_error_at(err, NHG_EUSAGE, path->ptr, 0, 0, "cannot read: %s",
				    strerror(errno));
	if (S_ISREG(st.st_mode)) {
		nhg_platform p = platform ? (nhg_dir_is_yaml(path->ptr) ? platform : NHG_PLATFORM_UNKNOWN)
					  : nhg_pipeline_platform_of(path->ptr);
		return p ? fn(path->ptr, p, payload) : 0;
	}
	if (!S_ISDIR(st.st_mode) || depth > MAX_DEPTH)
		return 0;
	{
		DIR *d = opendir(path->ptr);
		struct dirent *de;
		char **names = NULL;
		size_t n = 0, cap = 0, base = path->len;
		int rc = 0;
		if (!d)
			return nhg_error_at(err, NHG_EIO, path->ptr, 0, 0, "cannot open: %s",
					    strerror(errno));
		while ((de = readdir(d)) != NULL) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
			    !strcmp(de->d_name, ".git"))
				continue;
			if (NHG_ARRAY_RESERVE(names, n, cap, 16) || !(names[n] = strdup(de->d_name))) {
				rc = nhg_error_set(err, NHG_ENOMEM, "out of memory");
				break;
			}
			n++;
		}
		closedir(d);
		if (!rc)
			qsort(names, n, sizeof(*names), cmp_str);
		for (size_t i = 0; i < n; i++) {
			if (!rc) {
				path->len = base;
				path->ptr[base] = '\0';
				if (nhg_buf_printf(path, "%s%s", base && path->ptr[base - 1] == '/' ?
						   "" : "/", names[i]))
					rc = nhg_error_set(err, NHG_ELIMIT, "path too long");
				else
					rc = visit(path, platform, depth + 1, fn, payload, err);
			}
			free(names[i]);
		}
		free(names);
		path->len = base;
		path->ptr[base] = '\0';
		return rc;
	}
}

int nhg_pipeline_discover(const char *root, nhg_platform platform,
			  int (*fn)(const char *path, nhg_platform p, void *payload),
			  void *payload, nhg_error *err)
{
	nhg_buf path = NHG_BUF_INIT(4096);
	int rc;
	if (nhg_buf_puts(&path, root))
		return nhg_error_set(err, NHG_ELIMIT, "path too long");
	rc = visit(&path, platform, 0, fn, payload, err);
	nhg_buf_free(&path);
	return rc;
}
