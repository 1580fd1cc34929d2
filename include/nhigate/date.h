/* Calendar dates written YYYY-MM-DD (UTC), as policy files and options use them. */
#ifndef NHIGATE_DATE_H
#define NHIGATE_DATE_H

#include <stdbool.h>
#include <stdint.h>

/* True for a valid calendar date written YYYY-MM-DD. */
bool nhg_date_ok(const char *s);
/* Whole days from date a to date b; INT32_MIN when either is not a date. */
int32_t nhg_date_diff(const char *a, const char *b);
/* Today (UTC) into out as YYYY-MM-DD. */
void nhg_date_today(char out[11]);
/* Now (UTC) into out as YYYY-MM-DDTHH:MM:SSZ; -1 (and the epoch) when the clock fails. */
int nhg_date_now(char out[21]);

#endif
