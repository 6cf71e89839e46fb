/* Token manager: failed refreshes are retried with jittered backoff; a token
 * expiring unrefreshed, or retries running out, is reported once as terminal;
 * a failed start leaves nothing running; a fetch's retry hint (Retry-After,
 * a rejected secret) is waited at least, or ends retrying at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "rsdk/credentials.h"
#include "support/session_util.h"

/* Fetches succeed while `failing` is 0 (tokens living lifetime_ms) and fail
 * with `failing` otherwise. fail_after: calls after this many start failing. */
typedef struct {
    atomic_int calls;
    atomic_int failing;
    int fail_from, fail_until; /* calls in [from, until] fail (1-based; 0 = off) */
    rsdk_status code;
    int64_t lifetime_ms;
    int64_t later_lifetime_ms; /* after the failing window */
} script;

static rsdk_status fetch(rsdk_credentials *out, rsdk_error *err, void *ud) {
    script *s = ud;
    int n = atomic_fetch_add(&s->calls, 1) + 1;
    rsdk_status f = (rsdk_status)atomic_load(&s->failing);
    if (f == RSDK_OK && s->fail_from && n >= s->fail_from && n <= s->fail_until) f = s->code;
    if (f != RSDK_OK) return rsdk_error_set(err, f, 0, "identity provider unavailable");
    char tok[32];
    snprintf(tok, sizeof tok, "tok-%d", n);
    int64_t life = s->fail_from && n > s->fail_until && s->later_lifetime_ms ? s->later_lifetime_ms
                                                                             : s->lifetime_ms;
    return rsdk_credentials_set(out, rsdk_str_n(NULL, 0), rsdk_str_c(tok), tu_wall_ms() + life);
}

static tu_recorder rec;
static rsdk_events *bus;

static int setup(void **st) {
    (void)st;
    tu_recorder_init(&rec);
    if (rsdk_events_new(&bus) != RSDK_OK) return -1;
    return rsdk_events_subscribe(bus, 0, tu_recorder_fn, &rec, NULL) == RSDK_OK ? 0 : -1;
}

static int teardown(void **st) {
    (void)st;
    rsdk_events_free(bus);
    tu_recorder_deinit(&rec);
    return 0;
}

static rsdk_token_manager *make(script *s, void (*tune)(rsdk_token_opts *)) {
    rsdk_token_opts o;
    rsdk_token_opts_init(&o);
    o.fetch = fetch;
    o.fetch_ud = s;
    o.events = bus;
    o.min_lead_ms = 0;
    o.seed = 7;
    tune(&o);
    rsdk_token_manager *tm = NULL;
    assert_int_equal(rsdk_token_manager_new(&o, &tm), RSDK_OK);
    return tm;
}

/* Waits until a terminal failure was recorded; returns its index or -1. */
static int wait_terminal(tu_record *r, size_t max, size_t *n, int64_t timeout_ms) {
    int64_t end = tu_mono_ms() + timeout_ms;
    do {
        *n = tu_recorder_snapshot(&rec, r, max);
        for (size_t i = 0; i < *n; i++)
            if (r[i].ev.type == RSDK_EVENT_TOKEN_REFRESH_FAILED && r[i].ev.token_failed.terminal)
                return (int)i;
        tu_sleep_ms(5);
    } while (tu_mono_ms() < end);
    return -1;
}

/* ---- retried, then success ---------------------------------------------- */

static void tune_retry(rsdk_token_opts *o) {
    o->refresh_ratio = 0.5;
    o->retry_backoff.kind = RSDK_BACKOFF_EQUAL_JITTER;
    o->retry_backoff.base_ms = 40;
    o->retry_backoff.cap_ms = 1000;
}

