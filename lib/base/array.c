#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/array.h"
#include "nhigate/error.h"

int nhg_array__reserve(void *pp, size_t n, size_t *cap, size_t size, size_t min)
{
	void *p, *grown;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : (min ? min : 8);
	if (ncap <= n)
		ncap = n + 1;
	if (ncap > SIZE_MAX / size)
		return NHG_ENOMEM;
	/* the pointer is copied in and out: pp may point at any object pointer type */
	memcpy(&p, pp, sizeof(p));
	if (!(grown = realloc(p, ncap * size)))
		return NHG_ENOMEM;
	memcpy(pp, &grown, sizeof(grown));
	*cap = ncap;
	return 0;
}
