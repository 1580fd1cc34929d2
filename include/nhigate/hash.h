/* SHA-256 (through libcrypto) and small hashing helpers. */
#ifndef NHIGATE_HASH_H
#define NHIGATE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define NHG_SHA256_HEXLEN 64

typedef struct nhg_sha256_ctx nhg_sha256_ctx;

/* out receives 64 lowercase hex digits and a NUL. */
void nhg_sha256_hex(char out[NHG_SHA256_HEXLEN + 1], const void *data, size_t len);

/* Incremental hashing: new, update any number of times, then final (frees). */
nhg_sha256_ctx *nhg_sha256_new(void);
void nhg_sha256_update(nhg_sha256_ctx *c, const void *data, size_t len);
void nhg_sha256_final_hex(nhg_sha256_ctx *c, char out[NHG_SHA256_HEXLEN + 1]);

/* CRC-32 (ISO-HDLC, as zlib) of data. */
uint32_t nhg_crc32(const void *data, size_t len);

#endif