static void failures_are_retried_with_backoff_then_succeed(void **st) {
    (void)st;
    /* Token 1 lives 2 s, refresh at 1 s; calls 2..4 fail; call 5 succeeds. */
    script s = {0};
    s.fail_from = 2;
    s.fail_until = 4;
    s.code = RSDK_ERR_IO;
    s.lifetime_ms = 2000;
    s.later_lifetime_ms = 60000;
    rsdk_token_manager *tm = make(&s, tune_retry);
    int64_t t0 = tu_mono_ms();
    assert_int_equal(rsdk_token_manager_start(tm, NULL), RSDK_OK);
    assert_true(tu_recorder_wait(&rec, RSDK_EVENT_TOKEN_REFRESHED, 2, 10000));
    rsdk_token_manager_stop(tm);

    tu_record r[16];
    size_t n = tu_recorder_snapshot(&rec, r, 16);
    assert_int_equal(n, 5);
    assert_int_equal(r[0].ev.type, RSDK_EVENT_TOKEN_REFRESHED);
    assert_int_equal(r[0].ev.token_refreshed.generation, 1);
    assert_true(r[1].at_ms - t0 >= 900); /* the first refresh waited for its time */
    for (int i = 1; i <= 3; i++) {
        const rsdk_event *ev = &r[i].ev;
        assert_int_equal(ev->type, RSDK_EVENT_TOKEN_REFRESH_FAILED);
        assert_int_equal(ev->token_failed.status, RSDK_ERR_IO);
        assert_int_equal(ev->token_failed.attempt, i);
        assert_true(ev->token_failed.will_retry);
        assert_false(ev->token_failed.terminal);
        /* Equal jitter: within [exp/2, exp] for exp = 40 * 2^(i-1). */
        uint32_t exp = 40u << (i - 1);
        assert_true(ev->token_failed.retry_in_ms >= exp / 2 - 1);
        assert_true(ev->token_failed.retry_in_ms <= exp);
        /* The next attempt honoured the delay (minus clock rounding). */
        assert_true(r[i + 1].at_ms - r[i].at_ms + 2 >= (int64_t)ev->token_failed.retry_in_ms);
    }
    assert_int_equal(r[4].ev.type, RSDK_EVENT_TOKEN_REFRESHED);
    assert_int_equal(r[4].ev.token_refreshed.generation, 2);
    assert_int_equal(atomic_load(&s.calls), 5);

    rsdk_credentials c = {0};
    assert_int_equal(rsdk_credentials_provider_get(rsdk_token_manager_provider(tm), &c, NULL), RSDK_OK);
    assert_string_equal(c.password, "tok-5");
    rsdk_credentials_deinit(&c);
    rsdk_token_manager_free(tm);
}

/* ---- token expires while failing ------------------------------------------ */

static void tune_expiry(rsdk_token_opts *o) {
    o->refresh_ratio = 0.5;
    o->retry_backoff.kind = RSDK_BACKOFF_EXPONENTIAL;
    o->retry_backoff.base_ms = 40;
    o->retry_backoff.cap_ms = 80;
}

static void an_expired_token_is_reported_once_as_terminal(void **st) {
    (void)st;
    /* Token 1 lives 300 ms; every refresh fails. */
    script s = {0};
    s.fail_from = 2;
    s.fail_until = 1000000;
    s.code = RSDK_ERR_TIMEOUT;
    s.lifetime_ms = 300;
    rsdk_token_manager *tm = make(&s, tune_expiry);
    rsdk_credentials_provider *p = rsdk_token_manager_provider(tm);
    int64_t t0 = tu_mono_ms();
    assert_int_equal(rsdk_token_manager_start(tm, NULL), RSDK_OK);

    static tu_record r[TU_MAX_RECORDS];
    size_t n;
    int term = wait_terminal(r, TU_MAX_RECORDS, &n, 10000);
    assert_true(term > 0);
    const rsdk_event *ev = &r[term].ev;
    assert_true(r[term].at_ms - t0 >= 250);
    assert_int_equal(ev->token_failed.status, RSDK_ERR_TIMEOUT);
    assert_true(ev->token_failed.will_retry); /* unbounded retries go on */
    for (int i = 1; i < term; i++) {
        assert_int_equal(r[i].ev.type, RSDK_EVENT_TOKEN_REFRESH_FAILED);
        assert_false(r[i].ev.token_failed.terminal);
    }
    /* The token is gone for new connections. */
    rsdk_credentials c = {0};
    rsdk_error err;
    assert_int_equal(rsdk_credentials_provider_get(p, &c, &err), RSDK_ERR_CREDENTIALS);
    assert_null(strstr(err.message, "tok-"));

    /* More failures follow, but the incident is reported once. */
    int calls = atomic_load(&s.calls);
    tu_sleep_ms(300);
    assert_true(atomic_load(&s.calls) > calls);
    n = tu_recorder_snapshot(&rec, r, TU_MAX_RECORDS);
    int terminals = 0;
    for (size_t i = 0; i < n; i++)
        terminals += r[i].ev.type == RSDK_EVENT_TOKEN_REFRESH_FAILED && r[i].ev.token_failed.terminal;
    assert_int_equal(terminals, 1);

    /* Stopping in the middle of a retry wait is prompt. */
    int64_t t = tu_mono_ms();
    rsdk_token_manager_stop(tm);
    assert_true(tu_mono_ms() - t < 1000);

    /* Recovery after a restart starts a new incident. */
    atomic_store(&s.failing, 0);
    s.fail_from = 0;
    assert_int_equal(rsdk_token_manager_start(tm, NULL), RSDK_OK);
    assert_int_equal(rsdk_credentials_provider_get(p, &c, NULL), RSDK_OK);
    rsdk_credentials_deinit(&c);
    rsdk_token_manager_free(tm);
}

