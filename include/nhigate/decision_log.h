/*
 * The decision log: one JSON object per line, each carrying "prev" as its
 * first key: the sha256 (hex) of the previous line's bytes without its
 * newline, or NHG_LOG_GENESIS on the first line.  Every line ends in '\n';
 * a last line without one is a torn write.
 *
 * Appends hold an exclusive flock(2) on the file from reading the last line
 * until the new line is written and fsync'd, so concurrent writers never
 * interleave or lose a record.  Readers take a shared lock only long enough
 * to learn the file's size: everything before it is complete lines.
 *
 * A change to any line breaks the chain at the next line; a change to the
 * last line, or records cut off at the end, are caught only against an
 * anchor: a head (the sha256 of a line) recorded earlier somewhere else.
 */
#ifndef NHIGATE_DECISION_LOG_H
#define NHIGATE_DECISION_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nhigate/error.h"

#define NHG_LOG_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* The longest line a log may hold, newline excluded. */
#define NHG_LOG_MAX_LINE (1024 * 1024)

/*
 * Append record (len bytes: one JSON object on one line, without "prev")
 * to the log at path, creating it with mode 0640 (less the umask) when
 * missing.  "prev" becomes the record's first key.  head (may be NULL)
 * receives the sha256 of the line written: the log's new head.
 *
 * NHG_EUSAGE: record is not a one-line JSON object with at least one
 * member, or already has "prev".  NHG_ELIMIT: the line would pass
 * NHG_LOG_MAX_LINE.  NHG_EINPUT: the file's last line is not a decision
 * record, or is torn (no newline): nothing is chained onto it.  NHG_EIO:
 * the file could not be opened, locked, read, written or synced; a failed
 * write is cut back off so the log stays whole.
 */
int nhg_log_append(const char *path, const char *record, size_t len, char head[65],
		   nhg_error *err);

/* How a chain breaks (nhg_log_report.kind). */
typedef enum {
	NHG_LOG_INTACT = 0,
	NHG_LOG_ALTERED,            /* record N was changed (its own prev no longer fits) */
	NHG_LOG_ALTERED_OR_REMOVED, /* record N was changed, or records after it removed */
	NHG_LOG_REMOVED,            /* records before record N were removed */
	NHG_LOG_INSERTED,           /* records N .. N+count-1 do not belong */
	NHG_LOG_MALFORMED,          /* record N is not a decision record */
	NHG_LOG_TORN,               /* record N, the last, has no newline */
	NHG_LOG_ANCHOR_MISSING      /* no line hashes to the anchor: truncated or rewritten */
} nhg_log_break;

/* "intact", "altered", "altered-or-removed", "removed", "inserted", ... */
const char *nhg_log_break_name(nhg_log_break k);

typedef struct nhg_log_report {
	uint64_t records;         /* lines read (a torn last line included) */
	char head[65];            /* sha256 of the last complete line; GENESIS when none */
	nhg_log_break kind;       /* NHG_LOG_INTACT when the chain holds */
	uint64_t record;          /* the record named by kind (1-based), 0 when intact */
	uint64_t count;           /* INSERTED: how many records */
	uint64_t line;            /* the line where the chain was seen to break */
	char message[320];        /* one line saying what was found, "" when intact */
	bool anchor_given;
	bool anchor_found;
	uint64_t anchor_record;   /* the line that hashes to the anchor (0: genesis) */
} nhg_log_report;

/*
 * Check the chain of the log at path, streaming it with bounded memory.
 * anchor (NULL: none) is a head recorded earlier: some line must hash to
 * it (GENESIS is always found).  Every line is also checked to be one JSON
 * object.  Returns 0 when the file was read, whatever it holds: out says
 * whether the chain is intact and, if not, the first break, classified as
 * closely as the chain allows (a changed record and removed records look
 * alike to a hash chain; the message says both when it cannot tell).
 * NHG_EUSAGE: anchor is not 64 hex digits.  NHG_EIO: unreadable.
 * NHG_EINPUT: a line longer than NHG_LOG_MAX_LINE (err->line names it).
 */
int nhg_log_verify(nhg_log_report *out, const char *path, const char *anchor, nhg_error *err);

#endif
