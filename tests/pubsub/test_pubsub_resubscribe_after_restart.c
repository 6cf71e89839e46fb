/* After the connection breaks (server restart, CLIENT KILL) the subscriber
 * reconnects with backoff and subscribes to every channel, pattern and
 * shard channel again, so publishing afterwards reaches it. Listeners see
 * DISCONNECTED, RECONNECT_ATTEMPT and CONNECTED. RESP2 and RESP3. */
#include <pthread.h>

#include "support/tp.h"

typedef struct {
    pthread_mutex_t mu;
    int disconnected, attempts, connected;
    const void *source;
} seen;

static void on_event(const rsdk_event *ev, void *ud) {
    seen *s = ud;
    pthread_mutex_lock(&s->mu);
    s->source = ev->source;
    if (ev->type == RSDK_EVENT_DISCONNECTED) s->disconnected++;
    if (ev->type == RSDK_EVENT_RECONNECT_ATTEMPT) s->attempts++;
    if (ev->type == RSDK_EVENT_CONNECTED) s->connected++;
    pthread_mutex_unlock(&s->mu);
}

/* Calls next() until publishing to `ch` reaches a subscriber again (the
 * resubscribe happened), then expects that very message. */
static void until_delivered(rsdk_pubsub *ps, rsdk_client *pub, bool shard, const char *ch,
                            rsdk_pubsub_kind kind, const char *pattern) {
    for (int i = 0; i < 100; i++) {
        rsdk_pubsub_msg m;
        rsdk_status s = rsdk_pubsub_next(ps, &m, 100);
        if (s == RSDK_OK) fail_msg("unexpected message before the resubscribe");
        rsdk_reply *r = NULL;
        if (rsdk_client_command(pub, &r, shard ? "SPUBLISH" : "PUBLISH", ch, "after", NULL) != RSDK_OK)
            continue; /* publisher reconnecting too */
        int64_t n = r->integer;
        rsdk_reply_free(r);
        if (n >= 1) {
            tp_expect_msg(ps, 3000, kind, ch, "after", pattern);
            return;
        }
    }
    fail_msg("%s never delivered again", ch);
}

static void run_restart(rsdk_test_server *srv, int protocol) {
    rsdk_events *ev = NULL;
    assert_int_equal(rsdk_events_new(&ev), RSDK_OK);
    seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    assert_int_equal(rsdk_events_subscribe(ev, 0, on_event, &s, NULL), RSDK_OK);
    rsdk_pubsub_opts o;
    rsdk_client_opts o_client;
    tp_pubsub_opts(srv, &o, &o_client, protocol, true);
    o.events = ev;
    o.reconnect_backoff.base_ms = 20;
    o.reconnect_backoff.cap_ms = 200;
    rsdk_pubsub *ps = tp_pubsub_open(&o);
    tp_sub(ps, 'c', "r:chan");
    tp_sub(ps, 'p', "r:pat:*");
    tp_sub(ps, 's', "r:shard");
    rsdk_client *pub = rsdk_test_client(srv, 3, true);
    assert_int_equal(tp_publish(pub, false, "r:chan", "before"), 1);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "r:chan", "before", NULL);

    assert_int_equal(rsdk_test_server_restart(srv), RSDK_TEST_SERVER_OK);

    until_delivered(ps, pub, false, "r:chan", RSDK_PUBSUB_MESSAGE, NULL);
    assert_int_equal(tp_publish(pub, false, "r:pat:1", "after"), 1);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_PMESSAGE, "r:pat:1", "after", "r:pat:*");
    assert_int_equal(tp_publish(pub, true, "r:shard", "after"), 1);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_SMESSAGE, "r:shard", "after", NULL);

    rsdk_pubsub_stats st;
    rsdk_pubsub_stats_get(ps, &st);
    assert_true(st.reconnects >= 1);
    pthread_mutex_lock(&s.mu);
    assert_true(s.disconnected >= 1);
    assert_true(s.attempts >= 1);
    assert_true(s.connected >= 2); /* at open, and after the resubscribe */
    assert_ptr_equal(s.source, ps);
    pthread_mutex_unlock(&s.mu);
    /* The subscription set itself is unchanged. */
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_MESSAGE), 1);
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_PMESSAGE), 1);
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_SMESSAGE), 1);
    rsdk_client_close(pub);
    rsdk_pubsub_free(ps);
    rsdk_events_free(ev);
}

