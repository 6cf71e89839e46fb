/* Passing troubles are retried: a 429 with Retry-After is honoured (the
 * gap before the next request is at least what the IdP asked), 500s are
 * retried with the backoff (each gap at least half the exponential step,
 * as equal jitter guarantees) until a token comes; the caller meanwhile
 * keeps the valid token and sees non-terminal TOKEN_REFRESH_FAILED events. */
#include "idp_harness.h"

/* Starts a provider whose first refresh comes ~1 s after the first token,
 * with the IdP primed to fail that refresh as `fail` says. Tokens live 6 s
 * here, so the retries end well before the token would expire. */
static rsdk_credentials_provider *start(entra_env *env, entra_events *ev, const char *fail) {
    entra_idp_control(&env->idp, "/reset");
    entra_idp_control(&env->idp, "/set?ttl_s=6");
    entra_events_init(ev);
    rentra_opts o;
    entra_opts_secret(env, &o);
    o.refresh_ratio = 0.15;
    o.retry_backoff.base_ms = 100;
    o.retry_backoff.cap_ms = 1000;
    o.events = ev->bus;
    rsdk_credentials_provider *p = entra_provider(&o);
    entra_idp_control(&env->idp, fail);
    return p;
}

/* Waits for the second token, checks `failures` non-terminal failures came
 * before it, and returns the last one. */
static entra_event refreshed_after(entra_events *ev, size_t failures) {
    ENTRA_WAIT(entra_events_count(ev, RSDK_EVENT_TOKEN_REFRESHED) >= 2, 8000);
    assert_int_equal(entra_events_count(ev, RSDK_EVENT_TOKEN_REFRESHED), 2);
    assert_int_equal(entra_events_count(ev, RSDK_EVENT_TOKEN_REFRESH_FAILED), failures);
    entra_event f;
    assert_true(entra_events_last(ev, RSDK_EVENT_TOKEN_REFRESH_FAILED, &f));
    assert_int_equal(f.attempt, failures);
    assert_true(f.will_retry);
    assert_false(f.terminal);
    return f;
}

static void test_retry_after_is_honoured(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    entra_events ev;
    rsdk_credentials_provider *p = start(env, &ev, "/fail?status=429&count=1&retry_after=2");
    entra_event f = refreshed_after(&ev, 1);
    assert_true(f.retry_in_ms >= 1990);
    assert_non_null(strstr(f.message, "HTTP 429"));

    entra_idp_stats st;
    entra_idp_stats_get(&env->idp, &st);
    assert_int_equal(st.token, 3); /* first, the 429, the retry */
    long long gap = st.times[2] - st.times[1];
    print_message("gap after 429 with Retry-After 2: %lld ms\n", gap);
    assert_true(gap >= 2000);
    assert_true(gap < 3500);
    rsdk_credentials_provider_free(p);
    entra_events_deinit(&ev);
}

static void test_server_errors_are_retried_with_backoff(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    entra_events ev;
    rsdk_credentials_provider *p = start(env, &ev, "/fail?status=500&count=3");
    entra_event f = refreshed_after(&ev, 3);
    assert_non_null(strstr(f.message, "failed (HTTP 500)"));

    entra_idp_stats st;
    entra_idp_stats_get(&env->idp, &st);
    assert_int_equal(st.token, 5); /* first, three 500s, the success */
    /* Equal jitter: the n-th wait is at least half of min(cap, base * 2^(n-1)). */
    for (int n = 1; n <= 3; n++) {
        long long gap = st.times[n + 1] - st.times[n];
        long long least = (100LL << (n - 1)) / 2;
        print_message("wait %d: %lld ms (at least %lld)\n", n, gap, least);
        assert_true(gap >= least);
    }
    rsdk_credentials c = {0};
    rsdk_error err;
    assert_int_equal(rsdk_credentials_provider_get(p, &c, &err), RSDK_OK);
    assert_int_equal(c.generation, 2);
    rsdk_credentials_deinit(&c);
    rsdk_credentials_provider_free(p);
    entra_events_deinit(&ev);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_after_is_honoured),
        cmocka_unit_test(test_server_errors_are_retried_with_backoff),
    };
    return cmocka_run_group_tests(tests, entra_env_setup, entra_env_teardown);
}
