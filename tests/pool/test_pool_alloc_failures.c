/* Out of memory anywhere in a pool's life — creating it, opening and
 * authenticating connections, running commands, re-AUTHing after a
 * credentials change, releasing — is RSDK_ERR_NOMEM to the caller (or, for
 * a re-AUTH, a REAUTH_FAILED event), never a crash, a leak (ASan) or a
 * connection lost track of: each allocation is made to fail in turn. */
#include "resilience/resil.h"
#include "support/fail_alloc.h"

static int setup(void **state) {
    rsdk_test_alloc_install();
    return rsdk_test_server_group_setup(state);
}

static int teardown(void **state) {
    rsdk_test_alloc_remove();
    return rsdk_test_server_group_teardown(state);
}

static rsdk_status fetch(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)err;
    (void)ud;
    return rsdk_credentials_set(out, rsdk_str_c("default"), rsdk_str_c("nopass-ok"), 0);
}

/* Records a status: OK or NOMEM only. Returns true for OK. */
static bool check(rsdk_status s, int *failures) {
    if (s == RSDK_OK) return true;
    if (s != RSDK_ERR_NOMEM) fail_msg("expected RSDK_ERR_NOMEM, got %s", rsdk_status_name(s));
    (*failures)++;
    return false;
}

static void test_every_allocation_fails_once(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    /* The default user accepts any password (no requirepass): AUTH works. */
    rsdk_credentials_provider *prov = NULL;
    assert_int_equal(rsdk_credentials_callback_new(fetch, NULL, &prov), RSDK_OK);
    rsdk_events *bus = NULL;
    assert_int_equal(rsdk_events_new(&bus), RSDK_OK);
    rsdk_retry_policy pol;
    rsdk_retry_policy_init(&pol);
    int failures = 0;
    long at;
    for (at = 1;; at++) {
        rsdk_test_alloc_fail_nth((size_t)at);
        rsdk_pool_opts o;
        rsdk_client_opts o_client;
        rsdk_pool_opts_init(&o);
        rsdk_client_opts_init(&o_client);
        o.client = &o_client;
        rsdk_test_server_client_opts(srv, &o_client, true);
        o_client.credentials = prov;
        o_client.events = bus;
        o_client.retry = &pol;
        o_client.client_name = "alloc-test";
        o.min_idle = 1;
        o.max_size = 2;
        rsdk_pool *p = (rsdk_pool *)&o;
        rsdk_error err;
        if (!check(rsdk_pool_new(&o, &p, &err), &failures)) {
            assert_ptr_equal(p, (rsdk_pool *)&o); /* untouched */
            continue;
        }
        rsdk_reply *r = NULL;
        if (check(rsdk_pool_command(p, &r, &err, "SET", "af:k", "v", (const char *)NULL), &failures))
            rsdk_reply_free(r);
        rsdk_client *a = NULL, *b = NULL;
        if (check(rsdk_pool_acquire(p, &a, &err), &failures)) {
            if (check(rsdk_pool_acquire(p, &b, &err), &failures)) {
                r = NULL;
                if (check(rsdk_client_command(b, &r, "GET", "af:k", (const char *)NULL), &failures))
                    rsdk_reply_free(r);
                rsdk_pool_release(p, b);
            }
            rsdk_credentials_provider_notify(prov); /* idle b re-AUTHs now, a on release */
            r = NULL;
            if (check(rsdk_client_command(a, &r, "ECHO", "x", (const char *)NULL), &failures))
                rsdk_reply_free(r);
            rsdk_pool_release(p, a);
        }
        rsdk_pool_stats st;
        rsdk_pool_stats_get(p, &st);
        assert_int_equal(st.in_use, 0);
        rsdk_pool_free(p);
        rsdk_test_alloc_fail_nth(0);
        if (rsdk_test_alloc_refused() == 0) break; /* the failing allocation was never reached */
    }
    print_message("%ld allocations, %d reported failures\n", at - 1, failures);
    assert_true(failures >= 5);
    rsdk_events_free(bus);
    rsdk_credentials_provider_free(prov);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_fails_once),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
