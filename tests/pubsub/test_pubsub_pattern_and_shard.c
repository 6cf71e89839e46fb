/* PSUBSCRIBE delivers pmessages naming the pattern and the channel;
 * SSUBSCRIBE delivers smessages from SPUBLISH (Redis 7.0+, also on a
 * server without cluster mode). RESP2 and RESP3. */
#include "support/tp.h"

static void run(rsdk_test_server *srv, int protocol) {
    rsdk_pubsub *ps = tp_pubsub(srv, protocol, true);
    rsdk_client *pub = rsdk_test_client(srv, 3, true);
    tp_sub(ps, 'p', "user:*");
    tp_sub(ps, 's', "orders");
    tp_sub(ps, 'c', "user:plain");
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_PMESSAGE), 1);
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_SMESSAGE), 1);
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_MESSAGE), 1);

    assert_int_equal(tp_publish(pub, false, "user:42", "hello"), 1);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_PMESSAGE, "user:42", "hello", "user:*");

    /* A channel matched by the pattern and subscribed directly: both. */
    assert_int_equal(tp_publish(pub, false, "user:plain", "both"), 2);
    rsdk_pubsub_msg a, b;
    assert_int_equal(rsdk_pubsub_next(ps, &a, 2000), RSDK_OK);
    assert_int_equal(rsdk_pubsub_next(ps, &b, 2000), RSDK_OK);
    assert_true((a.kind == RSDK_PUBSUB_MESSAGE && b.kind == RSDK_PUBSUB_PMESSAGE) ||
                (a.kind == RSDK_PUBSUB_PMESSAGE && b.kind == RSDK_PUBSUB_MESSAGE));
    rsdk_pubsub_msg_deinit(&a);
    rsdk_pubsub_msg_deinit(&b);

    assert_int_equal(tp_publish(pub, true, "orders", "o-1"), 1);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_SMESSAGE, "orders", "o-1", NULL);
    /* PUBLISH does not reach shard subscribers, nor SPUBLISH plain ones. */
    assert_int_equal(tp_publish(pub, false, "orders", "plain"), 0);
    assert_int_equal(tp_publish(pub, true, "user:plain", "shard"), 0);
    tp_expect_none(ps, 100);
    rsdk_client_close(pub);
    rsdk_pubsub_free(ps);
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
