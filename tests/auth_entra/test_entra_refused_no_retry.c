/* A refused client is terminal: a wrong secret fails rentra_provider_new
 * with the IdP's error and description (and not the secret) after exactly
 * one request; a client revoked while running gets one terminal
 * TOKEN_REFRESH_FAILED event and no further requests (no retry storm), the
 * valid token is served until it expires, and then new connections fail
 * with a credentials error that says what the IdP said. */
#include "idp_harness.h"

static void test_wrong_secret_fails_new_after_one_request(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    entra_idp_control(&env->idp, "/reset");
    rentra_opts o;
    entra_opts_secret(env, &o);
    o.client_secret = "not-the-secret";
    rsdk_credentials_provider *p = NULL;
    rsdk_error err;
    assert_int_equal(rentra_provider_new(&o, &p, &err), RSDK_ERR_CREDENTIALS);
    assert_null(p);
    assert_int_equal(err.code, RSDK_ERR_CREDENTIALS);
    print_message("error: %s\n", err.message);
    assert_non_null(strstr(err.message, "refused (HTTP 401)"));
    assert_non_null(strstr(err.message, "invalid_client"));
    assert_non_null(strstr(err.message, "AADSTS7000215"));
    assert_null(strstr(err.message, "not-the-secret"));
    entra_assert_no_secret(err.message);
    rsdk_test_sleep_ms(300);
    entra_idp_stats st;
    entra_idp_stats_get(&env->idp, &st);
    assert_int_equal(st.token, 1);
}

/* True once the provider has no valid token; *err then says why. */
static bool token_gone(rsdk_credentials_provider *p, rsdk_error *err) {
    rsdk_credentials c = {0};
    if (rsdk_credentials_provider_get(p, &c, err) != RSDK_OK) return true;
    rsdk_credentials_deinit(&c);
    return false;
}

static void test_revoked_client_is_terminal_without_retries(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    entra_idp_control(&env->idp, "/reset");
    entra_events ev;
    entra_events_init(&ev);
    rentra_opts o;
    entra_opts_secret(env, &o);
    o.refresh_ratio = 0.3; /* a 3 s token: refresh after ~1 s */
    o.events = ev.bus;
    rsdk_credentials_provider *p = entra_provider(&o);
    entra_idp_control(&env->idp, "/revoke?client_id=" IDP_SECRET_CLIENT);

    ENTRA_WAIT(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESH_FAILED) >= 1, 5000);
    entra_event f;
    assert_true(entra_events_last(&ev, RSDK_EVENT_TOKEN_REFRESH_FAILED, &f));
    assert_int_equal(f.status, RSDK_ERR_CREDENTIALS);
    assert_true(f.terminal);
    assert_false(f.will_retry);
    assert_non_null(strstr(f.message, "invalid_client"));
    assert_non_null(strstr(f.message, "AADSTS7000222"));
    entra_assert_no_secret(f.message);

    /* Still valid: served. */
    rsdk_error err;
    assert_false(token_gone(p, &err));

    /* Until it expires: then a credentials error naming the IdP's answer,
     * for a new connection too. Meanwhile nobody asked the IdP again. */
    ENTRA_WAIT(token_gone(p, &err), 5000);
    assert_int_equal(err.code, RSDK_ERR_CREDENTIALS);
    print_message("after expiry: %s\n", err.message);
    assert_non_null(strstr(err.message, "expired"));
    assert_non_null(strstr(err.message, "invalid_client"));
    rsdk_client_opts co;
    entra_client_opts(env, &co, p);
    rsdk_test_no_retry(&co);
    rsdk_client *cl = NULL;
    assert_int_equal(rsdk_client_open(&co, &cl, &err), RSDK_ERR_CREDENTIALS);
    entra_assert_no_secret(err.message);

    entra_idp_stats st;
    entra_idp_stats_get(&env->idp, &st);
    assert_int_equal(st.token, 2); /* the first token and the refused refresh */
    assert_int_equal(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESH_FAILED), 1);
    rsdk_credentials_provider_free(p);
    entra_events_deinit(&ev);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrong_secret_fails_new_after_one_request),
        cmocka_unit_test(test_revoked_client_is_terminal_without_retries),
    };
    return cmocka_run_group_tests(tests, entra_env_setup, entra_env_teardown);
}
