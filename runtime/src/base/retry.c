/* Retry policy: the pure decision of whether a failed command may run again. */
#include "rsdk/retry.h"

#define MAX_CODE (RSDK_RETRY_CODE_WORDS * 64)

void rsdk_retry_policy_init(rsdk_retry_policy *p) {
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->max_attempts = 10;
    p->classes = RSDK_RETRY_CLASS(RSDK_CLASS_CONNECTION);
    /* The per-code default is exactly rsdk_err_retryable(), so the one list
     * in error.c stays the single place that says what may heal. */
    for (int c = 0; c < MAX_CODE; c++)
        if (rsdk_err_retryable(c)) p->codes[c / 64] |= 1ull << (c % 64);
    p->backoff.kind = RSDK_BACKOFF_EQUAL_JITTER;
    p->backoff.base_ms = 10;
    p->backoff.cap_ms = 1000;
}

void rsdk_retry_policy_init_none(rsdk_retry_policy *p) {
    if (!p) return;
    rsdk_retry_policy_init(p);
    p->max_attempts = 1;
}

rsdk_status rsdk_retry_policy_add_code(rsdk_retry_policy *p, rsdk_status code) {
    if (!p || code < 0 || code >= MAX_CODE) return RSDK_ERR_INVALID_ARG;
    p->codes[code / 64] |= 1ull << (code % 64);
    return RSDK_OK;
}

rsdk_status rsdk_retry_policy_remove_code(rsdk_retry_policy *p, rsdk_status code) {
    if (!p || code < 0 || code >= MAX_CODE) return RSDK_ERR_INVALID_ARG;
    p->codes[code / 64] &= ~(1ull << (code % 64));
    return RSDK_OK;
}

bool rsdk_retry_policy_retries(const rsdk_retry_policy *p, rsdk_status code) {
    /* A closed client was closed on purpose; no retry can reopen it. */
    if (!p || code == RSDK_OK || code == RSDK_ERR_CLOSED) return false;
    rsdk_errclass cls = rsdk_err_class(code);
    if (cls != RSDK_CLASS_NONE && cls < 32 && (p->classes & RSDK_RETRY_CLASS(cls))) return true;
    return code > 0 && code < MAX_CODE && (p->codes[code / 64] >> (code % 64)) & 1u;
}

rsdk_status rsdk_retry_backoff_init(const rsdk_retry_policy *p, rsdk_backoff *b, uint64_t seed) {
    if (!p) return RSDK_ERR_INVALID_ARG;
    return rsdk_backoff_init_opts(b, &p->backoff, seed);
}

rsdk_retry_verdict rsdk_retry_check(const rsdk_retry_policy *p, rsdk_status failure, int attempt,
                                    bool bytes_sent, bool readonly) {
    if (!p || attempt < 1) return RSDK_RETRY_NO_INVALID;
    if (failure == RSDK_OK) return RSDK_RETRY_NO_SUCCESS;
    if (!rsdk_retry_policy_retries(p, failure)) return RSDK_RETRY_NO_ERROR_CLASS;
    /* The write guarantee. Once bytes left for the server we cannot know
     * whether it executed the command (the reply may be what was lost), so a
     * write is only repeated when it provably never left. */
    if (bytes_sent && !readonly) return RSDK_RETRY_NO_WRITE_SENT;
    /* 0 and other negatives besides -1 count as 1: never retry. */
    if (p->max_attempts != RSDK_RETRY_UNBOUNDED) {
        int max = p->max_attempts < 1 ? 1 : p->max_attempts;
        if (attempt >= max) return RSDK_RETRY_NO_EXHAUSTED;
    }
    return RSDK_RETRY_YES;
}

bool rsdk_retry_should(const rsdk_retry_policy *p, rsdk_backoff *b, rsdk_status failure,
                       int attempt, bool bytes_sent, bool readonly, uint32_t *delay_ms) {
    if (rsdk_retry_check(p, failure, attempt, bytes_sent, readonly) != RSDK_RETRY_YES) return false;
    uint32_t d = b ? rsdk_backoff_next(b) : 0;
    if (delay_ms) *delay_ms = d;
    return true;
}

const char *rsdk_retry_verdict_str(rsdk_retry_verdict v) {
    switch (v) {
    case RSDK_RETRY_YES: return "yes";
    case RSDK_RETRY_NO_SUCCESS: return "success";
    case RSDK_RETRY_NO_ERROR_CLASS: return "error_class";
    case RSDK_RETRY_NO_EXHAUSTED: return "exhausted";
    case RSDK_RETRY_NO_WRITE_SENT: return "write_sent";
    case RSDK_RETRY_NO_INVALID: return "invalid";
    }
    return "unknown";
}
