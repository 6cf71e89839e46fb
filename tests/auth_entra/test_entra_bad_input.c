/* Bad input gets a clear error, never a crash: options missing or
 * malformed (each named in the message, nothing sent), and answers from the
 * IdP that are not usable tokens — not JSON, no access_token, not a JWT, a
 * payload that is not JSON, no oid claim, an expiry in the past, an answer
 * larger than max_response_bytes. */
#include "idp_harness.h"

static void test_options_are_checked(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    entra_idp_control(&env->idp, "/reset");
    rsdk_credentials_provider *p = NULL;
    rsdk_error err;
    assert_int_equal(rentra_provider_new(NULL, &p, &err), RSDK_ERR_INVALID_ARG);
    rentra_opts o;
    entra_opts_secret(env, &o);
    assert_int_equal(rentra_provider_new(&o, NULL, &err), RSDK_ERR_INVALID_ARG);

    static const struct {
        const char *field;
        const char *text;
    } cases[] = {
        {"client_id", "client_id is required"},     {"client_secret", "client_secret is required"},
        {"tenant_id", "tenant_id is required"},     {"tenant_path", "tenant_id holds"},
        {"authority", "authority is not"},          {"token_endpoint", "token_endpoint is not"},
        {"timeout", "timeout_ms must be"},          {"max_response", "max_response_bytes"},
        {"ratio", "refresh_ratio"},                 {"flow", "flow is not"},
        {"mi_id", "mi_id is required"},             {"identity_header", "identity_header is required"},
        {"imds", "imds_endpoint is not"},           {"cert", "certificate_path is required"},
        {"connect_timeout", "timeout_ms must be"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *f = cases[i].field;
        entra_opts_secret(env, &o);
        if (!strcmp(f, "client_id")) o.client_id = NULL;
        if (!strcmp(f, "client_secret")) o.client_secret = "";
        if (!strcmp(f, "tenant_id")) o.tenant_id = NULL;
        if (!strcmp(f, "tenant_path")) o.tenant_id = "../other/path";
        if (!strcmp(f, "authority")) o.authority = "ftp://login.example";
        if (!strcmp(f, "token_endpoint")) o.token_endpoint = "https://idp.example/token?x=1";
        if (!strcmp(f, "timeout")) o.timeout_ms = 0;
        if (!strcmp(f, "connect_timeout")) o.connect_timeout_ms = -1;
        if (!strcmp(f, "max_response")) o.max_response_bytes = 10;
        if (!strcmp(f, "ratio")) o.refresh_ratio = 1.5;
        if (!strcmp(f, "flow")) o.flow = (rentra_flow)42;
        if (!strcmp(f, "cert")) o.flow = RENTRA_FLOW_CLIENT_CERTIFICATE;
        if (!strcmp(f, "mi_id") || !strcmp(f, "identity_header") || !strcmp(f, "imds")) {
            o.flow = RENTRA_FLOW_MANAGED_IDENTITY;
            o.mi_kind = RENTRA_MI_CLIENT_ID;
            o.mi_id = strcmp(f, "mi_id") ? "id" : NULL;
            if (!strcmp(f, "identity_header")) o.identity_endpoint = env->idp.app_service_url;
            if (!strcmp(f, "imds")) o.imds_endpoint = "169.254.169.254/no-scheme";
        }
        entra_expect_new_fails(&o, RSDK_ERR_INVALID_ARG, cases[i].text);
    }
    entra_idp_stats st;
    entra_idp_stats_get(&env->idp, &st);
    assert_int_equal(st.token + st.msi, 0);
}

/* The IdP's next answer is 200 with `body` (URL-encoded here). */
static void answer(entra_env *env, const char *encoded_body) {
    char path[1024];
    snprintf(path, sizeof path, "/answer?body=%s", encoded_body);
    entra_idp_control(&env->idp, path);
}

static void test_unusable_answers_are_credentials_errors(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rentra_opts o;
    entra_opts_secret(env, &o);
    static const struct {
        const char *body; /* URL-encoded */
        const char *text;
    } cases[] = {
        {"%3Chtml%3E", "not a JSON object"},
        {"%7B%22token_type%22%3A%22Bearer%22%7D", "no access_token"},
        {"%7B%22access_token%22%3A%22opaque-token%22%7D", "not a JWT"},
        {"%7B%22access_token%22%3A%22a.%21%21%21.c%22%7D", "payload is not a JSON object"},
        {"%7B%22access_token%22%3A%22eyJhbGciOiJub25lIn0.WzFd.c%22%7D", "payload is not a JSON object"},
        /* {"exp":4102444800} — no oid */
        {"%7B%22access_token%22%3A%22e30.eyJleHAiOjQxMDI0NDQ4MDB9.c%22%7D", "no 'oid' claim"},
        /* {"oid":"u","exp":1000} — expired in 1970 */
        {"%7B%22access_token%22%3A%22e30.eyJvaWQiOiJ1IiwiZXhwIjoxMDAwfQ.c%22%7D", "expired token"},
        /* {"oid":"u"} and no expires_in */
        {"%7B%22access_token%22%3A%22e30.eyJvaWQiOiJ1In0.c%22%7D", "no 'exp'"},
        /* {"oid":"u","exp":"soon"} */
        {"%7B%22access_token%22%3A%22e30.eyJvaWQiOiJ1IiwiZXhwIjoic29vbiJ9.c%22%7D", "'exp' is not"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        answer(env, cases[i].body);
        entra_expect_new_fails(&o, RSDK_ERR_CREDENTIALS, cases[i].text);
    }
    /* No exp, but expires_in in the answer: usable. */
    answer(env, "%7B%22access_token%22%3A%22e30.eyJvaWQiOiJ1In0.c%22%2C%22expires_in%22%3A%2260%22%7D");
    entra_expect_user(&o, "u");
}

static void test_oversized_answer_is_refused(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rentra_opts o;
    entra_opts_secret(env, &o);
    o.max_response_bytes = 100;
    entra_expect_new_fails(&o, RSDK_ERR_PROTOCOL, "larger than 100 bytes");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_are_checked),
        cmocka_unit_test(test_unusable_answers_are_credentials_errors),
        cmocka_unit_test(test_oversized_answer_is_refused),
    };
    return cmocka_run_group_tests(tests, entra_env_setup, entra_env_teardown);
}
