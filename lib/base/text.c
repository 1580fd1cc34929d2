#include <math.h>
#include <string.h>

#include "nhigate/buf.h"
#include "nhigate/text.h"

bool nhg_text_is_binary(const char *data, size_t len)
{
	return memchr(data, '\0', len < 8000 ? len : 8000) != NULL;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/* Like utf8_seq, but 0 also for the C1 controls, which can drive terminals. */
static size_t printable_seq(const unsigned char *s, size_t len)
{
	size_t n = utf8_seq(s, len);
	if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return 0;
	return n;
}

bool nhg_text_is_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		size_t n = utf8_seq(p + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

int nhg_text_escape(nhg_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int rc = 0;

	while (i < len && !rc) {
		unsigned char c = p[i];
		size_t n;
		if (c == '\\') {
			rc = nhg_buf_puts(b, "\\\\");
			i++;
		} else if (c == '\n') {
			rc = nhg_buf_puts(b, "\\n");
			i++;
		} else if (c == '\t') {
			rc = nhg_buf_puts(b, "\\t");
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			rc = nhg_buf_printf(b, "\\x%02x", c);
			i++;
		} else if ((n = printable_seq(p + i, len - i)) != 0) {
			rc = nhg_buf_put(b, p + i, n);
			i += n;
		} else {
			rc = nhg_buf_printf(b, "\\x%02x", c);
			i++;
		}
	}
	return rc;
}

double nhg_text_entropy(const char *s, size_t len)
{
	unsigned counts[256] = { 0 };
	double h = 0;

	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		counts[(unsigned char)s[i]]++;
	for (size_t i = 0; i < 256; i++) {
		if (counts[i]) {
			double p = (double)counts[i] / (double)len;
			h -= p * log2(p);
		}
	}
	return h;
}
