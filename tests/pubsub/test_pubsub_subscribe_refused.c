/* The server refuses a subscription (an ACL without the channel): the
 * mapped code comes back, nothing of that call stays in the subscription
 * set, earlier subscriptions keep working. RESP2 and RESP3. */
#include "support/tp.h"

static void run(rsdk_test_server *srv, int protocol) {
    rsdk_client *admin = rsdk_test_client(srv, 3, true);
    rsdk_pubsub *ps = tp_limited_pubsub(srv, admin, protocol);
    tp_sub(ps, 'c', "allowed:1");

    const rsdk_str mixed[] = {{"allowed:2", 9}, {"denied", 6}};
    assert_int_equal(rsdk_pubsub_subscribe(ps, mixed, 2), RSDK_ERR_NOPERM);
    assert_string_equal(rsdk_pubsub_error(ps)->prefix, "NOPERM");
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_MESSAGE), 1);
    const rsdk_str pat = {"*", 1};
    assert_int_equal(rsdk_pubsub_psubscribe(ps, &pat, 1), RSDK_ERR_NOPERM);
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_PMESSAGE), 0);

    /* The connection is still in step: the old subscription delivers, and
     * the refused channel has no subscriber. */
    assert_int_equal(tp_publish(admin, false, "denied", "x"), 0);
    assert_int_equal(tp_publish(admin, false, "allowed:2", "x"), 0);
    assert_int_equal(tp_publish(admin, false, "allowed:1", "ok"), 1);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "allowed:1", "ok", NULL);
    rsdk_pubsub_stats st;
    rsdk_pubsub_stats_get(ps, &st);
    assert_int_equal(st.reconnects, 0);
    rsdk_pubsub_free(ps);
    CMD_INT(admin, 1, "ACL", "DELUSER", "limited");
    rsdk_client_close(admin);
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
