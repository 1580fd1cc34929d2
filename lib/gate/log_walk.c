/*
 * Reading a decision log quickly with flat memory (log_internal.h).
 *
 * The file is read in rounds: up to ROUND_LINES whole lines in one of two
 * BUF_BYTES buffers.  Two threads share a round: while this thread parses
 * its lines, the helper reads and splits the next round into the other
 * buffer and starts hashing it, then helps parse what is left; this thread
 * consumes the round in order, helps hash the next one, and hands the
 * round to the chain sink.  Work is handed out in small batches through
 * atomic counters, so the two threads finish together.  Memory: two buffers,
 * two rounds of hashes and slots, whatever the size of the log.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log_internal.h"
#include "nhigate/hash.h"

#define BUF_BYTES (4u << 20)   /* holds a longest line and then some */
#define ROUND_LINES 4096
#define PARSE_BATCH 16
#define HASH_BATCH 8

typedef struct round {
	char *buf;
	size_t have;                 /* bytes in buf */
	size_t used;                 /* bytes of whole lines in this round */
	uint64_t first;              /* line number of the first line */
	size_t n;                    /* lines; 0: the log has ended */
	bool torn;                   /* its one line is a last line without newline */
	bool hashed;
	size_t off[ROUND_LINES], len[ROUND_LINES];
	char hash[ROUND_LINES][NHG_SHA256_HEXLEN + 1];
	unsigned char notjson[ROUND_LINES];
	unsigned char *slots;
	atomic_size_t next;          /* the next line to parse */
	atomic_size_t done;          /* lines parsed */
	atomic_size_t hnext;         /* the next line to hash */
	atomic_bool ready;           /* read and split: its lines may be hashed */
	int rc;                      /* reading it failed: rc and err */
	nhg_error err;
} round;

typedef struct file {
	const char *path;
	int fd;
	off_t left;                  /* bytes still to read; -1: until EOF */
	bool eof;
} file;

typedef struct job {
	file *f;
	const nhg_log_reader *rd;
	round *cur, *nxt;            /* nxt == NULL: no round after cur */
} job;

static int read_into(file *f, round *r)
{
	while (r->have < BUF_BYTES && !f->eof) {
		size_t want = BUF_BYTES - r->have;
		ssize_t got;
		if (f->left >= 0 && (off_t)want > f->left)
			want = (size_t)f->left;
		if (want == 0) {
			f->eof = true;
			break;
		}
		got = read(f->fd, r->buf + r->have, want);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return nhg_error_at(&r->err, NHG_EIO, f->path, 0, 0, "cannot read the decision "
					    "log: %s", strerror(errno));
		if (got == 0) {
			f->eof = true;
			break;
		}
		r->have += (size_t)got;
		if (f->left >= 0)
			f->left -= got;
	}
	return 0;
}

/* Fill r with the lines after prev (NULL: the first round). */
static void prepare(file *f, round *r, const round *prev)
{
	r->have = r->used = r->n = 0;
	r->torn = r->hashed = false;
	r->rc = 0;
	r->first = prev ? prev->first + prev->n : 1;
	if (prev) {   /* the part line (or lines past ROUND_LINES) it left */
		r->have = prev->have - prev->used;
		memcpy(r->buf, prev->buf + prev->used, r->have);
	}
	if ((r->rc = read_into(f, r)))
		return;
	while (r->n < ROUND_LINES && r->used < r->have) {
		const char *start = r->buf + r->used;
		const char *nl = memchr(start, '\n', r->have - r->used);
		size_t len = nl ? (size_t)(nl - start) : r->have - r->used;
		if (len > NHG_LOG_MAX_LINE) {
			uint64_t at = r->first + r->n;
			r->rc = nhg_error_at(&r->err, NHG_EINPUT, f->path, at > INT32_MAX ? 0 : (int)at,
					     0, "record %" PRIu64 " is longer than %d bytes", at,
					     NHG_LOG_MAX_LINE);
			return;
		}
		if (!nl)
			break;
		r->off[r->n] = r->used;
		r->len[r->n++] = len;
		r->used += len + 1;
	}
	if (r->n == 0 && f->eof && r->have > 0) {
		/* a last line without its newline: handed over on its own */
		r->off[0] = 0;
		r->len[0] = r->have;
		r->n = 1;
		r->used = r->have;
		r->torn = true;
	}
}

static void hash_lines(round *r)
{
	for (size_t i = 0; i < r->n; i++)
		nhg_sha256_hex(r->hash[i], r->buf + r->off[i], r->len[i]);
	r->hashed = true;
}

/* Hash lines of r, HASH_BATCH at a time, until none is left. */
static void hash_share(round *r)
{
	for (;;) {
		size_t i = atomic_fetch_add_explicit(&r->hnext, HASH_BATCH, memory_order_relaxed);
		size_t end = i + HASH_BATCH < r->n ? i + HASH_BATCH : r->n;
		if (i >= r->n)
			return;
		for (; i < end; i++)
			nhg_sha256_hex(r->hash[i], r->buf + r->off[i], r->len[i]);
	}
}

/* Parse lines of r, PARSE_BATCH at a time, until none is left. */
static void parse_share(const nhg_log_reader *rd, round *r)
{
	if (!rd || !rd->parse)
		return;
	for (;;) {
		size_t i = atomic_fetch_add_explicit(&r->next, PARSE_BATCH, memory_order_relaxed);
		size_t end = i + PARSE_BATCH < r->n ? i + PARSE_BATCH : r->n, k;
		if (i >= r->n)
			return;
		for (k = i; k < end; k++)
			r->notjson[k] = rd->parse(rd->ctx, r->buf + r->off[k], r->len[k],
						  r->slots + k * rd->slot_size) > 0;
		atomic_fetch_add_explicit(&r->done, end - i, memory_order_release);
	}
}

