/* Server error replies become mapped failures (code, prefix, text) and leave
 * the connection usable. */
#include "support/live.h"

static void test_wrongtype_maps_with_prefix(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, true);
        rsdk_reply_free(CMD_OK(c, "RPUSH", "err:list", "x"));
        rsdk_reply *r = NULL;
        rsdk_status s = rsdk_client_command(c, &r, "GET", "err:list", (const char *)NULL);
        assert_int_equal(s, RSDK_ERR_WRONGTYPE);
        assert_null(r);
        const rsdk_error *e = rsdk_client_error(c);
        assert_int_equal(e->code, RSDK_ERR_WRONGTYPE);
        assert_string_equal(e->prefix, "WRONGTYPE");
        assert_non_null(strstr(e->message, "wrong kind of value"));
        assert_int_equal(rsdk_err_class(s), RSDK_CLASS_RESPONSE);
        assert_false(rsdk_client_broken(c));
        CMD_STR(c, "PONG", "PING");
        rsdk_reply_free(CMD_OK(c, "DEL", "err:list"));
        rsdk_client_close(c);
    }
}

static void test_unknown_command_maps(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, false);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "NOSUCHCOMMAND", "a", (const char *)NULL);
    assert_int_equal(s, RSDK_ERR_UNKNOWN_COMMAND);
    assert_null(r);
    assert_string_equal(rsdk_client_error(c)->prefix, "ERR");
    assert_non_null(strstr(rsdk_client_error(c)->message, "unknown command"));
    assert_false(rsdk_client_broken(c));
    CMD_STR(c, "ok", "ECHO", "ok");
    rsdk_client_close(c);
}

/* An error that is not a known prefix is the generic response error. */
static void test_plain_err_is_response(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "INCR", "err:str", (const char *)NULL);
    assert_int_equal(s, RSDK_OK);
    rsdk_reply_free(r);
    rsdk_reply_free(CMD_OK(c, "SET", "err:str", "notanumber"));
    s = rsdk_client_command(c, &r, "INCR", "err:str", (const char *)NULL);
    assert_int_equal(s, RSDK_ERR_RESPONSE);
    assert_string_equal(rsdk_client_error(c)->prefix, "ERR");
    rsdk_reply_free(CMD_OK(c, "DEL", "err:str"));
    rsdk_client_close(c);
}

/* Bad arguments are refused before anything is sent. */
static void test_bad_arguments_refused(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command_argv(c, 0, NULL, NULL, &r), RSDK_ERR_INVALID_ARG);
    const char *argv[] = {"GET", NULL};
    size_t lens[] = {3, 4};
    assert_int_equal(rsdk_client_command_argv(c, 2, argv, lens, &r), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_client_command(c, &r, NULL, (const char *)NULL), RSDK_ERR_INVALID_ARG);
    assert_null(r);
    assert_false(rsdk_client_broken(c));
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrongtype_maps_with_prefix),
        cmocka_unit_test(test_unknown_command_maps),
        cmocka_unit_test(test_plain_err_is_response),
        cmocka_unit_test(test_bad_arguments_refused),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
