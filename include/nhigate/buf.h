/*
 * nhg_buf: a growable byte string with a hard maximum.
 *
 * Invariants: ptr is never NULL after nhg_buf_init (it points at a static
 * empty string until the first write), the content is always NUL-terminated,
 * and len never exceeds max.  A write that would pass max fails with
 * NHG_ELIMIT and leaves the buffer as it was.  nhg_buf_detach hands the
 * memory to the caller, who frees it with free().
 */
#ifndef NHIGATE_BUF_H
#define NHIGATE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "nhigate/error.h"

typedef struct nhg_buf {
	char *ptr;
	size_t len;
	size_t cap; /* 0 while ptr is the static empty string */
	size_t max; /* the most bytes the buffer may hold */
} nhg_buf;

#define NHG_BUF_INIT(max) { (char *)nhg_buf__empty, 0, 0, (max) }
extern const char nhg_buf__empty[1];

void nhg_buf_init(nhg_buf *b, size_t max);
void nhg_buf_free(nhg_buf *b);
void nhg_buf_clear(nhg_buf *b);
int nhg_buf_grow(nhg_buf *b, size_t extra);
int nhg_buf_put(nhg_buf *b, const void *data, size_t len);
int nhg_buf_puts(nhg_buf *b, const char *s);
int nhg_buf_putc(nhg_buf *b, char c);
int nhg_buf_printf(nhg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int nhg_buf_vprintf(nhg_buf *b, const char *fmt, va_list ap);
/* Returns the content (malloc'd, NUL-terminated) and resets b. NULL on OOM. */
char *nhg_buf_detach(nhg_buf *b, size_t *len);

/* Read a whole file into b; NHG_ELIMIT if it is larger than b->max. */
int nhg_buf_read_file(nhg_buf *b, const char *path, nhg_error *err);

#endif