RSDK_TEST_SERVER_CASE(test_restart_resp3, run_restart, 3)
RSDK_TEST_SERVER_CASE(test_restart_resp2, run_restart, 2)

/* CLIENT KILL of the subscriber's connection: same recovery; the new
 * connection has a new id. */
static void test_client_kill(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_pubsub *ps = tp_pubsub(*state, proto, true);
        tp_sub(ps, 'c', "k:chan");
        int64_t id = rsdk_pubsub_id(ps);
        assert_true(id > 0);
        rsdk_client *pub = rsdk_test_client(*state, 3, true);
        char ids[32];
        snprintf(ids, sizeof ids, "%lld", (long long)id);
        CMD_INT(pub, 1, "CLIENT", "KILL", "ID", ids);
        until_delivered(ps, pub, false, "k:chan", RSDK_PUBSUB_MESSAGE, NULL);
        assert_true(rsdk_pubsub_id(ps) > id);
        rsdk_client_close(pub);
        rsdk_pubsub_free(ps);
    }
}

/* RESP3: an ordinary command re-opens the broken connection itself; the
 * subscriptions come back at the subscriber's next call. */
static void test_reopened_by_command(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pubsub *ps = tp_pubsub(*state, 3, true);
    rsdk_client *c = rsdk_pubsub_client(ps);
    tp_sub(ps, 'c', "cmd:chan");
    rsdk_client *pub = rsdk_test_client(*state, 3, true);
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", (long long)rsdk_pubsub_id(ps));
    CMD_INT(pub, 1, "CLIENT", "KILL", "ID", ids);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "PING", NULL);
    if (s == RSDK_OK) { /* retried on a new connection by the default policy */
        assert_string_equal(r->str, "PONG");
        rsdk_reply_free(r);
    } else {
        assert_int_equal(rsdk_err_class(s), RSDK_CLASS_CONNECTION);
    }
    CMD_STR(c, "PONG", "PING"); /* reconnected by the client */
    until_delivered(ps, pub, false, "cmd:chan", RSDK_PUBSUB_MESSAGE, NULL);
    rsdk_client_close(pub);
    rsdk_pubsub_free(ps);
}

/* Without reconnect a lost connection is reported as such. */
static void test_no_reconnect_reports_broken(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pubsub_opts o;
    rsdk_client_opts o_client;
    tp_pubsub_opts(*state, &o, &o_client, 2, true);
    o.reconnect = false;
    rsdk_pubsub *ps = tp_pubsub_open(&o);
    tp_sub(ps, 'c', "nr");
    rsdk_client *pub = rsdk_test_client(*state, 3, true);
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", (long long)rsdk_pubsub_id(ps));
    CMD_INT(pub, 1, "CLIENT", "KILL", "ID", ids);
    rsdk_pubsub_msg m;
    rsdk_status s = rsdk_pubsub_next(ps, &m, 2000);
    assert_int_equal(rsdk_err_class(s), RSDK_CLASS_CONNECTION);
    assert_int_equal(rsdk_pubsub_next(ps, &m, 100), RSDK_ERR_BROKEN);
    rsdk_client_close(pub);
    rsdk_pubsub_free(ps);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_restart_resp3),
        cmocka_unit_test(test_restart_resp2),
        cmocka_unit_test(test_client_kill),
        cmocka_unit_test(test_reopened_by_command),
        cmocka_unit_test(test_no_reconnect_reports_broken),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
