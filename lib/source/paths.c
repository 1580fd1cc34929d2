/*
 * Files and directories as sources.
 *
 * Every entry is looked at with fstatat(AT_SYMLINK_NOFOLLOW) and opened with
 * O_NOFOLLOW relative to its parent directory's descriptor, so a symlink is
 * never followed, even one swapped in while we walk.  Directory entries are
 * sorted (strcmp) for a deterministic order; `.git` is never entered.  One
 * content buffer, bounded by opts->max_file_size, is reused for every file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nhigate/buf.h"
#include "nhigate/glob.h"
#include "nhigate/source.h"
#include "nhigate/text.h"

#define PATH_MAX_BYTES 4096 /* longest reported path */
#define MAX_DEPTH 128       /* deepest directory nesting we descend into */

typedef struct walk {
	const nhg_source_opts *opts;
	const nhg_sink *sink;
	nhg_stats *stats;
	nhg_error *err;
	nhg_buf path; /* the reported path of the current entry */
	nhg_buf data; /* content of the current file */
} walk;

static int visit(walk *w, int at, const char *name, int depth, int top);

static void path_cut(walk *w, size_t len)
{
	if (w->path.cap) {
		w->path.len = len;
		w->path.ptr[len] = '\0';
	}
}

static int report_skip(walk *w, const char *reason)
{
	if (w->sink->skip &&
	    w->sink->skip(w->path.ptr, NULL, reason, w->sink->payload))
		return nhg_error_set(w->err, NHG_ESTOP, "stopped by the sink");
	return 0;
}

static int skip_errno(walk *w, int e)
{
	return report_skip(w, e == ELOOP ? "symlink" : strerror(e));
}

static int skip_too_large(walk *w, unsigned long long size)
{
	char reason[96];
	snprintf(reason, sizeof(reason), "too large (%llu bytes > %zu)", size,
		 w->opts->max_file_size);
	return report_skip(w, reason);
}

static int excluded(const walk *w)
{
	for (size_t i = 0; i < w->opts->nexclude; i++)
		if (w->opts->exclude[i] &&
		    nhg_glob_match(w->opts->exclude[i], w->path.ptr))
			return 1;
	return 0;
}

/* read(2), retried on EINTR. */
static ssize_t read_some(int fd, void *p, size_t n)
{
	ssize_t got;
	do
		got = read(fd, p, n);
	while (got < 0 && errno == EINTR);
	return got;
}

/*
 * Read fd into w->data, sized by hint (the file's size when we looked).
 * NHG_ELIMIT past max_file_size, NHG_EIO with errno set on a read error.
 */
static int read_all(walk *w, int fd, size_t hint)
{
	nhg_buf *b = &w->data;
	int rc;

	nhg_buf_clear(b);
	if (hint && (rc = nhg_buf_grow(b, hint)) != 0)
		return rc;
	for (;;) {
		size_t room = b->cap ? b->cap - b->len - 1 : 0;
		ssize_t n;
		char c;

		if (room > b->max - b->len)
			room = b->max - b->len;
		if (room == 0) {
			/* Full (or empty file): is there more? */
			if ((n = read_some(fd, &c, 1)) < 0)
				return NHG_EIO;
			if (n == 0)
				return 0;
			if ((rc = nhg_buf_putc(b, c)) != 0)
				return rc;
			continue;
		}
		if ((n = read_some(fd, b->ptr + b->len, room)) < 0)
			return NHG_EIO;
		if (n == 0)
			return 0;
		b->len += (size_t)n;
		b->ptr[b->len] = '\0';
	}
}

/* Hand one file's bytes to the sink (binary content is only counted). */
static int emit_file(walk *w, const char *data, size_t len)
{
	nhg_unit u;

	if (nhg_text_is_binary(data, len)) {
		w->stats->binary++;
		return 0;
	}
	memset(&u, 0, sizeof(u));
	u.path = w->path.ptr;
	u.data = data;
	u.len = len;
	w->stats->files++;
	w->stats->bytes += len;
	if (w->sink->unit(&u, w->sink->payload))
		return nhg_error_set(w->err, NHG_ESTOP, "stopped by the sink");
	return 0;
}

/*
 * Large files are mapped rather than copied (like ag): a file truncated by
 * another process while mapped would fault, which a scan of a stable tree
 * does not meet.
 */
#define MMAP_MIN (1u << 20)

