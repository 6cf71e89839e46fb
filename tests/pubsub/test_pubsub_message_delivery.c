/* SUBSCRIBE, then PUBLISH from another client: the subscriber receives the
 * message with its channel and payload, in order, over RESP2 (a dedicated
 * connection) and RESP3 (push messages), TCP and Unix socket. */
#include "support/tp.h"

static void run(rsdk_test_server *srv, int protocol, bool use_unix) {
    rsdk_pubsub *ps = tp_pubsub(srv, protocol, use_unix);
    assert_int_equal(rsdk_pubsub_protocol(ps), protocol);
    rsdk_client *pub = rsdk_test_client(srv, 3, true);
    const rsdk_str chans[] = {{"news", 4}, {"sport", 5}};
    assert_int_equal(rsdk_pubsub_subscribe(ps, chans, 2), RSDK_OK);
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_MESSAGE), 2);
    /* Subscribing again to a known name changes nothing. */
    assert_int_equal(rsdk_pubsub_subscribe(ps, chans, 1), RSDK_OK);
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_MESSAGE), 2);

    /* Confirmed before subscribe returned: the publish reaches us. */
    assert_int_equal(tp_publish(pub, false, "news", "first"), 1);
    assert_int_equal(tp_publish(pub, false, "sport", "second"), 1);
    assert_int_equal(tp_publish(pub, false, "news", "third"), 1);
    assert_int_equal(tp_publish(pub, false, "other", "nobody"), 0);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "news", "first", NULL);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "sport", "second", NULL);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "news", "third", NULL);

    /* Binary-safe payload and channel. */
    const char bin_ch[] = {'b', 0, 'c'};
    const char bin_msg[] = {0, 1, 2, '\r', '\n', 0};
    const rsdk_str bc = {bin_ch, sizeof bin_ch};
    assert_int_equal(rsdk_pubsub_subscribe(ps, &bc, 1), RSDK_OK);
    const char *argv[] = {"PUBLISH", bin_ch, bin_msg};
    const size_t lens[] = {7, sizeof bin_ch, sizeof bin_msg};
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command_argv(pub, 3, argv, lens, &r), RSDK_OK);
    assert_int_equal(r->integer, 1);
    rsdk_reply_free(r);
    rsdk_pubsub_msg m;
    assert_int_equal(rsdk_pubsub_next(ps, &m, 2000), RSDK_OK);
    assert_int_equal(m.channel.len, sizeof bin_ch);
    assert_memory_equal(m.channel.ptr, bin_ch, sizeof bin_ch);
    assert_int_equal(m.payload.len, sizeof bin_msg);
    assert_memory_equal(m.payload.ptr, bin_msg, sizeof bin_msg);
    assert_non_null(m.value);
    assert_int_equal(m.value->type, RSDK_REPLY_STRING);
    rsdk_pubsub_msg_deinit(&m);
    assert_null(m.reply);
    rsdk_pubsub_msg_deinit(&m); /* cleared: a second deinit is harmless */

    /* Many messages in one burst arrive complete and in order. */
    for (int i = 0; i < 200; i++) {
        char p[16];
        snprintf(p, sizeof p, "m%d", i);
        tp_publish(pub, false, "sport", p);
    }
    for (int i = 0; i < 200; i++) {
        char p[16];
        snprintf(p, sizeof p, "m%d", i);
        tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "sport", p, NULL);
    }
    rsdk_pubsub_stats st;
    rsdk_pubsub_stats_get(ps, &st);
    assert_int_equal(st.messages, 204);
    assert_int_equal(st.dropped, 0);
    rsdk_client_close(pub);
    rsdk_pubsub_free(ps);
}

RSDK_TEST_SERVER_CASE(test_resp3_unix, run, 3, true)
RSDK_TEST_SERVER_CASE(test_resp2_unix, run, 2, true)
RSDK_TEST_SERVER_CASE(test_resp3_tcp, run, 3, false)
RSDK_TEST_SERVER_CASE(test_resp2_tcp, run, 2, false)

/* Freeing a subscriber with queued messages frees them (ASan checks). */
static void test_free_with_queued_messages(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pubsub *ps = tp_pubsub(*state, 3, true);
    rsdk_client *pub = rsdk_test_client(*state, 3, true);
    tp_sub(ps, 'c', "q");
    for (int i = 0; i < 5; i++) tp_publish(pub, false, "q", "x");
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "q", "x", NULL); /* reads the burst */
    rsdk_pubsub_free(ps);
    rsdk_pubsub_free(NULL);
    rsdk_client_close(pub);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resp3_unix),
        cmocka_unit_test(test_resp2_unix),
        cmocka_unit_test(test_resp3_tcp),
        cmocka_unit_test(test_resp2_tcp),
        cmocka_unit_test(test_free_with_queued_messages),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
