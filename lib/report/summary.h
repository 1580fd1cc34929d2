/* Pieces the text reports share. */
#ifndef NHG_REPORT_SUMMARY_H
#define NHG_REPORT_SUMMARY_H

#include <stddef.h>

#include "nhigate/buf.h"
#include "nhigate/rules.h"

/* "N findings", and when N > 0 " (1 critical, 2 high)", most severe first. */
int nhg_report__count(nhg_buf *out, size_t n, const size_t bysev[NHG_SEV_CRITICAL + 1]);

#endif
