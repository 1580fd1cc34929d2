#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nhigate/array.h"
#include "nhigate/buf.h"
#include "nhigate/dir.h"
#include "nhigate/hash.h"
#include "rules/pack.h"

void *nhg_pack__own(nhg_rulepack *pack, void *p)
{
	if (!p)
		return NULL;
	if (NHG_ARRAY_RESERVE(pack->owned, pack->nowned, pack->capowned, 256)) {
		free(p);
		return NULL;
	}
	pack->owned[pack->nowned++] = p;
	return p;
}

char *nhg_pack__strndup(nhg_rulepack *pack, const char *s, size_t len)
{
	char *p = malloc(len + 1);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return nhg_pack__own(pack, p);
}

int nhg_pack__strlist_add(nhg_rulepack *pack, nhg_strlist *l, const char *s, size_t len)
{
	/* lists are small: grow one by one, the old array stays owned */
	const char **v = malloc((l->n + 1) * sizeof(*v));
	char *copy = nhg_pack__strndup(pack, s, len);
	if (!v || !copy || !nhg_pack__own(pack, v)) {
		if (!copy)
			free(v);
		return NHG_ENOMEM;
	}
	if (l->n)
		memcpy(v, l->v, l->n * sizeof(*v));
	v[l->n++] = copy;
	l->v = v;
	return 0;
}

static void jit_all(pcre2_code **v, size_t n)
{
	/* JIT is an accelerator: without it the interpreter gives the same answers */
	for (size_t i = 0; v && i < n; i++)
		if (v[i])
			pcre2_jit_compile(v[i], PCRE2_JIT_COMPLETE);
}

int nhg_pack__compile(pcre2_code **out, const char *re, uint32_t options,
		      const char *file, int line, int col, nhg_error *err)
{
	int errcode;
	PCRE2_SIZE off;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, options,
					 &errcode, &off, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		return nhg_error_at(err, NHG_EINPUT, file, line, col,
				    "invalid regex at offset %zu: %s", (size_t)off, msg);
	}
	*out = code; /* JIT-compiled on first use: nhg_rulepack__matcher */
	return 0;
}

static int load_dir(nhg_rulepack *pack, const char *dir, nhg_sha256_ctx *h,
		    nhg_error *err)
{
	char **names;
	size_t n;
	int rc = nhg_dir_yaml_files(&names, &n, dir, err);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < n; i++)
		rc = nhg_pack__load_file(pack, names[i], h, err);
	nhg_dir_free(names, n);
	return rc;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int nhg_rulepack_load(nhg_rulepack **out, const char *const *paths, size_t npaths,
		      nhg_error *err)
{
	nhg_rulepack *pack = calloc(1, sizeof(*pack));
	nhg_sha256_ctx *h = nhg_sha256_new();
	int rc = 0;

	if (!pack || !h) {
		free(pack);
		if (h)
			nhg_sha256_final_hex(h, (char[65]){ 0 });
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < npaths && !rc; i++) {
		if (is_dir(paths[i])) {
			nhg_buf sub = NHG_BUF_INIT(4096);
			if (nhg_buf_printf(&sub, "%s/secrets", paths[i]) == 0 && is_dir(sub.ptr))
				rc = load_dir(pack, sub.ptr, h, err);
			else
				rc = load_dir(pack, paths[i], h, err);
			nhg_buf_free(&sub);
		} else {
			rc = nhg_pack__load_file(pack, paths[i], h, err);
		}
	}
	nhg_sha256_final_hex(h, pack->sha256);
	if (!rc && pack->allow.n) {
		pack->allow_re = nhg_pack__own(pack, calloc(pack->allow.n, sizeof(pcre2_code *)));
		if (!pack->allow_re)
			rc = nhg_error_set(err, NHG_ENOMEM, "out of memory");
		for (size_t i = 0; !rc && i < pack->allow.n; i++)
			rc = nhg_pack__compile(&pack->allow_re[i], pack->allow.v[i], 0,
					       "<pack allow>", 0, 0, err);
		if (!rc)
			jit_all(pack->allow_re, pack->allow.n); /* every candidate meets them */
	}
	if (rc) {
		nhg_rulepack_free(pack);
		return rc;
	}
	*out = pack;
	return 0;
}

void nhg_rulepack_free(nhg_rulepack *pack)
{
	if (!pack)
		return;
	for (size_t i = 0; i < pack->n; i++) {
		nhg_compiled_rule *c = &pack->compiled[i];
		pcre2_code_free(c->re);
		pcre2_code_free(c->re_anchored);
		for (size_t j = 0; c->allow && j < pack->rules[i].allow.n; j++)
			pcre2_code_free(c->allow[j]);
		free(c->allow);
		for (size_t j = 0; c->allow_match && j < pack->rules[i].allow_match.n; j++)
			pcre2_code_free(c->allow_match[j]);
		free(c->allow_match);
	}
	for (size_t i = 0; pack->allow_re && i < pack->allow.n; i++)
		pcre2_code_free(pack->allow_re[i]);
	for (size_t i = 0; i < pack->nowned; i++)
		free(pack->owned[i]);
	free(pack->owned);
	free(pack->rules);
	free(pack->compiled);
	free(pack);
}

size_t nhg_rulepack_count(const nhg_rulepack *pack)
{
	return pack->n;
}

const nhg_rule *nhg_rulepack_rule(const nhg_rulepack *pack, size_t i)
{
	return i < pack->n ? &pack->rules[i] : NULL;
}

const nhg_rule *nhg_rulepack_find(const nhg_rulepack *pack, const char *id)
{
	for (size_t i = 0; i < pack->n; i++)
		if (strcmp(pack->rules[i].id, id) == 0)
			return &pack->rules[i];
	return NULL;
}

const char *nhg_rulepack_sha256(const nhg_rulepack *pack)
{
	return pack->sha256;
}

const nhg_strlist *nhg_rulepack_allow(const nhg_rulepack *pack)
{
	return &pack->allow;
}

const nhg_strlist *nhg_rulepack_stopwords(const nhg_rulepack *pack)
{
	return &pack->stopwords;
}

const nhg_compiled_rule *nhg_rulepack__compiled(const nhg_rulepack *pack, size_t i)
{
	return &pack->compiled[i];
}

const nhg_compiled_rule *nhg_rulepack__matcher(const nhg_rulepack *pack, size_t i)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	nhg_compiled_rule *c = &pack->compiled[i];

	if (atomic_load_explicit(&c->jitted, memory_order_acquire))
		return c;
	pthread_mutex_lock(&lock);
	if (!atomic_load_explicit(&c->jitted, memory_order_relaxed)) {
		jit_all(&c->re, 1);
		jit_all(&c->re_anchored, 1);
		jit_all(c->allow, pack->rules[i].allow.n);
		jit_all(c->allow_match, pack->rules[i].allow_match.n);
		atomic_store_explicit(&c->jitted, true, memory_order_release);
	}
	pthread_mutex_unlock(&lock);
	return c;
}

pcre2_code *const *nhg_rulepack__allow(const nhg_rulepack *pack)
{
	return pack->allow_re;
}
