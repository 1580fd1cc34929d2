#include <time.h>

#include "nhigate/clock.h"

uint64_t nhg_clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool nhg_clock_passed(uint64_t deadline)
{
	return deadline && nhg_clock_ns() >= deadline;
}
