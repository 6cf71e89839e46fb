/* With RESP3 the subscribed connection still runs ordinary commands: each
 * gets its own reply while messages arriving meanwhile are queued for
 * rsdk_pubsub_next. With RESP2 the connection is not offered for commands. */
#include "support/tp.h"

static void test_commands_on_subscribed_connection(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pubsub *ps = tp_pubsub(*state, 3, true);
    rsdk_client *c = rsdk_pubsub_client(ps);
    assert_non_null(c);
    tp_sub(ps, 'c', "mixed");
    tp_sub(ps, 'p', "mix*");
    CMD_STR(c, "OK", "SET", "mixed:key", "v");
    CMD_STR(c, "v", "GET", "mixed:key");

    /* Publishing on the subscribed connection itself: the PUBLISH reply and
     * the push messages interleave on one stream. */
    CMD_INT(c, 2, "PUBLISH", "mixed", "self");
    CMD_STR(c, "PONG", "PING");
    rsdk_client *pub = rsdk_test_client(*state, 3, true);
    assert_int_equal(tp_publish(pub, false, "mixed", "other"), 2);
    CMD_STR(c, "v", "GET", "mixed:key"); /* messages wait in line, not in the reply */

    /* A pipeline on the same connection stays aligned too. */
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    QUEUE(p, "ECHO", "a");
    QUEUE(p, "PUBLISH", "mixed", "piped");
    QUEUE(p, "ECHO", "b");
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    live_assert_str(rsdk_pipeline_reply(p, 0), "a");
    assert_int_equal(rsdk_pipeline_reply(p, 1)->integer, 2);
    live_assert_str(rsdk_pipeline_reply(p, 2), "b");
    rsdk_pipeline_free(p);

    const char *want[] = {"self", "other", "piped"};
    for (int i = 0; i < 3; i++) {
        /* Each publish reaches the channel and the pattern subscription. */
        rsdk_pubsub_msg a, b;
        assert_int_equal(rsdk_pubsub_next(ps, &a, 2000), RSDK_OK);
        assert_int_equal(rsdk_pubsub_next(ps, &b, 2000), RSDK_OK);
        assert_int_equal(a.payload.len, strlen(want[i]));
        assert_memory_equal(a.payload.ptr, want[i], a.payload.len);
        assert_memory_equal(b.payload.ptr, want[i], b.payload.len);
        assert_int_not_equal(a.kind, b.kind);
        rsdk_pubsub_msg_deinit(&a);
        rsdk_pubsub_msg_deinit(&b);
    }
    tp_expect_none(ps, 50);
    rsdk_client_close(pub);
    rsdk_pubsub_free(ps);
}

/* A transaction on the subscribed RESP3 connection works as well. */
static void test_transaction_on_subscribed_connection(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pubsub *ps = tp_pubsub(*state, 3, true);
    rsdk_client *c = rsdk_pubsub_client(ps);
    tp_sub(ps, 'c', "tx");
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    rsdk_pipeline_set_transaction(p, true);
    QUEUE(p, "PUBLISH", "tx", "in-multi");
    QUEUE(p, "INCR", "tx:n");
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply(p, 0)->integer, 1);
    assert_int_equal(rsdk_pipeline_reply(p, 1)->type, RSDK_REPLY_INTEGER);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "tx", "in-multi", NULL);

    /* Several, between other commands (Redis < 7.2 writes these pushes
     * inside EXEC's array; the results still line up). */
    QUEUE(p, "ECHO", "a");
    QUEUE(p, "PUBLISH", "tx", "m1");
    QUEUE(p, "ECHO", "b");
    QUEUE(p, "PUBLISH", "tx", "m2");
    QUEUE(p, "ECHO", "c");
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply_count(p), 5);
    live_assert_str(rsdk_pipeline_reply(p, 0), "a");
    assert_int_equal(rsdk_pipeline_reply(p, 1)->integer, 1);
    live_assert_str(rsdk_pipeline_reply(p, 2), "b");
    assert_int_equal(rsdk_pipeline_reply(p, 3)->integer, 1);
    live_assert_str(rsdk_pipeline_reply(p, 4), "c");
    rsdk_pipeline_free(p);
    CMD_STR(c, "PONG", "PING"); /* the stream is in step */
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "tx", "m1", NULL);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "tx", "m2", NULL);

    /* Interactive MULTI/EXEC too. */
    assert_int_equal(rsdk_txn_multi(c), RSDK_OK);
    CMD_STR(c, "QUEUED", "PUBLISH", "tx", "m3");
    CMD_STR(c, "QUEUED", "ECHO", "z");
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_txn_exec(c, &r), RSDK_OK);
    assert_int_equal(r->elements, 2);
    assert_int_equal(r->element[0].integer, 1);
    live_assert_str(&r->element[1], "z");
    rsdk_reply_free(r);
    CMD_STR(c, "PONG", "PING");
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "tx", "m3", NULL);
    tp_expect_none(ps, 50);
    rsdk_pubsub_free(ps);
}

static void test_resp2_offers_no_client(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pubsub *ps = tp_pubsub(*state, 2, true);
    assert_null(rsdk_pubsub_client(ps));
    assert_null(rsdk_pubsub_client(NULL));
    rsdk_pubsub_free(ps);
}

/* Pushes that are not pub/sub (here: a tracking invalidation with no
 * invalidation handler) go to the connection's push handler. */
typedef struct {
    int n;
} counter;

static void on_push(rsdk_client *c, rsdk_reply *push, void *ud) {
    (void)c;
    ((counter *)ud)->n++;
    rsdk_reply_free(push);
}

static void test_other_pushes_reach_push_handler(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pubsub *ps = tp_pubsub(*state, 3, true);
    rsdk_client *c = rsdk_pubsub_client(ps);
    counter cnt = {0};
    rsdk_client_set_push_handler(c, on_push, &cnt);
    tp_sub(ps, 'c', "x");
    CMD_STR(c, "OK", "CLIENT", "TRACKING", "ON");
    CMD_DO(c, "GET", "push:other");
    rsdk_client *o = rsdk_test_client(*state, 3, true);
    CMD_DO(o, "SET", "push:other", "1");
    tp_expect_none(ps, 200); /* reads the invalidation; it is no message */
    assert_int_equal(cnt.n, 1);
    rsdk_client_close(o);
    rsdk_pubsub_free(ps);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commands_on_subscribed_connection),
        cmocka_unit_test(test_transaction_on_subscribed_connection),
        cmocka_unit_test(test_resp2_offers_no_client),
        cmocka_unit_test(test_other_pushes_reach_push_handler),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
