/*
 * bench_rng.h - the random numbers of the benchmark generators: splitmix64,
 * seeded, so that a seed gives the same profiles on every machine. Shared by
 * bench_load.c and bench_match.c (header-only: each tool is one file).
 */
#ifndef BENCH_RNG_H
#define BENCH_RNG_H

#include <stdint.h>

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t rng_below(rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static long long rng_range(rng *r, long long lo, long long hi)
{
    return lo + (long long)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static double rng_unit(rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static int rng_chance(rng *r, double p)
{
    return rng_unit(r) < p;
}

#endif
