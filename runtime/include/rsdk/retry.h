/* rsdk/retry.h — when a failed command may be tried again, and after how long.
 *
 * The policy is plain data; the decision is a pure function of the policy and
 * of what the caller knows about the failed attempt. The write guarantee:
 *
 *   a command is retried only if it is read-only, or if none of its bytes
 *   were handed to the connection before it failed. A write whose bytes may
 *   have reached the server is never sent again; it fails with its original
 *   error.
 *
 * So a retry can never run a write twice. See docs/retries.md. */
#ifndef RSDK_RETRY_H
#define RSDK_RETRY_H

#include "rsdk/backoff.h"
#include "rsdk/common.h"
#include "rsdk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bit for an error class in rsdk_retry_policy.classes. */
#define RSDK_RETRY_CLASS(cls) (1u << (unsigned)(cls))

/* Unbounded attempts (rsdk_retry_policy.max_attempts). */
#define RSDK_RETRY_UNBOUNDED (-1)

/* Room for status codes 0..255 in the per-code set. */
#define RSDK_RETRY_CODE_WORDS 4

/* Retry configuration. Initialise with rsdk_retry_policy_init(); new fields
 * are appended, never reordered. A failure is retryable when its class bit is
 * in `classes` or its code is in the code set (rsdk_retry_policy_add_code),
 * except RSDK_OK and RSDK_ERR_CLOSED (a client closed by its owner), which are
 * never retried. */
typedef struct rsdk_retry_policy {
    int max_attempts;              /* total tries including the first; 1 = never
                                    * retry; RSDK_RETRY_UNBOUNDED; default 10 */
    uint32_t classes;              /* RSDK_RETRY_CLASS(...) bits; default
                                    * RSDK_RETRY_CLASS(RSDK_CLASS_CONNECTION) */
    uint64_t codes[RSDK_RETRY_CODE_WORDS]; /* per-code set; default: the codes
                                    * rsdk_err_retryable() accepts */
    rsdk_backoff_opts backoff;     /* default {RSDK_BACKOFF_EQUAL_JITTER, 10, 1000} */
} rsdk_retry_policy;

/* Why rsdk_retry_check() said yes or no. */
typedef enum rsdk_retry_verdict {
    RSDK_RETRY_YES = 0,         /* try again after the backoff delay */
    RSDK_RETRY_NO_SUCCESS,      /* the "failure" was RSDK_OK */
    RSDK_RETRY_NO_ERROR_CLASS,  /* the policy does not retry this code */
    RSDK_RETRY_NO_EXHAUSTED,    /* max_attempts reached */
    RSDK_RETRY_NO_WRITE_SENT,   /* a write whose bytes may have reached the server */
    RSDK_RETRY_NO_INVALID,      /* NULL policy or attempt < 1 */
} rsdk_retry_verdict;

/* Sets every default: 10 attempts, connection errors and the other codes
 * rsdk_err_retryable() accepts, equal-jitter backoff 10..1000 ms. */
RSDK_API void rsdk_retry_policy_init(rsdk_retry_policy *p);

/* Sets max_attempts = 1: the first failure is final. Other fields keep their
 * defaults so the policy can be re-enabled by raising max_attempts. */
RSDK_API void rsdk_retry_policy_init_none(rsdk_retry_policy *p);

/* Adds or removes one code in the per-code set. RSDK_ERR_INVALID_ARG for a
 * NULL policy or a code outside 0..255; the policy is then untouched. */
RSDK_API rsdk_status rsdk_retry_policy_add_code(rsdk_retry_policy *p, rsdk_status code);
RSDK_API rsdk_status rsdk_retry_policy_remove_code(rsdk_retry_policy *p, rsdk_status code);

/* True when the policy retries `code` at all (before attempts and the write
 * guarantee are considered). */
RSDK_API bool rsdk_retry_policy_retries(const rsdk_retry_policy *p, rsdk_status code);

/* Initialises `b` with the policy's backoff and `seed` (same result codes as
 * rsdk_backoff_init). One backoff per retry loop. */
RSDK_API rsdk_status rsdk_retry_backoff_init(const rsdk_retry_policy *p, rsdk_backoff *b,
                                             uint64_t seed);

/* The decision, pure and thread-safe. `failure` is the status of the attempt
 * that just failed; `attempt` is how many attempts have been made so far
 * (1 after the first); `bytes_sent` is true when any byte of the command was
 * handed to the socket or TLS layer — pass true when unsure; `readonly` is
 * true only for commands flagged read-only (a command of unknown kind is a
 * write). Checks in order: invalid input, success, error class, write
 * guarantee, attempts. */
RSDK_API rsdk_retry_verdict rsdk_retry_check(const rsdk_retry_policy *p, rsdk_status failure,
                                             int attempt, bool bytes_sent, bool readonly);

/* rsdk_retry_check() plus the delay: when the verdict is RSDK_RETRY_YES,
 * stores the next delay from `b` (may be NULL: delay 0) in *delay_ms (may be
 * NULL) and returns true. Otherwise returns false and leaves *delay_ms and
 * `b` untouched; the caller fails with `failure` itself. */
RSDK_API bool rsdk_retry_should(const rsdk_retry_policy *p, rsdk_backoff *b, rsdk_status failure,
                                int attempt, bool bytes_sent, bool readonly, uint32_t *delay_ms);

/* Name of a verdict ("write_sent"). */
RSDK_API const char *rsdk_retry_verdict_str(rsdk_retry_verdict v);

#ifdef __cplusplus
}
#endif
#endif
