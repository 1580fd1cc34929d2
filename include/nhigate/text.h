/* Byte-level text helpers shared by sources, engine and reports. */
#ifndef NHIGATE_TEXT_H
#define NHIGATE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct nhg_buf;

/* git's heuristic: a NUL byte in the first 8000 bytes means binary. */
bool nhg_text_is_binary(const char *data, size_t len);

/*
 * Append s to b made safe for a terminal: control bytes, DEL and invalid
 * UTF-8 become \xNN escapes (and \n, \t, \\ their usual escapes); valid
 * UTF-8 passes through.
 */
int nhg_text_escape(struct nhg_buf *b, const char *s, size_t len);

/* True when s is valid UTF-8. */
bool nhg_text_is_utf8(const char *s, size_t len);

/* Shannon entropy in bits per byte of s. */
double nhg_text_entropy(const char *s, size_t len);

#endif
