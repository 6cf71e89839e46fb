/* A client given a dispatcher reports its life: CONNECTED (endpoint,
 * protocol), COMMAND_COMPLETED (name, latency, status) for every call,
 * PUSH for out-of-band pushes, DISCONNECTED with the cause when the
 * connection breaks and with RSDK_OK when it is closed. */
#include "resil.h"

static rsdk_client *open_with(rsdk_test_server *srv, rs_recorder *rec, bool use_unix, int proto) {
    rsdk_client_opts o;
    rsdk_test_server_client_opts(srv, &o, use_unix);
    o.events = rec->bus;
    o.protocol = proto;
    rsdk_test_no_retry(&o); /* the events of one attempt */
    return rsdk_test_client_open(&o);
}

static void test_connected_and_closed(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rs_recorder rec;
    rs_recorder_init(&rec, 0);
    rsdk_client *c = open_with(srv, &rec, false, 3);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_CONNECTED), 1);
    rs_event e;
    assert_true(rs_recorder_nth(&rec, RSDK_EVENT_CONNECTED, 0, &e));
    char want[64];
    snprintf(want, sizeof want, "127.0.0.1:%d", srv->port);
    assert_string_equal(e.text, want);
    assert_int_equal(e.ev.connected.protocol, 3);
    assert_ptr_equal(e.source, c);
    assert_true(e.ev.time_us > 0);
    /* Opening is not a reconnect. */
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_RECONNECT_ATTEMPT), 0);
    rsdk_client_close(c);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_DISCONNECTED), 1);
    assert_true(rs_recorder_nth(&rec, RSDK_EVENT_DISCONNECTED, 0, &e));
    assert_int_equal(e.ev.disconnected.cause, RSDK_OK);
    assert_string_equal(e.text, want);
    rs_recorder_deinit(&rec);
}

static void test_command_completed(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_COMMAND_COMPLETED));
    rsdk_client *c = open_with(*state, &rec, true, 3);
    CMD_DO(c, "set", "ev:k", "v");
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(c, &r, "LPUSH", "ev:k", "x", (const char *)NULL),
                     RSDK_ERR_WRONGTYPE);
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    const char *ping[] = {"PING"};
    assert_int_equal(rsdk_pipeline_append_argv(p, 1, ping, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 1, ping, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    rsdk_pipeline_free(p);

    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_COMMAND_COMPLETED), 3);
    rs_event e;
    assert_true(rs_recorder_nth(&rec, RSDK_EVENT_COMMAND_COMPLETED, 0, &e));
    assert_string_equal(e.text, "SET"); /* upper-cased */
    assert_int_equal(e.ev.command.status, RSDK_OK);
    assert_true(e.ev.command.latency_us > 0);
    assert_true(e.ev.command.latency_us < 5000000);
    assert_true(rs_recorder_nth(&rec, RSDK_EVENT_COMMAND_COMPLETED, 1, &e));
    assert_string_equal(e.text, "LPUSH");
    assert_int_equal(e.ev.command.status, RSDK_ERR_WRONGTYPE);
    assert_true(rs_recorder_nth(&rec, RSDK_EVENT_COMMAND_COMPLETED, 2, &e));
    assert_string_equal(e.text, "PIPELINE");
    assert_int_equal(e.ev.command.status, RSDK_OK);
    rsdk_client_close(c);
    rs_recorder_deinit(&rec);
}

static int pushes_seen;
static void on_push(rsdk_client *c, rsdk_reply *push, void *ud) {
    (void)c;
    (void)ud;
    pushes_seen++;
    rsdk_reply_free(push);
}

static void test_push_event(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_PUSH));
    rsdk_client *c = open_with(*state, &rec, true, 3);
    rsdk_client_set_push_handler(c, on_push, NULL);
    rsdk_client *other = rsdk_test_client(*state, 3, true);
    CMD_DO(c, "CLIENT", "TRACKING", "ON");
    CMD_DO(c, "GET", "ev:tracked");
    CMD_DO(other, "SET", "ev:tracked", "1");
    rsdk_test_sleep_ms(50); /* the invalidation is on its way */
    CMD_DO(c, "PING");
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_PUSH), 1);
    assert_int_equal(pushes_seen, 1); /* the handler still gets it, after the event */
    rsdk_client_close(other);
    rsdk_client_close(c);
    rs_recorder_deinit(&rec);
}

static void test_disconnected_with_cause(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_DISCONNECTED) |
                               RSDK_EVENT_MASK(RSDK_EVENT_CONNECTED) |
                               RSDK_EVENT_MASK(RSDK_EVENT_RECONNECT_ATTEMPT));
    rsdk_client *c = open_with(*state, &rec, true, 2);
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    rsdk_reply *r = CMD_OK(c, "CLIENT", "ID");
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)r->integer);
    rsdk_reply_free(r);
    CMD_DO(admin, "CLIENT", "KILL", "ID", id);
    r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "PING", (const char *)NULL);
    assert_true(s == RSDK_ERR_EOF || s == RSDK_ERR_IO);
    rs_event e;
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_DISCONNECTED), 1);
    assert_true(rs_recorder_nth(&rec, RSDK_EVENT_DISCONNECTED, 0, &e));
    assert_int_equal(e.ev.disconnected.cause, s);
    /* The next call reconnects: one attempt, then CONNECTED again. */
    CMD_DO(c, "PING");
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_RECONNECT_ATTEMPT), 1);
    assert_true(rs_recorder_nth(&rec, RSDK_EVENT_RECONNECT_ATTEMPT, 0, &e));
    assert_int_equal(e.ev.reconnect.attempt, 1);
    assert_int_equal(e.ev.reconnect.delay_ms, 0);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_CONNECTED), 2);
    assert_true(rs_recorder_nth(&rec, RSDK_EVENT_CONNECTED, 1, &e));
    assert_int_equal(e.ev.connected.protocol, 2);
    rsdk_client_close(admin);
    rsdk_client_close(c);
    rs_recorder_deinit(&rec);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connected_and_closed),
        cmocka_unit_test(test_command_completed),
        cmocka_unit_test(test_push_event),
        cmocka_unit_test(test_disconnected_with_cause),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
