/* Backoff strategies: pure arithmetic over a per-instance splitmix64 state. */
#include "rsdk/backoff.h"

#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "rsdk/error.h"

/* splitmix64 (Steele, Lea, Flood): tiny state, full period, any seed works,
 * including 0 — good enough for spreading retries, not for secrets. */
static uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform over [lo, hi] without modulo bias: reject the short last bucket. */
static uint64_t uniform(uint64_t *state, uint64_t lo, uint64_t hi) {
    if (hi <= lo) return lo;
    uint64_t span = hi - lo;
    if (span == UINT64_MAX) return splitmix64(state);
    uint64_t range = span + 1;
    uint64_t limit = UINT64_MAX - (UINT64_MAX % range);
    uint64_t x;
    do x = splitmix64(state);
    while (x >= limit);
    return lo + x % range;
}

uint32_t rsdk_backoff_exp_ms(uint32_t base_ms, uint32_t cap_ms, uint32_t n) {
    if (base_ms == 0) return 0;
    /* base >= 1, so base * 2^32 already exceeds any uint32 cap. */
    if (n >= 32) return cap_ms;
    uint64_t v = (uint64_t)base_ms << n;
    return v > cap_ms ? cap_ms : (uint32_t)v;
}

rsdk_status rsdk_backoff_init(rsdk_backoff *b, rsdk_backoff_kind kind, uint32_t base_ms,
                              uint32_t cap_ms, uint64_t seed) {
    if (!b || (unsigned)kind > (unsigned)RSDK_BACKOFF_DECORRELATED_JITTER || cap_ms < base_ms)
        return RSDK_ERR_INVALID_ARG;
    b->kind = kind;
    b->base_ms = base_ms;
    b->cap_ms = cap_ms;
    b->attempt = 0;
    b->prev_ms = base_ms;
    b->rng = seed;
    return RSDK_OK;
}

rsdk_status rsdk_backoff_init_opts(rsdk_backoff *b, const rsdk_backoff_opts *o, uint64_t seed) {
    if (!o) return RSDK_ERR_INVALID_ARG;
    return rsdk_backoff_init(b, o->kind, o->base_ms, o->cap_ms, seed);
}

uint32_t rsdk_backoff_next(rsdk_backoff *b) {
    if (!b) return 0;
    uint32_t n = b->attempt;
    uint32_t exp = rsdk_backoff_exp_ms(b->base_ms, b->cap_ms, n);
    uint32_t d = 0;
    switch (b->kind) {
    case RSDK_BACKOFF_NONE: d = 0; break;
    case RSDK_BACKOFF_CONSTANT: d = b->base_ms; break;
    case RSDK_BACKOFF_EXPONENTIAL: d = exp; break;
    case RSDK_BACKOFF_FULL_JITTER: d = (uint32_t)uniform(&b->rng, 0, exp); break;
    case RSDK_BACKOFF_EQUAL_JITTER: {
        /* The lower half is the floor, so the delay is never below exp/2. */
        uint32_t half = exp / 2;
        d = (uint32_t)uniform(&b->rng, half, exp);
        break;
    }
    case RSDK_BACKOFF_DECORRELATED_JITTER: {
        /* 3 * prev is done in 64 bits: prev can be as large as UINT32_MAX. */
        uint64_t hi = (uint64_t)b->prev_ms * 3;
        if (hi < b->base_ms) hi = b->base_ms;
        uint64_t v = uniform(&b->rng, b->base_ms, hi);
        d = v > b->cap_ms ? b->cap_ms : (uint32_t)v;
        break;
    }
    }
    b->prev_ms = d;
    if (b->attempt < UINT32_MAX) b->attempt++;
    return d;
}

void rsdk_backoff_reset(rsdk_backoff *b) {
    if (!b) return;
    b->attempt = 0;
    b->prev_ms = b->base_ms;
}

uint32_t rsdk_backoff_attempt(const rsdk_backoff *b) { return b ? b->attempt : 0; }

uint64_t rsdk_backoff_seed_auto(void) {
    /* The counter only makes two calls in the same nanosecond differ; the
     * randomness itself is per instance. */
    static _Atomic uint64_t calls;
    struct timespec rt = {0, 0}, mono = {0, 0};
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    int local = 0;
    uint64_t s = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec;
    s ^= ((uint64_t)mono.tv_nsec << 32) ^ (uint64_t)mono.tv_sec;
    s ^= (uint64_t)(uintptr_t)&local;
    s ^= (uint64_t)getpid() << 48;
    s ^= atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed) * 0xD1B54A32D192ED03ull;
    uint64_t st = s;
    return splitmix64(&st);
}

const char *rsdk_backoff_kind_str(rsdk_backoff_kind kind) {
    switch (kind) {
    case RSDK_BACKOFF_NONE: return "none";
    case RSDK_BACKOFF_CONSTANT: return "constant";
    case RSDK_BACKOFF_EXPONENTIAL: return "exponential";
    case RSDK_BACKOFF_FULL_JITTER: return "full_jitter";
    case RSDK_BACKOFF_EQUAL_JITTER: return "equal_jitter";
    case RSDK_BACKOFF_DECORRELATED_JITTER: return "decorrelated_jitter";
    }
    return "unknown";
}
