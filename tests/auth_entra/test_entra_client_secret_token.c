/* The client-secret flow end to end: the provider gets a token from the
 * IdP (real HTTP, client-credentials grant), logs in to redis-server as the
 * token's oid with the token as the password, takes expiry from `exp`,
 * names the user by another claim when asked, sends the configured scope,
 * and works against an unmodified OAuth2 server's token endpoint. */
#include "idp_harness.h"

static void get_creds(rsdk_credentials_provider *p, rsdk_credentials *c) {
    rsdk_error err;
    rsdk_status st = rsdk_credentials_provider_get(p, c, &err);
    if (st) fail_msg("get: %s", err.message);
}


static void test_token_logs_in_as_oid(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rentra_opts o;
    entra_opts_secret(env, &o);
    long long before = (long long)time(NULL) * 1000;
    rsdk_credentials_provider *p = entra_provider(&o);

    rsdk_credentials c = {0};
    get_creds(p, &c);
    assert_string_equal(c.username, IDP_SECRET_OID);
    assert_int_equal(strncmp(c.password, "eyJ", 3), 0); /* a JWT */
    /* exp = issue time + 3 s, whole seconds. */
    assert_true(c.expires_at_ms >= before + 1000 && c.expires_at_ms <= before + 5000);
    assert_int_equal(c.generation, 1);
    rsdk_credentials_deinit(&c);

    rsdk_client_opts co;
    entra_client_opts(env, &co, p);
    rsdk_client *cl = rsdk_test_client_open(&co);
    CMD_STR(cl, IDP_SECRET_OID, "ACL", "WHOAMI");
    CMD_STR(cl, "OK", "SET", "entra:k", "v");
    rsdk_client_close(cl);
    rsdk_credentials_provider_free(p);
}

static void test_username_claim_is_configurable(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rentra_opts o;
    entra_opts_secret(env, &o);
    o.username_claim = "tid";
    entra_expect_user(&o, IDP_TENANT);
}

static void test_scope_is_sent(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rentra_opts o;
    entra_opts_secret(env, &o);
    o.scope = "api://custom-app/.default";
    o.username_claim = "scope"; /* the IdP copies the requested scope into the token */
    entra_expect_user(&o, "api://custom-app/.default");
}

/* token_endpoint pointing at oauth2-mock-server as published (no hooks):
 * its client-credentials tokens carry iss/iat/exp/nbf/scope, so the user is
 * named by `scope` here. */
static void test_any_oauth2_token_endpoint(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    char url[128];
    snprintf(url, sizeof url, "%s/plain/token", env->idp.authority);
    rentra_opts o;
    entra_opts_secret(env, &o);
    o.token_endpoint = url;
    o.scope = "generic-user";
    o.username_claim = "scope";
    entra_expect_user(&o, "generic-user");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_logs_in_as_oid),
        cmocka_unit_test(test_username_claim_is_configurable),
        cmocka_unit_test(test_scope_is_sent),
        cmocka_unit_test(test_any_oauth2_token_endpoint),
    };
    return cmocka_run_group_tests(tests, entra_env_setup, entra_env_teardown);
}
