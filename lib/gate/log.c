/*
 * Appending to the decision log (decision_log.h).  The whole append runs
 * under an exclusive flock: read the last line's hash, write the new line
 * with one write loop, fsync, unlock.  Only the tail of the file is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "log_internal.h"
#include "nhigate/decision_log.h"
#include "nhigate/hash.h"

#define TAIL_BLOCK 65536
/* {"prev":"<64 hex>", */
#define PREFIX_LEN (9 + NHG_SHA256_HEXLEN + 2)

const char *nhg_log_break_name(nhg_log_break k)
{
	switch (k) {
	case NHG_LOG_INTACT: return "intact";
	case NHG_LOG_ALTERED: return "altered";
	case NHG_LOG_ALTERED_OR_REMOVED: return "altered-or-removed";
	case NHG_LOG_REMOVED: return "removed";
	case NHG_LOG_INSERTED: return "inserted";
	case NHG_LOG_MALFORMED: return "malformed";
	case NHG_LOG_TORN: return "torn";
	case NHG_LOG_ANCHOR_MISSING: return "anchor-missing";
	}
	return "?";
}

/* The record is one line holding one JSON object with members, none "prev". */
static int check_record(const char *rec, size_t len, nhg_error *err)
{
	json_error_t je;
	json_t *j;
	int rc = 0;

	if (!len || rec[0] != '{')
		return nhg_error_set(err, NHG_EUSAGE, "a decision record must start with '{'");
	if (memchr(rec, '\n', len) || memchr(rec, '\r', len))
		return nhg_error_set(err, NHG_EUSAGE, "a decision record must be one line");
	if (len > NHG_LOG_MAX_LINE - PREFIX_LEN)
		return nhg_error_set(err, NHG_ELIMIT, "a decision record of %zu bytes is longer than "
				     "the log allows (%d)", len, NHG_LOG_MAX_LINE - PREFIX_LEN);
	j = json_loadb(rec, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return nhg_error_set(err, NHG_EUSAGE, "a decision record is not valid JSON: %s",
				     je.text);
	if (!json_is_object(j) || json_object_size(j) == 0)
		rc = nhg_error_set(err, NHG_EUSAGE, "a decision record must be a JSON object with "
				   "members");
	else if (json_object_get(j, "prev"))
		rc = nhg_error_set(err, NHG_EUSAGE, "a decision record must not carry \"prev\": "
				   "the log adds it");
	/* nothing goes in that the verifier would call malformed */
	else if (!nhg_js_object_ok(rec, len, NULL, NULL))
		rc = nhg_error_set(err, NHG_EUSAGE, "a decision record must not nest deeper "
				   "than %d", NHG_JS_MAX_DEPTH);
	json_decref(j);
	return rc;
}

static int io_error(nhg_error *err, const char *path, const char *what)
{
	return nhg_error_at(err, NHG_EIO, path, 0, 0, "cannot %s the decision log: %s", what,
			    strerror(errno));
}

static int read_at(int fd, char *buf, size_t n, off_t off, const char *path, nhg_error *err)
{
	while (n > 0) {
		ssize_t r = pread(fd, buf, n, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return io_error(err, path, "read");
		if (r == 0) {
			errno = EIO;
			return io_error(err, path, "read (it shrank while locked)");
		}
		buf += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

/*
 * The hash of the last line of the size bytes of fd, which end in '\n'.
 * Searches backwards block by block for the newline before it, then hashes
 * the line forwards; neither reads more than the last line and a block.
 */
static int last_line_hash(char out[65], int fd, off_t size, const char *path, nhg_error *err)
{
	char *buf = malloc(TAIL_BLOCK);
	off_t end = size - 1, pos = end, start = 0;   /* the line is [start, end) */
	nhg_sha256_ctx *c = NULL;
	char prefix[PREFIX_LEN];
	int rc = 0;

	if (!buf)
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	while (pos > 0) {
		size_t n = pos > TAIL_BLOCK ? TAIL_BLOCK : (size_t)pos;
		const char *nl;
		if ((rc = read_at(fd, buf, n, pos - (off_t)n, path, err)))
			goto out;
		pos -= (off_t)n;
		if ((nl = memrchr(buf, '\n', n))) {
			start = pos + (nl - buf) + 1;
			break;
		}
		if (end - pos > NHG_LOG_MAX_LINE) {
			rc = nhg_error_at(err, NHG_EINPUT, path, 0, 0, "the last line is longer than "
					  "%d bytes: this is not a decision log", NHG_LOG_MAX_LINE);
			goto out;
		}
	}
	if (end - start > NHG_LOG_MAX_LINE) {
		rc = nhg_error_at(err, NHG_EINPUT, path, 0, 0, "the last line is longer than %d "
				  "bytes: this is not a decision log", NHG_LOG_MAX_LINE);
		goto out;
	}
	/* refuse to chain onto anything that is not a record of ours */
	if (end - start < PREFIX_LEN ||
	    (rc = read_at(fd, prefix, PREFIX_LEN, start, path, err)) ||
	    memcmp(prefix, "{\"prev\":\"", 9) || prefix[PREFIX_LEN - 2] != '"' ||
	    prefix[PREFIX_LEN - 1] != ',') {
		if (!rc)
			rc = nhg_error_at(err, NHG_EINPUT, path, 0, 0, "the last line is not a "
					  "decision record (no \"prev\" first): not appending to it");
		goto out;
	}
	if (!(c = nhg_sha256_new())) {
		rc = nhg_error_set(err, NHG_ENOMEM, "out of memory");
		goto out;
	}
	for (pos = start; pos < end;) {
		size_t n = end - pos > TAIL_BLOCK ? TAIL_BLOCK : (size_t)(end - pos);
		if ((rc = read_at(fd, buf, n, pos, path, err)))
			goto out;
		nhg_sha256_update(c, buf, n);
		pos += (off_t)n;
	}
	nhg_sha256_final_hex(c, out);
	c = NULL;
out:
	if (c) {
		char unused[NHG_SHA256_HEXLEN + 1];
		nhg_sha256_final_hex(c, unused);   /* frees c */
	}
	free(buf);
	return rc;
}

/* Write all of buf at the end of fd; on failure cut the file back to size. */
static int write_line(int fd, const char *buf, size_t n, off_t size, const char *path,
		      nhg_error *err)
{
	const char *p = buf;
	size_t left = n;

	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : EIO;
			/* a partial line would break every later append: take it back */
			if (ftruncate(fd, size) != 0) {
				errno = e;
				return nhg_error_at(err, NHG_EIO, path, 0, 0, "cannot write the "
						    "decision log (%s), and cutting off the partial "
						    "line failed too", strerror(e));
			}
			errno = e;
			return io_error(err, path, "write");
		}
		p += w;
		left -= (size_t)w;
	}
	return 0;
}

/* Make a new log's directory entry durable too (best effort). */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int nhg_log_append(const char *path, const char *record, size_t len, char head[65],
		   nhg_error *err)
{
	char prev[NHG_SHA256_HEXLEN + 1], hash[NHG_SHA256_HEXLEN + 1], last;
	struct stat st;
	char *line = NULL;
	size_t n;
	int fd, rc;

	if ((rc = check_record(record, len, err)))
		return rc;
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return io_error(err, path, "open");
	while ((rc = flock(fd, LOCK_EX)) != 0 && errno == EINTR)
		;
	if (rc != 0) {
		rc = io_error(err, path, "lock");
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		rc = io_error(err, path, "stat");
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = nhg_error_at(err, NHG_EUSAGE, path, 0, 0, "the decision log must be a "
				  "regular file");
		goto out;
	}
	if (st.st_size == 0) {
		memcpy(prev, NHG_LOG_GENESIS, sizeof(prev));
	} else {
		if ((rc = read_at(fd, &last, 1, st.st_size - 1, path, err)))
			goto out;
		if (last != '\n') {
			rc = nhg_error_at(err, NHG_EINPUT, path, 0, 0, "the last line has no newline "
					  "(a torn write): repair the log before appending to it");
			goto out;
		}
		if ((rc = last_line_hash(prev, fd, st.st_size, path, err)))
			goto out;
	}
	n = PREFIX_LEN + (len - 1) + 1;
	if (!(line = malloc(n))) {
		rc = nhg_error_set(err, NHG_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(line, "{\"prev\":\"", 9);
	memcpy(line + 9, prev, NHG_SHA256_HEXLEN);
	memcpy(line + 9 + NHG_SHA256_HEXLEN, "\",", 2);
	memcpy(line + PREFIX_LEN, record + 1, len - 1);
	line[n - 1] = '\n';
	nhg_sha256_hex(hash, line, n - 1);
	if ((rc = write_line(fd, line, n, st.st_size, path, err)))
		goto out;
	if (fsync(fd) != 0) {
		rc = io_error(err, path, "sync");
		goto out;
	}
	if (st.st_size == 0)
		sync_dir(path);
	if (head)
		memcpy(head, hash, sizeof(hash));
out:
	free(line);
	close(fd);   /* releases the lock */
	return rc;
}
