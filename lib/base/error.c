#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nhigate/error.h"

static int error_vset(nhg_error *err, int code, const char *file, int line,
		      int column, const char *fmt, va_list ap)
{
	if (!err)
		return code;
	err->code = code;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	err->column = column;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	/* A message is one line: fold any newline a caller let through. */
	for (char *p = err->message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return code;
}

int nhg_error_set(nhg_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(err, code, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

int nhg_error_at(nhg_error *err, int code, const char *file, int line,
		 int column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(err, code, file, line, column, fmt, ap);
	va_end(ap);
	return code;
}

void nhg_error_format(const nhg_error *err, char *out, size_t outlen)
{
	if (!err->file[0])
		snprintf(out, outlen, "%s", err->message);
	else if (err->line <= 0)
		snprintf(out, outlen, "%s: %s", err->file, err->message);
	else if (err->column <= 0)
		snprintf(out, outlen, "%s:%d: %s", err->file, err->line, err->message);
	else
		snprintf(out, outlen, "%s:%d:%d: %s", err->file, err->line,
			 err->column, err->message);
}
