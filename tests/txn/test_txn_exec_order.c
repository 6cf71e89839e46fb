/* A transaction pipeline sends MULTI, its commands and EXEC in one write;
 * afterwards reply i is command i's own result from EXEC's array, in order,
 * under RESP2 and RESP3, and generated decoders read it. */
#include "rsdk/core.h"
#include "support/tp.h"

static void run_order(rsdk_test_server *srv, int protocol, bool use_unix) {
    rsdk_client *c = rsdk_test_client(srv, protocol, use_unix);
    assert_int_equal(rsdk_client_protocol(c), protocol);
    CMD_DO(c, "DEL", "t:s", "t:n", "t:l", "t:h");
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_non_null(p);
    assert_false(rsdk_pipeline_is_transaction(p));
    assert_int_equal(rsdk_pipeline_set_transaction(p, true), RSDK_OK);
    assert_true(rsdk_pipeline_is_transaction(p));

    assert_int_equal(rcore_set_queue(p, "t:s", "hello", NULL, NULL), RSDK_OK);   /* 0 */
    assert_int_equal(rcore_incr_queue(p, "t:n", NULL), RSDK_OK);               /* 1 */
    assert_int_equal(rcore_incr_queue(p, "t:n", NULL), RSDK_OK);               /* 2 */
    assert_int_equal(rcore_get_queue(p, "t:s", NULL), RSDK_OK);                /* 3 */
    QUEUE(p, "RPUSH", "t:l", "a", "b", "c");                                  /* 4 */
    QUEUE(p, "HSET", "t:h", "f", "v");                                        /* 5 */
    QUEUE(p, "HGETALL", "t:h");                                               /* 6 */
    assert_int_equal(rcore_get_queue(p, "t:missing", NULL), RSDK_OK);          /* 7 */
    assert_int_equal(rsdk_pipeline_count(p), 8);

    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_count(p), 0);
    assert_int_equal(rsdk_pipeline_reply_count(p), 8);
    assert_false(rsdk_client_in_multi(c));

    rsdk_string str = {0};
    assert_int_equal(rcore_set_decode(rsdk_pipeline_reply(p, 0), &str, NULL), RSDK_OK);
    assert_int_equal(str.len, 2);
    assert_memory_equal(str.ptr, "OK", 2);
    int64_t v = 0;
    assert_int_equal(rcore_incr_decode(rsdk_pipeline_reply(p, 1), &v, NULL), RSDK_OK);
    assert_int_equal(v, 1);
    assert_int_equal(rcore_incr_decode(rsdk_pipeline_reply(p, 2), &v, NULL), RSDK_OK);
    assert_int_equal(v, 2);
    assert_int_equal(rcore_get_decode(rsdk_pipeline_reply(p, 3), &str, NULL), RSDK_OK);
    assert_false(str.nil);
    assert_int_equal(str.len, 5);
    assert_memory_equal(str.ptr, "hello", 5);
    assert_int_equal(rsdk_pipeline_reply(p, 4)->integer, 3);
    assert_int_equal(rsdk_pipeline_reply(p, 5)->integer, 1);
    const rsdk_reply *h = rsdk_pipeline_reply(p, 6);
    /* RESP3 keeps HGETALL a map even inside EXEC; RESP2 gives a flat array. */
    assert_int_equal(h->type, protocol == 3 ? RSDK_REPLY_MAP : RSDK_REPLY_ARRAY);
    live_assert_str(rsdk_reply_map_get(h, "f"), "v");
    assert_int_equal(rcore_get_decode(rsdk_pipeline_reply(p, 7), &str, NULL), RSDK_OK);
    assert_true(str.nil);
    assert_null(rsdk_pipeline_reply(p, 8));

    /* The mode stays: a second exec is a transaction again. */
    assert_int_equal(rcore_incr_queue(p, "t:n", NULL), RSDK_OK);
    QUEUE(p, "LRANGE", "t:l", "0", "-1");
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply(p, 0)->integer, 3);
    const rsdk_reply *l = rsdk_pipeline_reply(p, 1);
    assert_int_equal(l->type, RSDK_REPLY_ARRAY);
    assert_int_equal(l->elements, 3);
    live_assert_str(&l->element[2], "c");

    /* Empty transaction: MULTI EXEC, zero results. */
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply_count(p), 0);

    /* Back to a plain pipeline: replies are the commands' own again. */
    assert_int_equal(rsdk_pipeline_set_transaction(p, false), RSDK_OK);
    assert_int_equal(rcore_incr_queue(p, "t:n", NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply(p, 0)->integer, 4);

    rsdk_pipeline_free(p);
    CMD_STR(c, "4", "GET", "t:n");
    rsdk_client_close(c);
}

RSDK_TEST_SERVER_CASE(test_resp3_unix, run_order, 3, true)
RSDK_TEST_SERVER_CASE(test_resp2_unix, run_order, 2, true)
RSDK_TEST_SERVER_CASE(test_resp3_tcp, run_order, 3, false)
RSDK_TEST_SERVER_CASE(test_resp2_tcp, run_order, 2, false)

/* Replies of a transaction stay valid until the next exec or free, and a
 * pipeline freed with transaction replies in it frees them (ASan checks). */
static void test_free_with_replies(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    rsdk_pipeline_set_transaction(p, true);
    QUEUE(p, "ECHO", "one");
    QUEUE(p, "ECHO", "two");
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    live_assert_str(rsdk_pipeline_reply(p, 1), "two");
    rsdk_pipeline_free(p);
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resp3_unix),
        cmocka_unit_test(test_resp2_unix),
        cmocka_unit_test(test_resp3_tcp),
        cmocka_unit_test(test_resp2_tcp),
        cmocka_unit_test(test_free_with_replies),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