/* ---- retries run out --------------------------------------------------------- */

static void tune_give_up(rsdk_token_opts *o) {
    o->refresh_ratio = 0.002; /* 60 s token: refresh after 120 ms */
    o->max_retries = 2;
    o->retry_backoff.kind = RSDK_BACKOFF_CONSTANT;
    o->retry_backoff.base_ms = 20;
    o->retry_backoff.cap_ms = 20;
}

static void giving_up_is_terminal_until_refresh_now(void **st) {
    (void)st;
    script s = {0};
    s.lifetime_ms = 60000;
    rsdk_token_manager *tm = make(&s, tune_give_up);
    assert_int_equal(rsdk_token_manager_start(tm, NULL), RSDK_OK);
    atomic_store(&s.failing, RSDK_ERR_CONNECT);

    static tu_record r[64];
    size_t n;
    int term = wait_terminal(r, 64, &n, 10000);
    assert_int_equal(term, 3);
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(r[i].ev.type, RSDK_EVENT_TOKEN_REFRESH_FAILED);
        assert_int_equal(r[i].ev.token_failed.attempt, i);
        assert_int_equal(r[i].ev.token_failed.status, RSDK_ERR_CONNECT);
        assert_int_equal(r[i].ev.token_failed.will_retry, i < 3);
        assert_int_equal(r[i].ev.token_failed.terminal, i == 3);
    }
    /* No fetches after giving up... */
    tu_sleep_ms(250);
    assert_int_equal(atomic_load(&s.calls), 4);
    /* ...while the still-valid token keeps being served. */
    rsdk_credentials c = {0};
    assert_int_equal(rsdk_credentials_provider_get(rsdk_token_manager_provider(tm), &c, NULL), RSDK_OK);
    assert_string_equal(c.password, "tok-1");
    rsdk_credentials_deinit(&c);

    /* A manual refresh resumes. */
    atomic_store(&s.failing, 0);
    assert_int_equal(rsdk_token_manager_refresh_now(tm), RSDK_OK);
    assert_true(tu_recorder_wait(&rec, RSDK_EVENT_TOKEN_REFRESHED, 2, 10000));
    assert_int_equal(rsdk_credentials_provider_generation(rsdk_token_manager_provider(tm)), 2);
    rsdk_token_manager_free(tm);
}

/* ---- stop from a listener ---------------------------------------------------- */

static rsdk_token_manager *stop_target;

static void stop_on_failure(const rsdk_event *ev, void *ud) {
    (void)ud;
    if (ev->type == RSDK_EVENT_TOKEN_REFRESH_FAILED) rsdk_token_manager_stop(stop_target);
}

static void tune_fast(rsdk_token_opts *o) { o->refresh_ratio = 0.1; }

static void a_listener_may_stop_the_manager(void **st) {
    (void)st;
    script s = {0};
    s.lifetime_ms = 500;
    stop_target = make(&s, tune_fast);
    assert_int_equal(rsdk_events_subscribe(bus, 0, stop_on_failure, NULL, NULL), RSDK_OK);
    assert_int_equal(rsdk_token_manager_start(stop_target, NULL), RSDK_OK);
    atomic_store(&s.failing, RSDK_ERR_IO);
    assert_true(tu_recorder_wait(&rec, RSDK_EVENT_TOKEN_REFRESH_FAILED, 1, 10000));
    tu_sleep_ms(100);
    assert_int_equal(atomic_load(&s.calls), 2); /* stopped after the first failure */
    rsdk_token_manager_free(stop_target);
}

