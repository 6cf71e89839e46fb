/* RENTRA_FLOW_DEFAULT picks the flow from the environment, in the order of
 * Azure's DefaultAzureCredential: AZURE_TENANT_ID + AZURE_CLIENT_ID +
 * AZURE_CLIENT_SECRET (authority from AZURE_AUTHORITY_HOST), else
 * AZURE_CLIENT_CERTIFICATE_PATH, else App Service's IDENTITY_ENDPOINT +
 * IDENTITY_HEADER, else the instance metadata service (user-assigned by
 * AZURE_CLIENT_ID when set). Options set by the caller win. */
#include "idp_harness.h"

static const char *const VARS[] = {"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
                                   "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_AUTHORITY_HOST",
                                   "IDENTITY_ENDPOINT", "IDENTITY_HEADER"};

static int clean_env(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof VARS / sizeof VARS[0]; i++) unsetenv(VARS[i]);
    return 0;
}

/* A default-flow provider (IMDS pointed at the stand-in) names `oid`. */
static void expect_oid(const entra_env *env, const char *oid) {
    rentra_opts o;
    rentra_opts_init(&o);
    o.imds_endpoint = env->idp.imds_url;
    entra_expect_user(&o, oid);
}

static void service_principal_env(const entra_env *env) {
    setenv("AZURE_TENANT_ID", IDP_TENANT, 1);
    setenv("AZURE_AUTHORITY_HOST", env->idp.authority, 1);
}

static void test_client_secret_from_env(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    service_principal_env(env);
    setenv("AZURE_CLIENT_ID", IDP_SECRET_CLIENT, 1);
    setenv("AZURE_CLIENT_SECRET", IDP_SECRET, 1);
    expect_oid(env, IDP_SECRET_OID);
}

static void test_certificate_from_env(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    service_principal_env(env);
    setenv("AZURE_CLIENT_ID", IDP_CERT_CLIENT, 1);
    setenv("AZURE_CLIENT_CERTIFICATE_PATH", env->idp.both_pem, 1);
    expect_oid(env, IDP_CERT_OID);
}

static void test_app_service_from_env(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    setenv("IDENTITY_ENDPOINT", env->idp.app_service_url, 1);
    setenv("IDENTITY_HEADER", IDP_IDENTITY_HEADER, 1);
    expect_oid(env, IDP_MI_SYSTEM_OID);
}

static void test_imds_when_nothing_is_set(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    expect_oid(env, IDP_MI_SYSTEM_OID);
    setenv("AZURE_CLIENT_ID", IDP_MI_CLIENT_ID, 1); /* no tenant: user-assigned identity */
    expect_oid(env, IDP_MI_USER_OID);
}

#define ENV_TEST(t) cmocka_unit_test_setup_teardown(t, clean_env, clean_env)

int main(void) {
    const struct CMUnitTest tests[] = {
        ENV_TEST(test_client_secret_from_env),
        ENV_TEST(test_certificate_from_env),
        ENV_TEST(test_app_service_from_env),
        ENV_TEST(test_imds_when_nothing_is_set),
    };
    return cmocka_run_group_tests(tests, entra_env_setup, entra_env_teardown);
}
