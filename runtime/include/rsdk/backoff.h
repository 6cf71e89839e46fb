/* rsdk/backoff.h — delays between retries and reconnects.
 *
 * A backoff is a small caller-owned value: the strategy, its base and cap (in
 * milliseconds), the attempt counter and its own pseudo-random state. Each
 * instance is seeded on its own, so there is no shared random generator and no
 * lock; two instances with the same seed give the same delays. An instance is
 * not thread-safe: one per retry loop, reconnect loop or token manager. */
#ifndef RSDK_BACKOFF_H
#define RSDK_BACKOFF_H

#include "rsdk/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Strategies. `n` is the attempt index (0 for the first delay) and
 * exp(n) = min(cap, base * 2^n). U(a, b) is uniform over [a, b]. */
typedef enum rsdk_backoff_kind {
    RSDK_BACKOFF_NONE = 0,             /* 0 */
    RSDK_BACKOFF_CONSTANT,             /* base */
    RSDK_BACKOFF_EXPONENTIAL,          /* exp(n) */
    RSDK_BACKOFF_FULL_JITTER,          /* U(0, exp(n)) */
    RSDK_BACKOFF_EQUAL_JITTER,         /* exp(n)/2 + U(0, exp(n)/2) */
    RSDK_BACKOFF_DECORRELATED_JITTER,  /* min(cap, U(base, 3 * previous)),
                                        * previous starts at base */
} rsdk_backoff_kind;

/* A backoff's configuration: the strategy, the first delay and the cap, in
 * milliseconds (cap_ms >= base_ms). Embedded by value in rsdk_retry_policy
 * (.backoff), rsdk_pubsub_opts (.reconnect_backoff), rsdk_token_opts and
 * rentra_opts (.retry_backoff). Frozen: it never grows (docs/abi.md), so
 * embedding it moves nothing. */
typedef struct rsdk_backoff_opts {
    rsdk_backoff_kind kind;
    uint32_t base_ms;
    uint32_t cap_ms;
} rsdk_backoff_opts;

/* Caller-owned state. The fields are public only so the value can live on
 * the stack or inside other structs; read and change it through the functions
 * below. */
typedef struct rsdk_backoff {
    rsdk_backoff_kind kind;
    uint32_t base_ms;
    uint32_t cap_ms;
    uint32_t attempt; /* delays handed out since init/reset (saturates) */
    uint32_t prev_ms; /* last delay, for decorrelated jitter */
    uint64_t rng;     /* splitmix64 state */
} rsdk_backoff;

/* Prepares `b`. `cap_ms` must be >= `base_ms` (cap is ignored by NONE and
 * CONSTANT but still checked). `seed` selects the random sequence; the same
 * seed always yields the same delays (use rsdk_backoff_seed_auto() for a
 * different one per instance). Returns RSDK_ERR_INVALID_ARG for a NULL `b`,
 * an unknown kind or cap < base, leaving `b` untouched. */
RSDK_API rsdk_status rsdk_backoff_init(rsdk_backoff *b, rsdk_backoff_kind kind, uint32_t base_ms,
                                       uint32_t cap_ms, uint64_t seed);

/* rsdk_backoff_init with the strategy, base and cap of `o` (same results;
 * a NULL `o` is RSDK_ERR_INVALID_ARG). */
RSDK_API rsdk_status rsdk_backoff_init_opts(rsdk_backoff *b, const rsdk_backoff_opts *o,
                                            uint64_t seed);

/* Delay in ms before the next attempt, then advances the attempt counter.
 * Never exceeds cap_ms; never overflows however many attempts were made. */
RSDK_API uint32_t rsdk_backoff_next(rsdk_backoff *b);

/* Starts over from attempt 0 (after a success). The random sequence carries
 * on; it is not re-seeded. */
RSDK_API void rsdk_backoff_reset(rsdk_backoff *b);

/* Attempts made since init/reset, i.e. the `n` the next delay will use. */
RSDK_API uint32_t rsdk_backoff_attempt(const rsdk_backoff *b);

/* min(cap_ms, base_ms * 2^n) without overflow, for any n. Pure. */
RSDK_API uint32_t rsdk_backoff_exp_ms(uint32_t base_ms, uint32_t cap_ms, uint32_t n);

/* A seed that differs between calls, threads and processes (clock, thread and
 * stack address mixed together); not for cryptography. Thread-safe. */
RSDK_API uint64_t rsdk_backoff_seed_auto(void);

/* Name of a strategy ("full_jitter"); "unknown" for other values. */
RSDK_API const char *rsdk_backoff_kind_str(rsdk_backoff_kind kind);

#ifdef __cplusplus
}
#endif
#endif
