/*
 * Offline structure checks a rule can ask for with "validate:".
 *
 * github-crc32: GitHub's 2021 token format (ghp_, gho_, ghu_, ghs_, ghr_,
 * and npm's npm_) ends in six base62 characters that encode the CRC-32 of
 * the 30 characters between the 4-byte prefix and the checksum.
 */
#include <string.h>

#include "nhigate/hash.h"
#include "nhigate/rules.h"

static bool github_crc32(const char *s, size_t len)
{
	static const char b62[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	char want[6];
	uint32_t crc;

	if (len != 40)
		return false;
	crc = nhg_crc32(s + 4, 30);
	for (int i = 5; i >= 0; i--) {
		want[i] = b62[crc % 62];
		crc /= 62;
	}
	return memcmp(want, s + 34, 6) == 0;
}

static const struct {
	const char *name;
	bool (*check)(const char *s, size_t len);
} validators[] = {
	{ "github-crc32", github_crc32 },
};

bool nhg_validator_known(const char *name)
{
	for (size_t i = 0; i < sizeof(validators) / sizeof(validators[0]); i++)
		if (strcmp(name, validators[i].name) == 0)
			return true;
	return false;
}

bool nhg_validator_run(const char *name, const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(validators) / sizeof(validators[0]); i++)
		if (strcmp(name, validators[i].name) == 0)
			return validators[i].check(s, len);
	return false;
}