/* ---- start ---------------------------------------------------------------- */

static rsdk_status expired_fetch(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)err;
    (void)ud;
    return rsdk_credentials_set(out, rsdk_str_n(NULL, 0), rsdk_str_c("old"), tu_wall_ms() - 1000);
}

static rsdk_status empty_fetch(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)out;
    (void)err;
    (void)ud;
    return RSDK_OK;
}

static void a_failed_start_runs_nothing(void **st) {
    (void)st;
    script s = {0};
    s.lifetime_ms = 1000;
    rsdk_token_manager *tm = make(&s, tune_fast);
    atomic_store(&s.failing, RSDK_ERR_CONNECT);
    rsdk_error err;
    assert_int_equal(rsdk_token_manager_start(tm, &err), RSDK_ERR_CONNECT);
    assert_string_equal(err.message, "identity provider unavailable");
    assert_int_equal(rsdk_token_manager_refresh_now(tm), RSDK_ERR_INVALID_ARG);
    rsdk_credentials c = {0};
    assert_int_equal(rsdk_credentials_provider_get(rsdk_token_manager_provider(tm), &c, NULL),
                     RSDK_ERR_CREDENTIALS);
    tu_sleep_ms(150);
    assert_int_equal(atomic_load(&s.calls), 1);
    assert_int_equal(rec.n, 0); /* the caller has the error; nothing was emitted */
    atomic_store(&s.failing, 0);
    assert_int_equal(rsdk_token_manager_start(tm, &err), RSDK_OK);
    assert_int_equal(rsdk_credentials_provider_generation(rsdk_token_manager_provider(tm)), 1);
    /* The token manager's provider belongs to it: freeing it does nothing. */
    rsdk_credentials_provider_free(rsdk_token_manager_provider(tm));
    rsdk_token_manager_free(tm);

    rsdk_token_opts o;
    rsdk_token_opts_init(&o);
    o.fetch = expired_fetch;
    assert_int_equal(rsdk_token_manager_new(&o, &tm), RSDK_OK);
    assert_int_equal(rsdk_token_manager_start(tm, &err), RSDK_ERR_CREDENTIALS);
    assert_non_null(strstr(err.message, "expired"));
    rsdk_token_manager_free(tm);
    o.fetch = empty_fetch;
    assert_int_equal(rsdk_token_manager_new(&o, &tm), RSDK_OK);
    assert_int_equal(rsdk_token_manager_start(tm, &err), RSDK_ERR_CREDENTIALS);
    rsdk_token_manager_free(tm);
    assert_int_equal(rsdk_token_manager_start(NULL, &err), RSDK_ERR_INVALID_ARG);
}

static void options_are_checked(void **st) {
    (void)st;
    rsdk_token_opts o;
    rsdk_token_opts_init(&o);
    assert_true(o.refresh_ratio > 0.69 && o.refresh_ratio < 0.71);
    assert_int_equal(o.max_retries, -1);
    assert_null(o.fetch);
    rsdk_token_manager *tm = (void *)0x1;
    assert_int_equal(rsdk_token_manager_new(&o, &tm), RSDK_ERR_INVALID_ARG); /* no fetch */
    o.fetch = empty_fetch;
    const double bad_ratio[] = {0.0, -0.5, 1.01, NAN};
    for (size_t i = 0; i < 4; i++) {
        rsdk_token_opts b = o;
        b.refresh_ratio = bad_ratio[i];
        assert_int_equal(rsdk_token_manager_new(&b, &tm), RSDK_ERR_INVALID_ARG);
    }
    rsdk_token_opts b = o;
    b.retry_backoff.cap_ms = b.retry_backoff.base_ms - 1;
    assert_int_equal(rsdk_token_manager_new(&b, &tm), RSDK_ERR_INVALID_ARG);
    b = o;
    b.retry_backoff.kind = (rsdk_backoff_kind)42;
    assert_int_equal(rsdk_token_manager_new(&b, &tm), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_token_manager_new(NULL, &tm), RSDK_ERR_INVALID_ARG);
    assert_ptr_equal(tm, (void *)0x1);
    assert_int_equal(rsdk_token_manager_new(&o, NULL), RSDK_ERR_INVALID_ARG);
    assert_null(rsdk_token_manager_provider(NULL));
}

