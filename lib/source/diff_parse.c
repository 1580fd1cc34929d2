/* Hunk headers, quoted paths and dates of unified diffs. */
#include <string.h>

#include "nhigate/error.h"
#include "source/diff_parse.h"

/* Parse a decimal number at s[*i] into *out (<= UINT32_MAX). */
static bool parse_num(uint32_t *out, const char *s, size_t len, size_t *i)
{
	uint64_t v = 0;
	size_t start = *i;

	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (uint64_t)(s[*i] - '0');
		if (v > UINT32_MAX)
			return false;
		(*i)++;
	}
	*out = (uint32_t)v;
	return *i > start;
}

/* "N[,M]" after a '-' or '+': start and count (count 1 when omitted). */
static bool parse_side(uint32_t *start, uint32_t *count, const char *s,
		       size_t len, size_t *i)
{
	if (!parse_num(start, s, len, i))
		return false;
	*count = 1;
	if (*i < len && s[*i] == ',') {
		(*i)++;
		if (!parse_num(count, s, len, i))
			return false;
	}
	return true;
}

int nhg_diff_parse_hunk(nhg_hunk_range *out, const char *s, size_t len,
			int *col)
{
	nhg_hunk_range r;
	uint32_t start;
	size_t i = 0, ats;

	while (i < len && s[i] == '@')
		i++;
	ats = i;
	if (ats < 2 || ats - 1 > NHG_DIFF_MAX_PARENTS)
		goto bad;
	r.nparents = (unsigned)(ats - 1);
	for (unsigned k = 0; k < r.nparents; k++) {
		if (i + 1 >= len || s[i] != ' ' || s[i + 1] != '-')
			goto bad;
		i += 2;
		if (!parse_side(&start, &r.old_count[k], s, len, &i))
			goto bad;
	}
	if (i + 1 >= len || s[i] != ' ' || s[i + 1] != '+')
		goto bad;
	i += 2;
	if (!parse_side(&r.new_start, &r.new_count, s, len, &i))
		goto bad;
	if (i >= len || s[i] != ' ')
		goto bad;
	i++;
	for (size_t k = 0; k < ats; k++, i++)
		if (i >= len || s[i] != '@')
			goto bad;
	/* The last new line must have a number that fits. */
	if ((uint64_t)r.new_start + r.new_count > UINT32_MAX)
		goto bad;
	*out = r;
	return 0;
bad:
	*col = (int)(i < len ? i + 1 : len + 1);
	return -1;
}

static int unquote(nhg_buf *out, const char *s, size_t len)
{
	size_t i = 1;
	int rc;

	while (i < len && s[i] != '"') {
		unsigned char c = (unsigned char)s[i++];
		if (c == '\\') {
			if (i >= len)
				return NHG_EINPUT;
			c = (unsigned char)s[i++];
			switch (c) {
			case 'a': c = '\a'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'v': c = '\v'; break;
			case '\\': case '"': break;
			default:
				if (c < '0' || c > '3' || i + 1 >= len ||
				    s[i] < '0' || s[i] > '7' || s[i + 1] < '0' ||
				    s[i + 1] > '7')
					return NHG_EINPUT;
				c = (unsigned char)(((c - '0') << 6) |
						    ((s[i] - '0') << 3) | (s[i + 1] - '0'));
				i += 2;
				if (!c)
					return NHG_EINPUT;
			}
		}
		if ((rc = nhg_buf_putc(out, (char)c)) != 0)
			return rc;
	}
	return i < len ? 0 : NHG_EINPUT; /* the closing quote */
}

int nhg_diff_parse_path(nhg_buf *out, const char *s, size_t len)
{
	const char *tab;
	size_t start = out->len;
	int rc;

	if (len && s[0] == '"') {
		rc = unquote(out, s, len);
	} else {
		if ((tab = memchr(s, '\t', len)) != NULL)
			len = (size_t)(tab - s);
		if (!len)
			return NHG_EINPUT;
		rc = nhg_buf_put(out, s, len);
	}
	/* no path holds a NUL byte: whatever follows one would be lost */
	if (!rc && memchr(out->ptr + start, '\0', out->len - start))
		return NHG_EINPUT;
	return rc;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int month_of(const char *t, size_t n)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	if (n != 3)
		return 0;
	for (int m = 0; m < 12; m++)
		if (!strncmp(names + 3 * m, t, 3))
			return m + 1;
	return 0;
}

static bool all_digits(const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i] < '0' || t[i] > '9')
			return false;
	return n > 0;
}

static unsigned num(const char *t, size_t n)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(t[i] - '0');
	return v;
}

bool nhg_diff_parse_date(int64_t *time, int *offset, const char *s, size_t len)
{
	unsigned y = 0, mo = 0, d = 0, hh = 99, mm = 0, ss = 0;
	int off = 0;
	bool have_tz = false;
	size_t i = 0;

	while (i < len) {
		size_t n = 0;
		const char *t;

		while (i < len && (s[i] == ' ' || s[i] == ',' || s[i] == '\t'))
			i++;
		t = s + i;
		while (i + n < len && s[i + n] != ' ' && s[i + n] != ',')
			n++;
		i += n;
		if (!n)
			break;
		if (n == 8 && t[2] == ':' && t[5] == ':' && all_digits(t, 2) &&
		    all_digits(t + 3, 2) && all_digits(t + 6, 2)) {
			hh = num(t, 2), mm = num(t + 3, 2), ss = num(t + 6, 2);
		} else if (n == 10 && t[4] == '-' && t[7] == '-' &&
			   all_digits(t, 4) && all_digits(t + 5, 2) &&
			   all_digits(t + 8, 2)) {
			y = num(t, 4), mo = num(t + 5, 2), d = num(t + 8, 2);
		} else if (n == 5 && (t[0] == '+' || t[0] == '-') &&
			   all_digits(t + 1, 4)) {
			off = (int)(num(t + 1, 2) * 60 + num(t + 3, 2));
			off = t[0] == '-' ? -off : off;
			have_tz = true;
		} else if (month_of(t, n)) {
			mo = (unsigned)month_of(t, n);
		} else if (n == 4 && all_digits(t, 4)) {
			y = num(t, 4);
		} else if (n <= 2 && all_digits(t, n)) {
			d = num(t, n);
		}
	}
	if (!y || !mo || mo > 12 || !d || d > 31 || hh > 23 || mm > 59 ||
	    ss > 60 || !have_tz)
		return false;
	*time = days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60 + ss -
		(int64_t)off * 60;
	*offset = off;
	return true;
}
