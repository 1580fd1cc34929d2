#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

int cli_exit_for(int code)
{
	switch (code) {
	case 0:
		return EXIT_PASS;
	case NHG_EUSAGE:
	case NHG_EINPUT:
		return EXIT_INPUT;
	default:
		return EXIT_INTERNAL;
	}
}

int cli_fail(const char *prog, const nhg_error *err)
{
	char line[1200];
	nhg_error_format(err, line, sizeof(line));
	fprintf(stderr, "%s: %s\n", prog, line);
	return cli_exit_for(err->code ? err->code : NHG_EINTERNAL);
}

int cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see %s --help)\n", prog);
	return EXIT_INPUT;
}

int cli_check_format(const char *prog, const char *format, const char *choices)
{
	size_t n = strlen(format);

	for (const char *c = choices;; c += 2) {
		size_t len = strcspn(c, ",");
		if (n && len == n && !strncmp(c, format, n))
			return 0;
		c += len;
		if (!*c)
			break;
	}
	return cli_usage_error(prog, "unknown format '%s' (%s)", format, choices);
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Rule packs relative to the binary: an install moved to another prefix
 * (<bin>/../share/nhigate/rules) or the build tree (<build>/../rules).
 */
static bool beside_binary(char *out, size_t n)
{
	static const char *const rel[] = { "../share/nhigate/rules", "../rules" };
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;
	if (len <= 0)
		return false;
	exe[len] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return false;
	*slash = '\0';
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		if ((size_t)snprintf(out, n, "%s/%s", exe, rel[i]) >= n)
			continue;
		if (is_dir(out))
			return true;
	}
	return false;
}

int cli_resolve_rules(cli_common *c, nhg_error *err)
{
	static char found[PATH_MAX + 64];
	const char *env = getenv("NHIGATE_RULES");

	if (c->nrules)
		return 0;
	if (env && *env)
		c->rules[c->nrules++] = env;
	else if (is_dir(NHG_DATADIR "/rules"))
		c->rules[c->nrules++] = NHG_DATADIR "/rules";
	else if (beside_binary(found, sizeof(found)))
		c->rules[c->nrules++] = found;
	else
		return nhg_error_set(err, NHG_EUSAGE,
				     "no rule pack found (looked in $NHIGATE_RULES and %s/rules); pass --rules DIR",
				     NHG_DATADIR);
	return 0;
}

int cli_add_rules(cli_common *c, const char *path)
{
	if (c->nrules == MAX_RULE_DIRS)
		return cli_usage_error(c->prog, "too many --rules (at most %d)", MAX_RULE_DIRS);
	c->rules[c->nrules++] = path;
	return 0;
}

int cli_load_rules(nhg_rulepack **out, cli_common *c, nhg_error *err)
{
	int rc = cli_resolve_rules(c, err);
	return rc ? rc : nhg_rulepack_load(out, c->rules, c->nrules, err);
}

int cli_load_catalogue(nhg_catalogue **out, cli_common *c, nhg_error *err)
{
	int rc = cli_resolve_rules(c, err);
	return rc ? rc : nhg_catalogue_load(out, c->rules, c->nrules, err);
}

int cli_write(const char *path, const nhg_buf *b, nhg_error *err)
{
	/* "/dev/stderr" is the stream itself: opening it would truncate a redirected file */
	FILE *f = (!path || !strcmp(path, "-")) ? stdout : !strcmp(path, "/dev/stderr") ? stderr :
		  fopen(path, "wb");
	int rc = 0;
	if (!f)
		return nhg_error_at(err, NHG_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
	if (fwrite(b->ptr, 1, b->len, f) != b->len || fflush(f) != 0)
		rc = nhg_error_at(err, NHG_EIO, path ? path : "<stdout>", 0, 0, "write failed: %s",
				  strerror(errno));
	if (f != stdout && f != stderr && fclose(f) != 0 && !rc)
		rc = nhg_error_at(err, NHG_EIO, path, 0, 0, "write failed: %s", strerror(errno));
	return rc;
}

int cli_read_push_input(nhg_buf *b, nhg_error *err)
{
	nhg_buf_init(b, 1u << 20);
	return nhg_buf_read_file(b, "-", err);
}

bool cli_progress_enabled(const cli_common *c)
{
	return !c->quiet && isatty(STDERR_FILENO);
}

void cli_show_progress(const nhg_stats *st, size_t nfindings, void *payload)
{
	cli_progress *p = payload;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000 < 250)
		return;
	p->last = now;
	p->shown = true;
	fprintf(stderr, "\r\033[Kscanning: %llu commits, %llu files, %.1f MB, %zu findings",
		(unsigned long long)st->commits, (unsigned long long)st->files,
		(double)st->bytes / (1 << 20), nfindings);
}

void cli_progress_done(cli_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
}
