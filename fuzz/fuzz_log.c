/*
 * The decision log (lib/gate/log*.c): any bytes as a log file, checked by
 * nhg_log_verify with and without an anchor, then extended by
 * nhg_log_append.  Properties: a log found intact stays intact after an
 * append and its head moves to the new line; a record the appender accepts
 * (the input's first line, appended to an empty log) is one the verifier
 * accepts; the in-place JSON scanner accepts every object jansson accepts
 * (within its depth bound) and decodes every string it accepts.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "gate/log_internal.h"
#include "nhigate/decision_log.h"

#define RECORD "{\"decision\":\"pass\",\"n\":1}"

static void verify(nhg_log_report *rep, const char *path, const char *anchor)
{
	nhg_error err = NHG_ERROR_INIT;
	int rc = nhg_log_verify(rep, path, anchor, &err);

	fuzz_check_rc(rc, &err, "nhg_log_verify");
	if (rc == 0) {
		fuzz_require(strlen(rep->head) == 64, "the head is a sha256");
		fuzz_require(rep->kind == NHG_LOG_INTACT ? !rep->message[0] && rep->record == 0
							 : rep->message[0] && (rep->record >= 1 ||
									  rep->kind == NHG_LOG_ANCHOR_MISSING),
			     "a break names a record and says why");
		fuzz_require(!strchr(rep->message, '\n'), "the message is one line");
	} else {
		rep->kind = -1;
	}
}

/* Every string of an accepted value decodes (keys included). */
static void decode_all(nhg_jscan *s, int depth)
{
	nhg_jstr str;
	char c = nhg_js_peek(s);
	bool first = true;
	int more;

	if (c == '{' && depth < NHG_JS_MAX_DEPTH) {
		fuzz_require(nhg_js_open(s, '{'), "open an accepted object");
		while ((more = nhg_js_key(s, &first, &str)) == 1) {
			char *d = nhg_js_decode(&str, 64);
			fuzz_require(d != NULL, "an accepted key decodes");
			free(d);
			decode_all(s, depth + 1);
		}
		fuzz_require(more == 0, "an accepted object closes");
	} else if (c == '[' && depth < NHG_JS_MAX_DEPTH) {
		fuzz_require(nhg_js_open(s, '['), "open an accepted array");
		while ((more = nhg_js_item(s, &first)) == 1)
			decode_all(s, depth + 1);
		fuzz_require(more == 0, "an accepted array closes");
	} else if (c == '"') {
		char *d;
		fuzz_require(nhg_js_string(s, &str), "scan an accepted string");
		d = nhg_js_decode(&str, 1u << 20);
		fuzz_require(d != NULL, "an accepted string decodes");
		free(d);
	} else {
		fuzz_require(nhg_js_skip(s), "skip an accepted value");
	}
}

static int depth_of(const json_t *j)
{
	int d = 0;
	size_t i;
	const char *k;
	json_t *v;

	if (json_is_array(j)) {
		json_array_foreach(j, i, v) {
			int e = depth_of(v);
			d = e > d ? e : d;
		}
		return d + 1;
	}
	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, k, v) {
			int e = depth_of(v);
			d = e > d ? e : d;
		}
		return d + 1;
	}
	return 0;
}

/* The scanner against jansson on one line. */
static void json_differential(const char *line, size_t len)
{
	const char *why = NULL;
	size_t at = 0;
	bool ours = nhg_js_object_ok(line, len, &why, &at);
	json_error_t e;
	json_t *j = json_loadb(line, len, JSON_ALLOW_NUL, &e);

	if (ours) {
		nhg_jscan s;
		/* jansson refuses numbers past its integer and double range only */
		fuzz_require(j || strstr(e.text, "too big") || strstr(e.text, "overflow"),
			     "jansson accepts what the log scanner accepts");
		fuzz_require(!j || json_is_object(j), "an accepted record is an object");
		nhg_js_init(&s, line, len);
		decode_all(&s, 0);
	} else if (j && json_is_object(j) && depth_of(j) <= NHG_JS_MAX_DEPTH) {
		fprintf(stderr, "scanner refused (%s at %zu) what jansson accepts\n", why, at);
		fuzz_require(0, "the log scanner accepts every object jansson accepts");
	}
	json_decref(j);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_tmpdir();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = fuzz_write_file("log", data, size);
	char path[600], head[65];
	nhg_log_report rep, again;
	nhg_error err = NHG_ERROR_INIT;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t first = nl ? (size_t)(nl - data) : size;
	int rc;

	fuzz_require(p != NULL, "temporary log written");
	snprintf(path, sizeof(path), "%s", p);
	json_differential((const char *)data, first);

	verify(&rep, path, NULL);
	verify(&again, path, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	fuzz_require(again.kind != NHG_LOG_INTACT || !again.anchor_given || again.anchor_found,
		     "a missing anchor is a break");
	rc = nhg_log_append(path, RECORD, strlen(RECORD), head, &err);
	fuzz_check_rc(rc, &err, "nhg_log_append");
	if (rep.kind == NHG_LOG_INTACT && rc == 0) {
		verify(&again, path, NULL);
		fuzz_require(again.kind == NHG_LOG_INTACT, "an intact log stays intact after an append");
		fuzz_require(!strcmp(again.head, head), "the head moves to the appended line");
		fuzz_require(again.records == rep.records + 1, "one more record");
		verify(&again, path, rep.head);
		fuzz_require(again.kind == NHG_LOG_INTACT && again.anchor_found,
			     "the old head anchors the longer log");
	}
	/* the input's first line as a record of a new log */
	unlink(path);
	memset(&err, 0, sizeof(err));
	rc = nhg_log_append(path, (const char *)data, first, head, &err);
	fuzz_check_rc(rc, &err, "nhg_log_append (new log)");
	if (rc == 0) {
		verify(&again, path, NULL);
		fuzz_require(again.kind == NHG_LOG_INTACT && again.records == 1,
			     "a record the appender takes, the verifier accepts");
	}
	unlink(path);
	return 0;
}