static int scan_file(walk *w, int at, const char *name)
{
	struct stat st;
	int fd, rc, e;

	fd = openat(at, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return skip_errno(w, errno);
	if (fstat(fd, &st) != 0) {
		e = errno;
		close(fd);
		return skip_errno(w, e);
	}
	if (!S_ISREG(st.st_mode)) { /* swapped since fstatat */
		close(fd);
		return report_skip(w, "not a regular file");
	}
	if ((unsigned long long)st.st_size > w->opts->max_file_size) {
		close(fd);
		return skip_too_large(w, (unsigned long long)st.st_size);
	}
	if ((size_t)st.st_size >= MMAP_MIN) {
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		if (map == MAP_FAILED)
			return skip_errno(w, errno);
		madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
		rc = emit_file(w, map, (size_t)st.st_size);
		munmap(map, (size_t)st.st_size);
		return rc;
	}
	rc = read_all(w, fd, (size_t)st.st_size);
	e = errno;
	close(fd);
	if (rc == NHG_ELIMIT) /* it grew while we read it */
		return skip_too_large(w, (unsigned long long)w->opts->max_file_size + 1);
	if (rc == NHG_EIO)
		return skip_errno(w, e);
	if (rc)
		return nhg_error_set(w->err, rc, "out of memory reading %s",
				     w->path.ptr);
	return emit_file(w, w->data.ptr, w->data.len);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The sorted names in dir, without "." and "..". */
static int list_dir(char ***out, size_t *count, DIR *dir)
{
	char **names = NULL, **grown;
	size_t n = 0, cap = 0;
	struct dirent *de;

	errno = 0;
	while ((de = readdir(dir)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown)
				goto oom;
			names = grown;
		}
		if (!(names[n] = strdup(de->d_name)))
			goto oom;
		n++;
	}
	if (errno) {
		int e = errno;
		free_names(names, n);
		errno = e;
		return NHG_EIO;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	*out = names;
	*count = n;
	return 0;
oom:
	free_names(names, n);
	return NHG_ENOMEM;
}

static int walk_dir(walk *w, int at, const char *name, int depth)
{
	char **names = NULL;
	size_t n = 0, base = w->path.len;
	DIR *dir;
	int fd, rc;

	if (depth >= MAX_DEPTH)
		return report_skip(w, "too deep (directory nesting > 128)");
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return skip_errno(w, errno);
	if (!(dir = fdopendir(fd))) {
		int e = errno;
		close(fd);
		return skip_errno(w, e);
	}
	rc = list_dir(&names, &n, dir);
	if (rc == NHG_EIO) {
		rc = skip_errno(w, errno);
		closedir(dir);
		return rc;
	}
	if (rc) {
		closedir(dir);
		return nhg_error_set(w->err, rc, "out of memory listing %s",
				     w->path.ptr);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		if (!strcmp(names[i], ".git"))
			continue;
		if (base && (rc = nhg_buf_putc(&w->path, '/')) == 0)
			rc = nhg_buf_puts(&w->path, names[i]);
		else if (!base)
			rc = nhg_buf_puts(&w->path, names[i]);
		if (rc == NHG_ELIMIT) {
			path_cut(w, base);
			rc = report_skip(w, "path too long");
			continue;
		}
		if (!rc)
			rc = visit(w, dirfd(dir), names[i], depth + 1, 0);
		path_cut(w, base);
	}
	free_names(names, n);
	closedir(dir);
	if (rc == NHG_ENOMEM)
		nhg_error_set(w->err, rc, "out of memory");
	return rc;
}

static int visit(walk *w, int at, const char *name, int depth, int top)
{
	struct stat st;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		int e = errno;
		if (top && (e == ENOENT || e == ENOTDIR))
			return nhg_error_set(w->err, NHG_EUSAGE, "cannot read '%s': %s",
					     name, strerror(e));
		return skip_errno(w, e);
	}
	if (S_ISDIR(st.st_mode))
		return walk_dir(w, at, name, depth);
	if (excluded(w)) /* user config: not scanned, not reported */
		return 0;
	if (S_ISLNK(st.st_mode))
		return report_skip(w, "symlink");
	if (S_ISREG(st.st_mode))
		return scan_file(w, at, name);
	return report_skip(w, "not a regular file");
}

/* The path as reported: no leading "./", no doubled or trailing '/'. */
static int set_root(nhg_buf *b, const char *given)
{
	const char *p = given;
	int rc = 0;

	nhg_buf_clear(b);
	if (*p == '/')
		rc = nhg_buf_putc(b, '/');
	while (*p && !rc) {
		const char *end;
		size_t n;

		while (*p == '/')
			p++;
		end = strchr(p, '/');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0)
			break;
		if (!(n == 1 && p[0] == '.')) {
			if (b->len && b->ptr[b->len - 1] != '/')
				rc = nhg_buf_putc(b, '/');
			if (!rc)
				rc = nhg_buf_put(b, p, n);
		}
		p += n;
	}
	return rc;
}

int nhg_source_paths(const char *const *paths, size_t npaths,
		     const nhg_source_opts *opts, const nhg_sink *sink,
		     nhg_stats *stats, nhg_error *err)
{
	nhg_source_opts defaults = NHG_SOURCE_OPTS_INIT;
	nhg_stats scratch = { 0, 0, 0, 0 };
	walk w;
	int rc = 0;

	if (!sink || !sink->unit || (npaths && !paths))
		return nhg_error_set(err, NHG_EUSAGE, "no sink or no paths");
	if (!opts)
		opts = &defaults;
	memset(&w, 0, sizeof(w));
	w.opts = opts;
	w.sink = sink;
	w.stats = stats ? stats : &scratch;
	w.err = err;
	nhg_buf_init(&w.path, PATH_MAX_BYTES);
	nhg_buf_init(&w.data, opts->max_file_size);
	for (size_t i = 0; i < npaths && !rc; i++) {
		if (!paths[i] || !paths[i][0]) {
			rc = nhg_error_set(err, NHG_EUSAGE, "empty path");
			break;
		}
		if (set_root(&w.path, paths[i]) != 0) {
			rc = nhg_error_set(err, NHG_EUSAGE, "path too long: %.64s...",
					   paths[i]);
			break;
		}
		rc = visit(&w, AT_FDCWD, paths[i], 0, 1);
	}
	nhg_buf_free(&w.path);
	nhg_buf_free(&w.data);
	return rc;
}
