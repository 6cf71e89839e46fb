/* Sentinels and data nodes with passwords of their own: the sentinel
 * client logs in to each with its own options (sentinel_client, client),
 * and says which login was refused. */
#include "sentinel_test.h"

#define DATA_PASS "data-secret"
#define SENTINEL_PASS "sentinel-secret"

static int setup(void **state) {
    sh_deploy *d = calloc(1, sizeof *d);
    if (!d) return -1;
    rsdk_test_server_result r = sh_start_auth(d, sh_server(), DATA_PASS, SENTINEL_PASS);
    if (r == RSDK_TEST_SERVER_OK) {
        *state = d;
        return 0;
    }
    free(d);
    *state = NULL;
    return r == RSDK_TEST_SERVER_SKIP ? 0 : -1;
}

/* Opens with the given passwords; the status, the handle closed. */
static rsdk_status open_with(const sh_deploy *d, const char *sentinel_pass, const char *data_pass,
                             rsdk_error *err) {
    rsdk_sentinel_opts o;
    rsdk_client_opts co, so;
    st_opts(d, &o, &co, 2000, true);
    co.password = data_pass;
    rsdk_client_opts_init(&so);
    so.password = sentinel_pass;
    o.sentinel_client = &so;
    rsdk_sentinel *s = NULL;
    rsdk_status st = rsdk_sentinel_open(&o, &s, err);
    if (st == RSDK_OK) {
        rsdk_reply *r = NULL;
        assert_int_equal(rsdk_sentinel_command(s, &r, err, "SET", "auth:k", "v", (const char *)NULL), RSDK_OK);
        rsdk_reply_free(r);
        const char *argv[] = {"GET", "auth:k"};
        assert_int_equal(rsdk_sentinel_command_argv(s, RSDK_SENTINEL_REPLICA, 2, argv, NULL, &r, err), RSDK_OK);
        rsdk_reply_free(r);
        rsdk_sentinel_close(s);
    } else {
        assert_null(s);
    }
    return st;
}

static void each_side_logs_in_with_its_own_password(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_error err;
    assert_int_equal(open_with(*state, SENTINEL_PASS, DATA_PASS, &err), RSDK_OK);
}

static void a_refused_sentinel_login_is_auth(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    const sh_deploy *d = *state;
    rsdk_error err;
    /* The data password is not the sentinels'. */
    assert_int_equal(open_with(d, DATA_PASS, DATA_PASS, &err), RSDK_ERR_AUTH);
    printf("wrong sentinel password: %s\n", err.message);
    assert_non_null(strstr(err.message, "sentinel"));
    for (int i = 0; i < SH_SENTINELS; i++) assert_non_null(strstr(err.message, d->addrs[i]));
    assert_int_equal(open_with(d, NULL, DATA_PASS, &err), RSDK_ERR_AUTH);
}

static void a_refused_data_login_is_auth(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_error err;
    /* The sentinels answer; the primary refuses the sentinels' password. */
    assert_int_equal(open_with(*state, SENTINEL_PASS, SENTINEL_PASS, &err), RSDK_ERR_AUTH);
    printf("wrong data password: %s\n", err.message);
    assert_int_equal(open_with(*state, SENTINEL_PASS, NULL, &err), RSDK_ERR_AUTH);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_side_logs_in_with_its_own_password),
        cmocka_unit_test(a_refused_sentinel_login_is_auth),
        cmocka_unit_test(a_refused_data_login_is_auth),
    };
    return cmocka_run_group_tests(tests, setup, sh_group_teardown);
}
