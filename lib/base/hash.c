#include <stdlib.h>

#include <mbedtls/sha256.h>
#include <zlib.h>

#include "nhigate/hash.h"

struct nhg_sha256_ctx {
	mbedtls_sha256_context c;
};

static void to_hex(char *out, const unsigned char *d, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * n] = '\0';
}

void nhg_sha256_hex(char out[NHG_SHA256_HEXLEN + 1], const void *data, size_t len)
{
	unsigned char d[32];
	mbedtls_sha256_ret(data, len, d, 0);
	to_hex(out, d, sizeof(d));
}

nhg_sha256_ctx *nhg_sha256_new(void)
{
	nhg_sha256_ctx *c = malloc(sizeof(*c));
	if (!c)
		return NULL;
	mbedtls_sha256_init(&c->c);
	mbedtls_sha256_starts_ret(&c->c, 0);
	return c;
}

void nhg_sha256_update(nhg_sha256_ctx *c, const void *data, size_t len)
{
	mbedtls_sha256_update_ret(&c->c, data, len);
}

void nhg_sha256_final_hex(nhg_sha256_ctx *c, char out[NHG_SHA256_HEXLEN + 1])
{
	unsigned char d[32];
	mbedtls_sha256_finish_ret(&c->c, d);
	mbedtls_sha256_free(&c->c);
	free(c);
	to_hex(out, d, sizeof(d));
}

uint32_t nhg_crc32(const void *data, size_t len)
{
	uLong crc = crc32(0L, Z_NULL, 0);
	const unsigned char *p = data;
	while (len > 0) {
		uInt n = len > 0x40000000u ? 0x40000000u : (uInt)len;
		crc = crc32(crc, p, n);
		p += n;
		len -= n;
	}
	return (uint32_t)crc;
}
