/* The IdP down for longer than a refresh: commands keep running on the
 * valid token while refreshes fail (non-terminal events, connection-class
 * status); when the token expires a terminal event says so and a new
 * connection fails with a credentials error naming the cause, while
 * connections already logged in keep working; when the IdP is back the
 * next retry brings a token and new connections log in again. An IdP that
 * accepts the connection and never answers is cut off by timeout_ms. */
#include "idp_harness.h"

static long run_commands(rsdk_pool *pool, int n, char *first_error, size_t cap) {
    long failed = 0;
    for (int i = 0; i < n; i++) {
        rsdk_reply *r = NULL;
        rsdk_error err;
        if (rsdk_pool_command(pool, &r, &err, "INCR", "entra:down", (const char *)NULL)) {
            if (!failed++) snprintf(first_error, cap, "%s", err.message);
            continue;
        }
        rsdk_reply_free(r);
    }
    return failed;
}

static rsdk_status open_new(entra_env *env, rsdk_credentials_provider *p, rsdk_error *err) {
    rsdk_client_opts co;
    entra_client_opts(env, &co, p);
    rsdk_test_no_retry(&co);
    rsdk_client *c = NULL;
    rsdk_status st = rsdk_client_open(&co, &c, err);
    rsdk_client_close(c);
    return st;
}

/* Whether a terminal TOKEN_REFRESH_FAILED came (later failures, retried
 * after it, are plain ones). */
static bool saw_terminal(entra_events *ev) {
    bool seen = false;
    pthread_mutex_lock(&ev->mu);
    for (size_t i = 0; i < ev->n; i++)
        seen |= ev->ev[i].type == RSDK_EVENT_TOKEN_REFRESH_FAILED && ev->ev[i].terminal;
    pthread_mutex_unlock(&ev->mu);
    return seen;
}

static void test_idp_down_then_back(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    entra_idp_control(&env->idp, "/reset");
    entra_idp_control(&env->idp, "/set?ttl_s=3");
    entra_events ev;
    entra_events_init(&ev);
    rentra_opts o;
    entra_opts_secret(env, &o);
    o.refresh_ratio = 0.3; /* first refresh after ~1 s */
    o.connect_timeout_ms = 500;
    o.events = ev.bus;
    rsdk_credentials_provider *p = entra_provider(&o);
    rsdk_pool_opts po;
    rsdk_client_opts po_client;
    rsdk_pool_opts_init(&po);
    rsdk_client_opts_init(&po_client);
    po.client = &po_client;
    entra_client_opts(env, &po_client, p);
    po.max_size = 2;
    rsdk_pool *pool = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_pool_new(&po, &pool, &err), RSDK_OK);
    char first[256] = "";
    assert_int_equal(run_commands(pool, 20, first, sizeof first), 0);

    entra_idp_control(&env->idp, "/down");
    /* Past the refresh, refreshes failing, the token still valid. */
    ENTRA_WAIT(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESH_FAILED) >= 2, 5000);
    entra_event f;
    assert_true(entra_events_last(&ev, RSDK_EVENT_TOKEN_REFRESH_FAILED, &f));
    assert_int_equal(rsdk_err_class(f.status), RSDK_CLASS_CONNECTION);
    assert_true(f.will_retry);
    assert_false(f.terminal);
    assert_non_null(strstr(f.message, "unreachable"));
    assert_int_equal(run_commands(pool, 20, first, sizeof first), 0);
    assert_int_equal(open_new(env, p, &err), RSDK_OK);

    /* Expiry: one terminal event; new connections refused with the cause. */
    ENTRA_WAIT(saw_terminal(&ev), 5000);
    assert_true(saw_terminal(&ev));
    assert_true(entra_events_last(&ev, RSDK_EVENT_TOKEN_REFRESH_FAILED, &f));
    assert_true(f.will_retry); /* unbounded retries go on */
    assert_int_equal(open_new(env, p, &err), RSDK_ERR_CREDENTIALS);
    print_message("new connection after expiry: %s\n", err.message);
    assert_non_null(strstr(err.message, "expired"));
    assert_non_null(strstr(err.message, "unreachable"));
    entra_assert_no_secret(err.message);
    /* The pool's connections logged in earlier: Redis keeps them. */
    assert_int_equal(run_commands(pool, 5, first, sizeof first), 0);

    /* Back: the next retry (cap 400 ms) brings a token. */
    size_t before = entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESHED);
    entra_idp_control(&env->idp, "/up");
    ENTRA_WAIT(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESHED) > before, 3000);
    assert_true(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESHED) > before);
    assert_int_equal(open_new(env, p, &err), RSDK_OK);
    assert_int_equal(run_commands(pool, 20, first, sizeof first), 0);

    rsdk_pool_free(pool);
    rsdk_credentials_provider_free(p);
    entra_events_deinit(&ev);
}

static void test_silent_idp_times_out(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    entra_idp_control(&env->idp, "/reset");
    entra_idp_control(&env->idp, "/stall?count=1");
    rentra_opts o;
    entra_opts_secret(env, &o);
    o.timeout_ms = 500;
    long long t0 = rsdk_test_now_ms();
    entra_expect_new_fails(&o, RSDK_ERR_TIMEOUT, "unreachable");
    long long took = rsdk_test_now_ms() - t0;
    print_message("gave up after %lld ms\n", took);
    assert_true(took >= 450 && took < 3000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idp_down_then_back),
        cmocka_unit_test(test_silent_idp_times_out),
    };
    return cmocka_run_group_tests(tests, entra_env_setup, entra_env_teardown);
}
