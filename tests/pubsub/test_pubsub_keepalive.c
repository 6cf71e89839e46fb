/* While idle the subscriber PINGs at the configured interval and consumes
 * the answers (RESP2 subscribed mode answers ["pong", ""], RESP3 +PONG);
 * the server counts the PINGs. A PING left unanswered for the reply timeout
 * breaks the connection, which is then re-opened and resubscribed. */
#include <stdlib.h>

#include "support/tp.h"

/* calls=N of cmdstat_ping in INFO commandstats. */
static long long server_pings(rsdk_client *c) {
    rsdk_reply *r = CMD_OK(c, "INFO", "commandstats");
    const char *p = strstr(r->str, "cmdstat_ping:calls=");
    long long n = p ? strtoll(p + strlen("cmdstat_ping:calls="), NULL, 10) : 0;
    rsdk_reply_free(r);
    return n;
}

static void run(rsdk_test_server *srv, int protocol) {
    rsdk_client *admin = rsdk_test_client(srv, 3, true);
    CMD_STR(admin, "OK", "CONFIG", "RESETSTAT");
    rsdk_pubsub_opts o;
    rsdk_client_opts o_client;
    tp_pubsub_opts(srv, &o, &o_client, protocol, true);
    o.ping_interval_ms = 100;
    rsdk_pubsub *ps = tp_pubsub_open(&o);
    tp_sub(ps, 'c', "ka");
    tp_expect_none(ps, 650);
    rsdk_pubsub_stats st;
    rsdk_pubsub_stats_get(ps, &st);
    assert_true(st.pings_sent >= 4);
    assert_true(st.pings_sent <= 7);
    /* Every PING but possibly the last was answered and consumed. */
    assert_true(st.pongs + 1 >= st.pings_sent);
    assert_int_equal(st.messages, 0);
    assert_int_equal(st.reconnects, 0);
    assert_true(server_pings(admin) >= (long long)st.pings_sent - 1);

    /* Traffic counts as activity: no PING is needed while messages flow. */
    rsdk_pubsub_stats_get(ps, &st);
    uint64_t before = st.pings_sent;
    for (int i = 0; i < 5; i++) {
        tp_publish(admin, false, "ka", "tick");
        tp_expect_msg(ps, 1000, RSDK_PUBSUB_MESSAGE, "ka", "tick", NULL);
    }
    rsdk_pubsub_stats_get(ps, &st);
    assert_true(st.pings_sent <= before + 1);

    /* Unsubscribed from everything (RESP2 leaves pub/sub mode): PINGs are
     * answered +PONG and still consumed. */
    assert_int_equal(rsdk_pubsub_unsubscribe(ps, NULL, 0), RSDK_OK);
    tp_expect_none(ps, 350);
    rsdk_pubsub_stats st2;
    rsdk_pubsub_stats_get(ps, &st2);
    assert_true(st2.pings_sent >= st.pings_sent + 2);
    assert_true(st2.pongs + 1 >= st2.pings_sent);
    rsdk_pubsub_free(ps);
    rsdk_client_close(admin);
}

RSDK_TEST_SERVER_CASE(test_resp3, run, 3)
RSDK_TEST_SERVER_CASE(test_resp2, run, 2)

/* The server stops answering (CLIENT PAUSE): the unanswered PING breaks
 * the connection after the reply timeout; once the pause ends the
 * subscriber is back and subscribed. */
static void test_unanswered_ping_reconnects(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    rsdk_pubsub_opts o;
    rsdk_client_opts o_client;
    tp_pubsub_opts(*state, &o, &o_client, 2, true);
    o.ping_interval_ms = 50;
    o.reply_timeout_ms = 200;
    o.reconnect_backoff.base_ms = 20;
    o.reconnect_backoff.cap_ms = 100;
    o_client.connect_timeout_ms = 3000; /* the handshake waits out the pause */
    rsdk_pubsub *ps = tp_pubsub_open(&o);
    tp_sub(ps, 'c', "dead");
    CMD_STR(admin, "OK", "CLIENT", "PAUSE", "800", "ALL");
    rsdk_pubsub_msg m;
    for (int i = 0; i < 30; i++) {
        rsdk_status s = rsdk_pubsub_next(ps, &m, 100);
        assert_int_not_equal(s, RSDK_OK);
        rsdk_pubsub_stats st;
        rsdk_pubsub_stats_get(ps, &st);
        if (st.reconnects >= 1) break;
    }
    rsdk_pubsub_stats st;
    rsdk_pubsub_stats_get(ps, &st);
    assert_true(st.reconnects >= 1);
    assert_int_equal(tp_publish(admin, false, "dead", "alive"), 1);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "dead", "alive", NULL);
    rsdk_pubsub_free(ps);
    rsdk_client_close(admin);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resp3),
        cmocka_unit_test(test_resp2),
        cmocka_unit_test(test_unanswered_ping_reconnects),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
