#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/buf.h"

const char nhg_buf__empty[1] = "";

void nhg_buf_init(nhg_buf *b, size_t max)
{
	b->ptr = (char *)nhg_buf__empty;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void nhg_buf_free(nhg_buf *b)
{
	if (b->cap)
		free(b->ptr);
	nhg_buf_init(b, b->max);
}

void nhg_buf_clear(nhg_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->ptr[0] = '\0';
}

int nhg_buf_grow(nhg_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > b->max || b->len > b->max - extra)
		return NHG_ELIMIT;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->cap ? b->ptr : NULL, cap);
	if (!p)
		return NHG_ENOMEM;
	if (!b->cap)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int nhg_buf_put(nhg_buf *b, const void *data, size_t len)
{
	int rc = nhg_buf_grow(b, len);
	if (rc)
		return rc;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int nhg_buf_puts(nhg_buf *b, const char *s)
{
	return nhg_buf_put(b, s, strlen(s));
}

int nhg_buf_putc(nhg_buf *b, char c)
{
	return nhg_buf_put(b, &c, 1);
}

int nhg_buf_vprintf(nhg_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, rc;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return NHG_EINTERNAL;
	if ((rc = nhg_buf_grow(b, (size_t)n)) != 0)
		return rc;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int nhg_buf_printf(nhg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = nhg_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *nhg_buf_detach(nhg_buf *b, size_t *len)
{
	char *p;
	if (len)
		*len = b->len;
	if (b->cap)
		p = b->ptr;
	else
		p = calloc(1, 1);
	nhg_buf_init(b, b->max);
	return p;
}

int nhg_buf_read_file(nhg_buf *b, const char *path, nhg_error *err)
{
	char chunk[65536];
	size_t n;
	int rc = 0;
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;

	/* a file that is not there (or not ours to read) is the caller's input error */
	if (!f)
		return nhg_error_at(err, errno == ENOENT || errno == EACCES || errno == ENOTDIR ||
				    errno == EISDIR ? NHG_EINPUT : NHG_EIO, path, 0, 0,
				    "cannot open: %s", strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if ((rc = nhg_buf_put(b, chunk, n)) != 0) {
			if (rc == NHG_ELIMIT)
				nhg_error_at(err, rc, path, 0, 0,
					     "larger than the limit of %zu bytes", b->max);
			else
				nhg_error_set(err, rc, "out of memory");
			break;
		}
	}
	if (!rc && ferror(f))
		rc = nhg_error_at(err, NHG_EIO, path, 0, 0, "read error: %s",
				  strerror(errno));
	if (f != stdin)
		fclose(f);
	return rc;
}
