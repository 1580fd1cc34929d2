/*
 * Growable arrays: a pointer, a count and a capacity kept by the caller.
 *
 *     if (NHG_ARRAY_RESERVE(r->items, r->n, r->cap, 16))
 *             return NHG_ENOMEM;
 *     r->items[r->n++] = item;
 *
 * NHG_ARRAY_RESERVE makes room for one more element, doubling the capacity
 * (starting at min); on failure the array is left as it was.
 */
#ifndef NHIGATE_ARRAY_H
#define NHIGATE_ARRAY_H

#include <stddef.h>

#define NHG_ARRAY_RESERVE(ptr, n, cap, min) \
	nhg_array__reserve((void *)&(ptr), (n), &(cap), sizeof(*(ptr)), (min))

/* 0, or NHG_ENOMEM. pp points at the caller's array pointer. */
int nhg_array__reserve(void *pp, size_t n, size_t *cap, size_t size, size_t min);

#endif
