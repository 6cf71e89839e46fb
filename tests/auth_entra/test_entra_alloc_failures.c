/* Out of memory in the provider: every rsdk allocation rentra_provider_new
 * makes (options, URLs, buffers, the token manager, the token) is refused
 * in turn; each time the call fails with RSDK_ERR_NOMEM and a message,
 * leaves *out untouched and frees all it took. Then, with a provider
 * running, refreshes that run out of memory are retried failures and the
 * provider recovers. (libcurl, OpenSSL and Jansson allocate with their own
 * allocators, which these hooks do not see.) */
#include "idp_harness.h"
#include "support/fail_alloc.h"

static void check_each_allocation(const rentra_opts *o) {
    size_t n;
    for (n = 1; n < 500; n++) {
        rsdk_test_alloc_install();
        rsdk_test_alloc_fail_nth(n);
        rsdk_credentials_provider *p = (rsdk_credentials_provider *)(uintptr_t)1;
        rsdk_error err;
        rsdk_error_clear(&err);
        rsdk_status st = rentra_provider_new(o, &p, &err);
        bool refused = rsdk_test_alloc_refused() > 0;
        rsdk_test_alloc_fail_nth(0);
        if (st == RSDK_OK) {
            rsdk_credentials_provider_free(p);
        } else {
            assert_int_equal(st, RSDK_ERR_NOMEM);
            assert_true(refused);
            assert_true(p == (rsdk_credentials_provider *)(uintptr_t)1);
            assert_true(err.message[0] != '\0');
        }
        rsdk_test_alloc_stats s = rsdk_test_alloc_stats_get();
        rsdk_test_alloc_remove();
        if (s.allocs != s.frees) fail_msg("allocation %zu: %zu allocations, %zu frees", n, s.allocs, s.frees);
        if (!refused) break; /* every allocation has been refused once */
    }
    print_message("%zu allocations refused in turn\n", n - 1);
    assert_true(n > 10 && n < 500);
}

static void test_client_secret_each_allocation(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rentra_opts o;
    entra_opts_secret(env, &o);
    check_each_allocation(&o);
}

static void test_certificate_each_allocation(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rentra_opts o;
    entra_opts_secret(env, &o);
    o.flow = RENTRA_FLOW_CLIENT_CERTIFICATE;
    o.client_id = IDP_CERT_CLIENT;
    o.certificate_path = env->idp.both_pem;
    check_each_allocation(&o);
}

static void test_managed_identity_each_allocation(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rentra_opts o;
    entra_opts_app_service(env, &o);
    check_each_allocation(&o);
}

static void test_refresh_out_of_memory_recovers(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rsdk_test_alloc_install();
    entra_events ev;
    entra_events_init(&ev);
    rentra_opts o;
    entra_opts_secret(env, &o);
    o.refresh_ratio = 0.2;
    o.events = ev.bus;
    rsdk_credentials_provider *p = entra_provider(&o);
    rsdk_test_alloc_fail_after(0);
    ENTRA_WAIT(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESH_FAILED) >= 1, 5000);
    rsdk_test_alloc_fail_after(SIZE_MAX);
    entra_event f;
    assert_true(entra_events_last(&ev, RSDK_EVENT_TOKEN_REFRESH_FAILED, &f));
    assert_int_equal(f.status, RSDK_ERR_NOMEM);
    assert_true(f.will_retry);
    ENTRA_WAIT(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESHED) >= 2, 5000);
    assert_true(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESHED) >= 2);
    rsdk_credentials_provider_free(p);
    entra_events_deinit(&ev);
    rsdk_test_alloc_stats s = rsdk_test_alloc_stats_get();
    rsdk_test_alloc_remove();
    assert_int_equal(s.allocs, s.frees);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_secret_each_allocation),
        cmocka_unit_test(test_certificate_each_allocation),
        cmocka_unit_test(test_managed_identity_each_allocation),
        cmocka_unit_test(test_refresh_out_of_memory_recovers),
    };
    return cmocka_run_group_tests(tests, entra_env_setup, entra_env_teardown);
}
