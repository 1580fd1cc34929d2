/* Dates YYYY-MM-DD: checked and counted with libc (timegm, gmtime_r). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nhigate/date.h"

/* The day number (days since 1970-01-01) of s, when s is a date. */
static bool parse(const char *s, int64_t *days)
{
	struct tm tm;
	int y, m, d;
	time_t t;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	/* timegm normalises a day that does not exist (02-30): then it is not a date */
	t = timegm(&tm);
	if (m < 1 || tm.tm_mon != m - 1 || tm.tm_mday != d)
		return false;
	if (days)
		*days = (int64_t)(t - 12 * 3600) / 86400 - ((int64_t)(t - 12 * 3600) % 86400 < 0);
	return true;
}

bool nhg_date_ok(const char *s)
{
	return parse(s, NULL);
}

int32_t nhg_date_diff(const char *a, const char *b)
{
	int64_t x, y;
	if (!parse(a, &x) || !parse(b, &y))
		return INT32_MIN;
	return (int32_t)(y - x);
}

int nhg_date_now(char out[21])
{
	time_t now = time(NULL);
	struct tm tm;
	if (!gmtime_r(&now, &tm) || !strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		snprintf(out, 21, "1970-01-01T00:00:00Z");
		return -1;
	}
	return 0;
}

void nhg_date_today(char out[11])
{
	char now[21];
	nhg_date_now(now);
	memcpy(out, now, 10);
	out[10] = '\0';
}
