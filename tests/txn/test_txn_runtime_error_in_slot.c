/* A command that fails while EXEC runs (INCR on a non-numeric string) is not
 * a transaction failure: exec returns RSDK_OK, that command's slot holds the
 * ERROR node, and the commands around it took effect (no rollback). */
#include "rsdk/core.h"
#include "support/tp.h"

static void run(rsdk_test_server *srv, int protocol) {
    rsdk_client *c = rsdk_test_client(srv, protocol, true);
    CMD_DO(c, "DEL", "re:s", "re:n");
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    rsdk_pipeline_set_transaction(p, true);
    QUEUE(p, "SET", "re:s", "not-a-number");
    assert_int_equal(rcore_incr_queue(p, "re:s", NULL), RSDK_OK);
    QUEUE(p, "SET", "re:n", "41");
    assert_int_equal(rcore_incr_queue(p, "re:n", NULL), RSDK_OK);
    QUEUE(p, "LPUSH", "re:s", "x"); /* WRONGTYPE at run time */

    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply_count(p), 5);
    live_assert_str(rsdk_pipeline_reply(p, 0), "OK");
    rsdk_reply *bad = rsdk_pipeline_reply(p, 1);
    assert_int_equal(bad->type, RSDK_REPLY_ERROR);
    assert_non_null(strstr(bad->str, "not an integer"));
    /* The generated decoder reports the slot's error as such. */
    int64_t v = 0;
    assert_int_not_equal(rcore_incr_decode(bad, &v, NULL), RSDK_OK);
    live_assert_str(rsdk_pipeline_reply(p, 2), "OK");
    assert_int_equal(rcore_incr_decode(rsdk_pipeline_reply(p, 3), &v, NULL), RSDK_OK);
    assert_int_equal(v, 42);
    const rsdk_reply *wt = rsdk_pipeline_reply(p, 4);
    assert_int_equal(wt->type, RSDK_REPLY_ERROR);
    assert_int_equal(rsdk_status_from_server(wt->str, wt->len), RSDK_ERR_WRONGTYPE);

    CMD_STR(c, "not-a-number", "GET", "re:s");
    CMD_STR(c, "42", "GET", "re:n");
    assert_false(rsdk_client_in_multi(c));
    rsdk_pipeline_free(p);
    rsdk_client_close(c);
}

RSDK_TEST_SERVER_CASE(test_resp3, run, 3)
RSDK_TEST_SERVER_CASE(test_resp2, run, 2)

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resp3),
        cmocka_unit_test(test_resp2),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
