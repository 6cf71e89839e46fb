/* The certificate flow: the provider signs a client assertion (RS256,
 * x5t / x5t#S256 of the certificate, aud = token endpoint, iss = sub =
 * client id, fresh jti) that the IdP verifies against the registered
 * certificate; the key may sit in the certificate's PEM or its own file; a
 * key that does not match the certificate is refused before any request,
 * and a certificate the IdP does not know is a terminal invalid_client. */
#include "idp_harness.h"

static void cert_opts(const entra_env *env, rentra_opts *o) {
    entra_opts_secret(env, o);
    o->flow = RENTRA_FLOW_CLIENT_CERTIFICATE;
    o->client_id = IDP_CERT_CLIENT;
    o->client_secret = NULL;
    o->certificate_path = env->idp.cert_pem;
    o->private_key_path = env->idp.key_pem;
}

static void test_assertion_is_accepted_and_logs_in(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    entra_events ev;
    entra_events_init(&ev);
    rentra_opts o;
    cert_opts(env, &o);
    o.refresh_ratio = 0.3;
    o.events = ev.bus;
    rsdk_credentials_provider *p = entra_provider(&o);
    rsdk_client_opts co;
    entra_client_opts(env, &co, p);
    rsdk_client *c = rsdk_test_client_open(&co);
    CMD_STR(c, IDP_CERT_OID, "ACL", "WHOAMI");
    rsdk_client_close(c);
    /* A refresh signs a new assertion (the IdP refuses a replayed jti). */
    ENTRA_WAIT(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESHED) >= 2, 5000);
    assert_int_equal(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESH_FAILED), 0);
    assert_true(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESHED) >= 2);
    rsdk_credentials_provider_free(p);
    entra_events_deinit(&ev);
}

static void test_key_in_the_certificate_file(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rentra_opts o;
    cert_opts(env, &o);
    o.certificate_path = env->idp.both_pem;
    o.private_key_path = NULL;
    entra_expect_user(&o, IDP_CERT_OID);
}

static void test_mismatched_key_is_refused_before_any_request(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    entra_idp_control(&env->idp, "/reset");
    rentra_opts o;
    cert_opts(env, &o);
    o.private_key_path = env->idp.other_key_pem;
    entra_expect_new_fails(&o, RSDK_ERR_INVALID_ARG, "does not match the certificate");
    o.certificate_path = "/nonexistent/cert.pem";
    entra_expect_new_fails(&o, RSDK_ERR_INVALID_ARG, "certificate_path");
    entra_idp_stats st;
    entra_idp_stats_get(&env->idp, &st);
    assert_int_equal(st.token, 0);
}

static void test_unknown_certificate_is_terminal(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    entra_idp_control(&env->idp, "/reset");
    rentra_opts o;
    cert_opts(env, &o);
    o.certificate_path = env->idp.other_cert_pem;
    o.private_key_path = env->idp.other_key_pem;
    entra_expect_new_fails(&o, RSDK_ERR_CREDENTIALS, "AADSTS700027");
    entra_idp_stats st;
    entra_idp_stats_get(&env->idp, &st);
    assert_int_equal(st.token, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assertion_is_accepted_and_logs_in),
        cmocka_unit_test(test_key_in_the_certificate_file),
        cmocka_unit_test(test_mismatched_key_is_refused_before_any_request),
        cmocka_unit_test(test_unknown_certificate_is_terminal),
    };
    return cmocka_run_group_tests(tests, entra_env_setup, entra_env_teardown);
}