/* ---- retry hints ----------------------------------------------------------- */

static atomic_llong hint_value;

static int64_t hint(rsdk_status st, void *ud) {
    (void)st;
    (void)ud;
    return (int64_t)atomic_load(&hint_value);
}

static void tune_hinted(rsdk_token_opts *o) {
    tune_give_up(o);
    o->max_retries = -1;
    o->retry_hint = hint;
}

static void a_hinted_delay_is_waited_at_least(void **st) {
    (void)st;
    script s = {0};
    s.lifetime_ms = 60000;
    s.fail_from = 2;
    s.fail_until = 2;
    s.code = RSDK_ERR_CREDENTIALS;
    atomic_store(&hint_value, 400); /* much longer than the 20 ms backoff */
    rsdk_token_manager *tm = make(&s, tune_hinted);
    assert_int_equal(rsdk_token_manager_start(tm, NULL), RSDK_OK);
    assert_true(tu_recorder_wait(&rec, RSDK_EVENT_TOKEN_REFRESHED, 2, 5000));
    static tu_record r[8];
    size_t n = tu_recorder_snapshot(&rec, r, 8);
    assert_int_equal(n, 3);
    assert_int_equal(r[1].ev.type, RSDK_EVENT_TOKEN_REFRESH_FAILED);
    assert_true(r[1].ev.token_failed.will_retry);
    assert_true(r[1].ev.token_failed.retry_in_ms >= 399);
    assert_true(r[2].at_ms - r[1].at_ms >= 399);
    rsdk_token_manager_free(tm);
}

static char seen_message[256];

static void keep_message(const rsdk_event *ev, void *ud) {
    (void)ud;
    if (ev->type == RSDK_EVENT_TOKEN_REFRESH_FAILED && ev->token_failed.message)
        snprintf(seen_message, sizeof seen_message, "%s", ev->token_failed.message);
}

static void a_give_up_hint_is_terminal_at_once(void **st) {
    (void)st;
    assert_int_equal(rsdk_events_subscribe(bus, 0, keep_message, NULL, NULL), RSDK_OK);
    script s = {0};
    s.lifetime_ms = 60000;
    rsdk_token_manager *tm = make(&s, tune_hinted);
    assert_int_equal(rsdk_token_manager_start(tm, NULL), RSDK_OK);
    atomic_store(&hint_value, RSDK_TOKEN_GIVE_UP);
    atomic_store(&s.failing, RSDK_ERR_CREDENTIALS);
    assert_true(tu_recorder_wait(&rec, RSDK_EVENT_TOKEN_REFRESH_FAILED, 1, 5000));
    tu_sleep_ms(300); /* 15 backoff periods: no more fetches */
    assert_int_equal(atomic_load(&s.calls), 2);
    static tu_record r[8];
    size_t n = tu_recorder_snapshot(&rec, r, 8);
    assert_int_equal(n, 2);
    assert_true(r[1].ev.token_failed.terminal);
    assert_false(r[1].ev.token_failed.will_retry);
    assert_int_equal(r[1].ev.token_failed.attempt, 1);
    assert_string_equal(seen_message, "identity provider unavailable");
    /* The valid token is still served; refresh_now resumes. */
    rsdk_credentials c = {0};
    assert_int_equal(rsdk_credentials_provider_get(rsdk_token_manager_provider(tm), &c, NULL), RSDK_OK);
    rsdk_credentials_deinit(&c);
    atomic_store(&s.failing, 0);
    assert_int_equal(rsdk_token_manager_refresh_now(tm), RSDK_OK);
    assert_true(tu_recorder_wait(&rec, RSDK_EVENT_TOKEN_REFRESHED, 2, 5000));
    rsdk_token_manager_free(tm);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(failures_are_retried_with_backoff_then_succeed, setup, teardown),
        cmocka_unit_test_setup_teardown(an_expired_token_is_reported_once_as_terminal, setup, teardown),
        cmocka_unit_test_setup_teardown(giving_up_is_terminal_until_refresh_now, setup, teardown),
        cmocka_unit_test_setup_teardown(a_listener_may_stop_the_manager, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_start_runs_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(options_are_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(a_hinted_delay_is_waited_at_least, setup, teardown),
        cmocka_unit_test_setup_teardown(a_give_up_hint_is_terminal_at_once, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
