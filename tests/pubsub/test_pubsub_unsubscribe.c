/* Unsubscribing stops delivery: the server counts no receiver and nothing
 * arrives; "all of a kind" (n = 0) leaves every name of that kind only.
 * RESP2 and RESP3. */
#include "support/tp.h"

static void run(rsdk_test_server *srv, int protocol) {
    rsdk_pubsub *ps = tp_pubsub(srv, protocol, true);
    rsdk_client *pub = rsdk_test_client(srv, 3, true);
    const rsdk_str chans[] = {{"u:a", 3}, {"u:b", 3}, {"u:c", 3}};
    assert_int_equal(rsdk_pubsub_subscribe(ps, chans, 3), RSDK_OK);
    tp_sub(ps, 'p', "u:*");
    tp_sub(ps, 's', "u:s");

    assert_int_equal(rsdk_pubsub_unsubscribe(ps, chans, 1), RSDK_OK);
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_MESSAGE), 2);
    /* u:a still matches the pattern only. */
    assert_int_equal(tp_publish(pub, false, "u:a", "1"), 1);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_PMESSAGE, "u:a", "1", "u:*");
    tp_expect_none(ps, 100);

    assert_int_equal(rsdk_pubsub_punsubscribe(ps, NULL, 0), RSDK_OK);
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_PMESSAGE), 0);
    assert_int_equal(tp_publish(pub, false, "u:a", "2"), 0);
    assert_int_equal(tp_publish(pub, false, "u:b", "3"), 1);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "u:b", "3", NULL);

    /* Leaving a name never subscribed is harmless. */
    const rsdk_str never = {"u:never", 7};
    assert_int_equal(rsdk_pubsub_unsubscribe(ps, &never, 1), RSDK_OK);

    assert_int_equal(rsdk_pubsub_unsubscribe(ps, NULL, 0), RSDK_OK);
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_MESSAGE), 0);
    assert_int_equal(tp_publish(pub, false, "u:b", "4"), 0);
    assert_int_equal(tp_publish(pub, false, "u:c", "5"), 0);
    /* The shard subscription is untouched by UNSUBSCRIBE. */
    assert_int_equal(tp_publish(pub, true, "u:s", "6"), 1);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_SMESSAGE, "u:s", "6", NULL);
    assert_int_equal(rsdk_pubsub_sunsubscribe(ps, NULL, 0), RSDK_OK);
    assert_int_equal(tp_publish(pub, true, "u:s", "7"), 0);
    tp_expect_none(ps, 100);
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_SMESSAGE), 0);

    /* Subscribing again after leaving everything works (RESP2 left
     * subscribed mode in between). */
    tp_sub(ps, 'c', "u:again");
    assert_int_equal(tp_publish(pub, false, "u:again", "8"), 1);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "u:again", "8", NULL);
    rsdk_client_close(pub);
    rsdk_pubsub_free(ps);
}

RSDK_TEST_SERVER_CASE(test_resp3, run, 3)
RSDK_TEST_SERVER_CASE(test_resp2, run, 2)

/* Many channels at once (several commands' worth) in and out. */
static void test_many_channels(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pubsub *ps = tp_pubsub(*state, 2, true);
    enum { N = 1500 };
    static char names[N][16];
    static rsdk_str chans[N];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "many:%d", i);
        chans[i] = rsdk_str_c(names[i]);
    }
    assert_int_equal(rsdk_pubsub_subscribe(ps, chans, N), RSDK_OK);
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_MESSAGE), N);
    rsdk_client *pub = rsdk_test_client(*state, 3, true);
    assert_int_equal(tp_publish(pub, false, "many:1499", "last"), 1);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "many:1499", "last", NULL);
    assert_int_equal(rsdk_pubsub_unsubscribe(ps, chans, N / 2), RSDK_OK);
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_MESSAGE), N - N / 2);
    assert_int_equal(rsdk_pubsub_unsubscribe(ps, NULL, 0), RSDK_OK);
    assert_int_equal(tp_publish(pub, false, "many:1499", "gone"), 0);
    rsdk_reply *r = CMD_OK(pub, "PUBSUB", "NUMSUB", "many:0", "many:1499");
    assert_int_equal(r->element[1].integer, 0);
    assert_int_equal(r->element[3].integer, 0);
    rsdk_reply_free(r);
    rsdk_client_close(pub);
    rsdk_pubsub_free(ps);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resp3),
        cmocka_unit_test(test_resp2),
        cmocka_unit_test(test_many_channels),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
