/* Retry: a write whose bytes may have reached the server is never sent again.
 * It fails with its original error; reads and unsent writes are retried. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rsdk/retry.h"

static rsdk_retry_policy unbounded(void) {
    rsdk_retry_policy p;
    rsdk_retry_policy_init(&p);
    p.max_attempts = RSDK_RETRY_UNBOUNDED;
    return p;
}

static void the_guarantee_table(void **st) {
    (void)st;
    rsdk_retry_policy p = unbounded();
    const rsdk_status retryable[] = {RSDK_ERR_IO,      RSDK_ERR_EOF,     RSDK_ERR_CONNECT,
                                     RSDK_ERR_TIMEOUT, RSDK_ERR_TLS,     RSDK_ERR_BROKEN,
                                     RSDK_ERR_LOADING, RSDK_ERR_BUSY,    RSDK_ERR_TRYAGAIN,
                                     RSDK_ERR_CLUSTERDOWN, RSDK_ERR_MASTERDOWN,
                                     RSDK_ERR_POOL_EXHAUSTED};
    for (size_t i = 0; i < sizeof retryable / sizeof retryable[0]; i++) {
        rsdk_status f = retryable[i];
        for (int attempt = 1; attempt <= 50; attempt += 7) {
            /*                              sent   readonly */
            assert_int_equal(rsdk_retry_check(&p, f, attempt, false, false), RSDK_RETRY_YES);
            assert_int_equal(rsdk_retry_check(&p, f, attempt, false, true), RSDK_RETRY_YES);
            assert_int_equal(rsdk_retry_check(&p, f, attempt, true, true), RSDK_RETRY_YES);
            assert_int_equal(rsdk_retry_check(&p, f, attempt, true, false),
                             RSDK_RETRY_NO_WRITE_SENT);
        }
    }
    /* Even a policy that retries everything keeps the guarantee. */
    p.classes = 0xFFFFFFFFu;
    for (rsdk_status c = 1; c < 40; c++) {
        if (c == RSDK_ERR_CLOSED || rsdk_err_class(c) == RSDK_CLASS_NONE) continue;
        assert_int_equal(rsdk_retry_check(&p, c, 1, true, false), RSDK_RETRY_NO_WRITE_SENT);
        assert_int_equal(rsdk_retry_check(&p, c, 1, false, false), RSDK_RETRY_YES);
    }
}

/* One attempt's scripted outcome. */
typedef struct {
    rsdk_status status;
    bool reached_server; /* bytes of the command were written */
} outcome;

static const outcome menu[] = {
    {RSDK_OK, true},
    {RSDK_ERR_TIMEOUT, true},     /* written, reply lost */
    {RSDK_ERR_EOF, true},         /* written, peer closed */
    {RSDK_ERR_CONNECT, false},    /* never connected */
    {RSDK_ERR_POOL_EXHAUSTED, false},
    {RSDK_ERR_BROKEN, false},     /* connection known broken before writing */
    {RSDK_ERR_LOADING, true},
    {RSDK_ERR_WRONGTYPE, true},   /* not retryable at all */
};
#define MENU (sizeof menu / sizeof menu[0])
#define DEPTH 5

typedef struct {
    rsdk_status result;
    int sends; /* attempts whose bytes reached the server */
    int attempts;
} run_result;

/* The loop a client runs, driven by a script of outcomes. */
static run_result run(const rsdk_retry_policy *p, const outcome *script, size_t n, bool readonly) {
    rsdk_backoff b;
    assert_int_equal(rsdk_retry_backoff_init(p, &b, 99), RSDK_OK);
    run_result r = {RSDK_OK, 0, 0};
    for (size_t i = 0;; i++) {
        const outcome o = i < n ? script[i] : (outcome){RSDK_OK, true};
        r.attempts++;
        if (o.reached_server) r.sends++;
        if (o.status == RSDK_OK) return r;
        uint32_t delay;
        if (!rsdk_retry_should(p, &b, o.status, r.attempts, o.reached_server, readonly, &delay)) {
            r.result = o.status;
            return r;
        }
        assert_true(delay <= p->backoff.cap_ms);
    }
}

static void no_script_makes_a_write_reach_the_server_twice(void **st) {
    (void)st;
    rsdk_retry_policy p = unbounded();
    outcome script[DEPTH];
    size_t combos = 1;
    for (int i = 0; i < DEPTH; i++) combos *= MENU;
    for (size_t c = 0; c < combos; c++) {
        size_t x = c;
        for (int i = 0; i < DEPTH; i++) {
            script[i] = menu[x % MENU];
            x /= MENU;
        }
        run_result w = run(&p, script, DEPTH, false);
        assert_true(w.sends <= 1);
        /* The first failure that reached the server is the one reported. */
        for (int i = 0; i < DEPTH; i++) {
            if (script[i].reached_server) {
                assert_int_equal(w.result, script[i].status);
                assert_int_equal(w.attempts, i + 1);
                break;
            }
            if (script[i].status != RSDK_OK && !rsdk_retry_policy_retries(&p, script[i].status)) {
                assert_int_equal(w.result, script[i].status);
                break;
            }
        }
        /* A read in the same script goes on until success or a fatal code. */
        run_result r = run(&p, script, DEPTH, true);
        bool fatal = false;
        for (int i = 0; i < DEPTH && script[i].status != RSDK_OK; i++)
            if (!rsdk_retry_policy_retries(&p, script[i].status)) {
                fatal = true;
                assert_int_equal(r.result, script[i].status);
                break;
            }
        if (!fatal) assert_int_equal(r.result, RSDK_OK);
    }
}

static void unsent_writes_retry_until_the_limit(void **st) {
    (void)st;
    rsdk_retry_policy p;
    rsdk_retry_policy_init(&p);
    p.max_attempts = 3;
    const outcome never[] = {{RSDK_ERR_CONNECT, false}, {RSDK_ERR_CONNECT, false},
                             {RSDK_ERR_CONNECT, false}, {RSDK_ERR_CONNECT, false}};
    run_result w = run(&p, never, 4, false);
    assert_int_equal(w.result, RSDK_ERR_CONNECT);
    assert_int_equal(w.attempts, 3);
    assert_int_equal(w.sends, 0);
    const outcome later[] = {{RSDK_ERR_CONNECT, false}, {RSDK_OK, true}};
    w = run(&p, later, 2, false);
    assert_int_equal(w.result, RSDK_OK);
    assert_int_equal(w.sends, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_guarantee_table),
        cmocka_unit_test(no_script_makes_a_write_reach_the_server_twice),
        cmocka_unit_test(unsent_writes_retry_until_the_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
