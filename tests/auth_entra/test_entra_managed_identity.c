/* Managed identity against the local stand-in for Azure's metadata service
 * (which exists only inside Azure): the instance metadata endpoint with
 * "Metadata: true" for the system-assigned identity and a user-assigned one
 * named by client id, object id or resource id; App Service's
 * IDENTITY_ENDPOINT with X-IDENTITY-HEADER; a wrong header or an unknown
 * identity is terminal; the token logs in to redis-server. */
#include "idp_harness.h"

static void mi_opts(const entra_env *env, rentra_opts *o, rentra_mi_kind kind, const char *id) {
    rentra_opts_init(o);
    o->flow = RENTRA_FLOW_MANAGED_IDENTITY;
    o->imds_endpoint = env->idp.imds_url;
    o->mi_kind = kind;
    o->mi_id = id;
    o->min_lead_ms = 0;
}

static void test_imds_identities(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rentra_opts o;
    mi_opts(env, &o, RENTRA_MI_SYSTEM, NULL);
    entra_expect_user(&o, IDP_MI_SYSTEM_OID);
    mi_opts(env, &o, RENTRA_MI_CLIENT_ID, IDP_MI_CLIENT_ID);
    entra_expect_user(&o, IDP_MI_USER_OID);
    mi_opts(env, &o, RENTRA_MI_OBJECT_ID, IDP_MI_OBJECT_ID);
    entra_expect_user(&o, IDP_MI_USER_OID);
    mi_opts(env, &o, RENTRA_MI_RESOURCE_ID, IDP_MI_RESOURCE_ID);
    entra_expect_user(&o, IDP_MI_USER_OID);
}

static void test_app_service_identity(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rentra_opts o;
    entra_opts_app_service(env, &o);
    entra_expect_user(&o, IDP_MI_SYSTEM_OID);
    o.mi_kind = RENTRA_MI_OBJECT_ID;
    o.mi_id = IDP_MI_OBJECT_ID;
    entra_expect_user(&o, IDP_MI_USER_OID);
}

static void test_wrong_header_or_identity_is_terminal(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    entra_idp_control(&env->idp, "/reset");
    rentra_opts o;
    entra_opts_app_service(env, &o);
    o.identity_header = "wrong-header";
    entra_expect_new_fails(&o, RSDK_ERR_CREDENTIALS, "refused (HTTP 401)");
    mi_opts(env, &o, RENTRA_MI_CLIENT_ID, "no-such-identity");
    entra_expect_new_fails(&o, RSDK_ERR_CREDENTIALS, "Identity not found");
    entra_idp_stats st;
    entra_idp_stats_get(&env->idp, &st);
    assert_int_equal(st.msi, 2);
}

static void test_managed_identity_logs_in(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rentra_opts o;
    mi_opts(env, &o, RENTRA_MI_CLIENT_ID, IDP_MI_CLIENT_ID);
    rsdk_credentials_provider *p = entra_provider(&o);
    rsdk_client_opts co;
    entra_client_opts(env, &co, p);
    rsdk_client *c = rsdk_test_client_open(&co);
    CMD_STR(c, IDP_MI_USER_OID, "ACL", "WHOAMI");
    rsdk_client_close(c);
    rsdk_credentials_provider_free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_imds_identities),
        cmocka_unit_test(test_app_service_identity),
        cmocka_unit_test(test_wrong_header_or_identity_is_terminal),
        cmocka_unit_test(test_managed_identity_logs_in),
    };
    return cmocka_run_group_tests(tests, entra_env_setup, entra_env_teardown);
}
