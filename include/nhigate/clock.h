/* Time budgets: a monotonic clock in nanoseconds. */
#ifndef NHIGATE_CLOCK_H
#define NHIGATE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Nanoseconds on CLOCK_MONOTONIC. */
uint64_t nhg_clock_ns(void);
/* True when deadline (an nhg_clock_ns value; 0: none) has passed. */
bool nhg_clock_passed(uint64_t deadline);

#endif
