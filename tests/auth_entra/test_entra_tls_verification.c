/* The IdP over HTTPS with a certificate from a CA made for the test:
 * verification is always on, so the token comes only when ca_file names
 * that CA; with the system store or an unrelated CA the handshake is
 * refused (RSDK_ERR_TLS, terminal: no retry can fix a certificate). */
#include "idp_harness.h"

static void test_ca_file_option_trusts_the_idp(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    assert_int_equal(strncmp(env->idp.authority, "https://", 8), 0);
    rentra_opts o;
    entra_opts_secret(env, &o);
    o.ca_file = env->idp.ca_pem;
    entra_expect_user(&o, IDP_SECRET_OID);
}

static void test_untrusted_certificate_is_refused(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    entra_idp_control(&env->idp, "/reset");
    rentra_opts o;
    entra_opts_secret(env, &o);
    entra_expect_new_fails(&o, RSDK_ERR_TLS, "certificate");
    o.ca_file = env->idp.other_ca_pem;
    entra_expect_new_fails(&o, RSDK_ERR_TLS, "certificate");
    o.ca_file = "/nonexistent/ca.pem";
    entra_expect_new_fails(&o, RSDK_ERR_TLS, "unreachable");
    entra_idp_stats st;
    entra_idp_stats_get(&env->idp, &st);
    assert_int_equal(st.token, 0); /* no request got past the handshake */
}

static int setup(void **state) {
    entra_idp_conf c = {.tls = true};
    return entra_env_setup_with(state, &c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ca_file_option_trusts_the_idp),
        cmocka_unit_test(test_untrusted_certificate_is_refused),
    };
    return cmocka_run_group_tests(tests, setup, entra_env_teardown);
}
