/* A command the server rejects while queueing (unknown command, wrong
 * arity) dooms the transaction: EXEC answers EXECABORT, nothing runs, exec
 * returns RSDK_ERR_EXECABORT with the server's text naming the rejected
 * command, and the connection is clean for the next command. */
#include "support/tp.h"

static void run_abort(rsdk_test_server *srv, int protocol, const char *const *bad, int badc,
                      const char *want_text) {
    rsdk_client *c = rsdk_test_client(srv, protocol, true);
    CMD_DO(c, "DEL", "ab:k");
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    rsdk_pipeline_set_transaction(p, true);
    QUEUE(p, "SET", "ab:k", "1");
    assert_int_equal(rsdk_pipeline_append_argv(p, badc, bad, NULL), RSDK_OK);
    QUEUE(p, "INCR", "ab:k");

    assert_int_equal(rsdk_pipeline_exec(p), RSDK_ERR_EXECABORT);
    const rsdk_error *e = rsdk_client_error(c);
    assert_int_equal(e->code, RSDK_ERR_EXECABORT);
    assert_string_equal(e->prefix, "EXECABORT");
    assert_non_null(strstr(e->message, "EXECABORT Transaction discarded"));
    assert_non_null(strstr(e->message, "command 1:"));
    assert_non_null(strstr(e->message, want_text));
    /* The rejected command's slot has its error; the others never ran. */
    assert_int_equal(rsdk_pipeline_reply_count(p), 3);
    assert_null(rsdk_pipeline_reply(p, 0));
    const rsdk_reply *r1 = rsdk_pipeline_reply(p, 1);
    assert_non_null(r1);
    assert_int_equal(r1->type, RSDK_REPLY_ERROR);
    assert_non_null(strstr(r1->str, want_text));
    assert_null(rsdk_pipeline_reply(p, 2));

    /* Nothing ran; the connection is out of MULTI and usable. */
    assert_false(rsdk_client_in_multi(c));
    assert_false(rsdk_client_broken(c));
    rsdk_reply *r = CMD_OK(c, "EXISTS", "ab:k");
    assert_int_equal(r->integer, 0);
    rsdk_reply_free(r);
    CMD_STR(c, "PONG", "PING");

    /* The same pipeline runs a good transaction afterwards. */
    QUEUE(p, "SET", "ab:k", "1");
    QUEUE(p, "INCR", "ab:k");
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply(p, 1)->integer, 2);
    rsdk_pipeline_free(p);
    rsdk_client_close(c);
}

static void test_unknown_command_resp3(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    const char *bad[] = {"NOSUCHCOMMAND", "x"};
    run_abort(*state, 3, bad, 2, "unknown command");
}

static void test_unknown_command_resp2(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    const char *bad[] = {"NOSUCHCOMMAND", "x"};
    run_abort(*state, 2, bad, 2, "unknown command");
}

static void test_wrong_arity_resp3(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    const char *bad[] = {"GET"};
    run_abort(*state, 3, bad, 1, "wrong number of arguments");
}

static void test_wrong_arity_resp2(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    const char *bad[] = {"SET", "only-key"};
    run_abort(*state, 2, bad, 2, "wrong number of arguments");
}

/* Interactive MULTI: the rejected command fails at once (its mapped code),
 * and EXEC then fails with RSDK_ERR_EXECABORT. */
static void test_interactive_execabort(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    assert_int_equal(rsdk_txn_multi(c), RSDK_OK);
    assert_true(rsdk_client_in_multi(c));
    CMD_STR(c, "QUEUED", "SET", "ab:i", "1");
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(c, &r, "NOSUCHCOMMAND", NULL), RSDK_ERR_UNKNOWN_COMMAND);
    assert_null(r);
    assert_int_equal(rsdk_txn_exec(c, &r), RSDK_ERR_EXECABORT);
    assert_null(r);
    assert_string_equal(rsdk_client_error(c)->prefix, "EXECABORT");
    assert_false(rsdk_client_in_multi(c));
    r = CMD_OK(c, "EXISTS", "ab:i");
    assert_int_equal(r->integer, 0);
    rsdk_reply_free(r);
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_command_resp3),
        cmocka_unit_test(test_unknown_command_resp2),
        cmocka_unit_test(test_wrong_arity_resp3),
        cmocka_unit_test(test_wrong_arity_resp2),
        cmocka_unit_test(test_interactive_execabort),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
