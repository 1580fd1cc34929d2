/*
 * nhigate error reporting.
 *
 * Fallible library functions return 0 on success or a negative NHG_E* code,
 * and describe the failure in the caller's nhg_error (the last parameter,
 * which may be NULL).  On success the error is left untouched.  The library
 * never prints, exits or aborts; only cmd/ turns an error into an exit code.
 */
#ifndef NHIGATE_ERROR_H
#define NHIGATE_ERROR_H

#include <stddef.h>

enum {
	NHG_OK = 0,
	NHG_EUSAGE = -1,    /* bad argument from the caller (flag, ref, path) */
	NHG_EINPUT = -2,    /* invalid input file: rule pack, config, YAML, diff */
	NHG_ENOMEM = -3,    /* allocation failed */
	NHG_EIO = -4,       /* a file could not be read or written */
	NHG_EGIT = -5,      /* the repository could not be read */
	NHG_ELIMIT = -6,    /* a bound was exceeded */
	NHG_EINTERNAL = -7, /* a bug or an unexpected library failure */
	NHG_ESTOP = -8      /* a callback asked to stop */
};

typedef struct nhg_error {
	int code;          /* one of NHG_E*, 0 when unset */
	char file[512];    /* input file the error is about, or "" */
	int line, column;  /* 1-based position in file, 0 when unknown */
	char message[512]; /* one line, no trailing newline */
} nhg_error;

#define NHG_ERROR_INIT { 0, "", 0, 0, "" }

/* Record an error and return code; err may be NULL.  Always returns code. */
int nhg_error_set(nhg_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like nhg_error_set, with the input position the error is about. */
int nhg_error_at(nhg_error *err, int code, const char *file, int line,
		 int column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Format err as one line: "file:line:col: message" (parts omitted when unset). */
void nhg_error_format(const nhg_error *err, char *out, size_t outlen);

#endif
