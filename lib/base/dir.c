#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/array.h"
#include "nhigate/dir.h"

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n > m && strcmp(s + n - m, suf) == 0;
}

bool nhg_dir_is_yaml(const char *name)
{
	return has_suffix(name, ".yaml") || has_suffix(name, ".yml");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void nhg_dir_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int nhg_dir_yaml_files(char ***out, size_t *n, const char *dir, nhg_error *err)
{
	char **names = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return nhg_error_at(err, NHG_EIO, dir, 0, 0, "cannot open directory");
	while ((de = readdir(d)) != NULL) {
		size_t len;
		if (de->d_name[0] == '.' ||
		    !nhg_dir_is_yaml(de->d_name))
			continue;
		len = strlen(dir) + strlen(de->d_name) + 2;
		if (NHG_ARRAY_RESERVE(names, count, cap, 16) || !(names[count] = malloc(len))) {
			closedir(d);
			nhg_dir_free(names, count);
			return nhg_error_set(err, NHG_ENOMEM, "out of memory");
		}
		snprintf(names[count++], len, "%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (count)
		qsort(names, count, sizeof(*names), cmp_str);
	*out = names;
	*n = count;
	return 0;
}