static void reset_parse(const nhg_log_reader *rd, round *r)
{
	atomic_store_explicit(&r->next, 0, memory_order_relaxed);
	atomic_store_explicit(&r->done, 0, memory_order_relaxed);
	memset(r->notjson, 0, r->n);
	if (rd && rd->slot_size)
		memset(r->slots, 0, r->n * rd->slot_size);
}

/*
 * The helper's part of a round: read the next round while this one is
 * parsed here, hash it (this thread joins in once it is done with its
 * own), then help parse what is left of this one.
 */
static void *helper(void *arg)
{
	job *j = arg;
	if (!j->cur->hashed)
		hash_lines(j->cur);
	if (j->nxt) {
		prepare(j->f, j->nxt, j->cur);
		if (!j->nxt->rc) {
			atomic_store_explicit(&j->nxt->hnext, 0, memory_order_relaxed);
			atomic_store_explicit(&j->nxt->ready, true, memory_order_release);
			hash_share(j->nxt);
		}
	}
	parse_share(j->rd, j->cur);
	return NULL;
}

static int open_snapshot(file *f, nhg_error *err)
{
	struct stat st;
	int r;

	f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return nhg_error_at(err, NHG_EIO, f->path, 0, 0, "cannot open the decision log: %s",
				    strerror(errno));
	/* appenders hold LOCK_EX until their line is whole: the size seen under
	 * LOCK_SH ends on a line boundary, and later appends only add after it */
	while ((r = flock(f->fd, LOCK_SH)) != 0 && errno == EINTR)
		;
	if (fstat(f->fd, &st) != 0) {
		int e = errno;
		close(f->fd);
		return nhg_error_at(err, NHG_EIO, f->path, 0, 0, "cannot read the decision log: %s",
				    strerror(e));
	}
	if (r == 0)
		(void)flock(f->fd, LOCK_UN);
	if (S_ISDIR(st.st_mode)) {
		close(f->fd);
		return nhg_error_at(err, NHG_EIO, f->path, 0, 0, "cannot read the decision log: it "
				    "is a directory");
	}
	f->left = S_ISREG(st.st_mode) ? st.st_size : -1;
	f->eof = false;
	if (S_ISREG(st.st_mode))
		(void)posix_fadvise(f->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
}

static round *new_round(const nhg_log_reader *rd)
{
	round *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->buf = malloc(BUF_BYTES);
	if (rd && rd->slot_size)
		r->slots = malloc(ROUND_LINES * rd->slot_size);
	if (!r->buf || (rd && rd->slot_size && !r->slots)) {
		free(r->buf);
		free(r->slots);
		free(r);
		return NULL;
	}
	return r;
}

static void free_round(round *r)
{
	if (r) {
		free(r->buf);
		free(r->slots);
		free(r);
	}
}

/* The reader's consume, over r's lines in order. */
static int consume_round(const nhg_log_reader *rd, round *r, nhg_error *err)
{
	for (size_t i = 0; rd && rd->consume && i < r->n; i++) {
		int x = rd->consume(rd->ctx, r->first + i, r->buf + r->off[i], r->len[i],
				    r->slots + i * rd->slot_size, err);
		if (x < 0)
			return x;
	}
	return 0;
}

/* r's lines and hashes to the chain check, in order. */
static void chain_round(const nhg_log_sink *sink, const round *r)
{
	if (r->torn) {
		sink->torn(sink->ctx);
		return;
	}
	for (size_t i = 0; i < r->n; i++)
		sink->line(sink->ctx, r->buf + r->off[i], r->len[i], r->hash[i], r->notjson[i]);
}

int nhg_log_read(const char *path, const nhg_log_reader *rd, const nhg_log_sink *sink,
		 nhg_error *err)
{
	round *rounds[2] = { new_round(rd), new_round(rd) };
	file f = { path, -1, 0, false };
	int rc = 0;

	if (!rounds[0] || !rounds[1]) {
		rc = nhg_error_set(err, NHG_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = open_snapshot(&f, err)))
		goto out;
	prepare(&f, rounds[0], NULL);
	for (unsigned k = 0;; k++) {
		round *cur = rounds[k % 2], *nxt = rounds[(k + 1) % 2];
		job j = { &f, rd, cur, cur->torn || cur->n == 0 ? NULL : nxt };
		pthread_t t;
		bool threaded;

		if (cur->rc) {
			*err = cur->err;
			rc = cur->rc;
			break;
		}
		if (cur->n == 0)
			break;
		reset_parse(rd, cur);
		atomic_store_explicit(&nxt->ready, false, memory_order_relaxed);
		threaded = pthread_create(&t, NULL, helper, &j) == 0;
		if (threaded) {
			parse_share(rd, cur);
			/* the helper finishes its last batch (a few lines) */
			while (rd && rd->parse &&
			       atomic_load_explicit(&cur->done, memory_order_acquire) < cur->n)
				sched_yield();
			rc = consume_round(rd, cur, err);
			if (j.nxt && atomic_load_explicit(&nxt->ready, memory_order_acquire))
				hash_share(nxt);
			pthread_join(t, NULL);   /* cur hashed, nxt read and hashed */
			if (j.nxt)
				nxt->hashed = !nxt->rc;
		} else {
			hash_lines(cur);
			parse_share(rd, cur);
			rc = consume_round(rd, cur, err);
			if (!rc && j.nxt)
				prepare(&f, nxt, cur);
		}
		if (!rc)
			chain_round(sink, cur);
		if (rc || !j.nxt)
			break;
	}
	close(f.fd);
out:
	free_round(rounds[0]);
	free_round(rounds[1]);
	return rc;
}
