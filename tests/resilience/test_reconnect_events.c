/* Reconnects follow the retry policy's backoff and each attempt is an event
 * with its number and the delay waited before it. With an exponential
 * backoff (no jitter) the delays are exact: base, 2·base, 4·base. Without a
 * policy a broken connection is re-opened by the next call, one attempt per
 * call, no wait, and the count carries on until a connect succeeds. */
#include "fault_proxy.h"
#include "resil.h"

typedef struct fixture {
    fault_proxy *fp;
    rs_recorder rec;
    rsdk_retry_policy pol;
    rsdk_client *c;
} fixture;

static void open_fixture(fixture *f, rsdk_test_server *srv, bool with_policy, bool default_policy) {
    memset(f, 0, sizeof *f);
    assert_int_equal(fault_proxy_start(srv->port, &f->fp), 0);
    rs_recorder_init(&f->rec, RSDK_EVENT_MASK(RSDK_EVENT_RECONNECT_ATTEMPT) |
                                  RSDK_EVENT_MASK(RSDK_EVENT_CONNECTED) |
                                  RSDK_EVENT_MASK(RSDK_EVENT_DISCONNECTED));
    rsdk_client_opts o;
    rsdk_client_opts_init(&o);
    o.port = fault_proxy_port(f->fp);
    o.connect_timeout_ms = 1000;
    o.command_timeout_ms = 1000;
    o.events = f->rec.bus;
    if (with_policy) {
        rsdk_retry_policy_init(&f->pol);
        f->pol.max_attempts = 4;
        f->pol.backoff.kind = RSDK_BACKOFF_EXPONENTIAL;
        f->pol.backoff.base_ms = 40;
        f->pol.backoff.cap_ms = 1000;
        o.retry = &f->pol;
    } else if (!default_policy) {
        rsdk_test_no_retry(&o);
    }
    f->c = rsdk_test_client_open(&o);
}

static void close_fixture(fixture *f) {
    rsdk_client_close(f->c);
    fault_proxy_stop(f->fp);
    rs_recorder_deinit(&f->rec);
}

static void expect_attempt(fixture *f, size_t k, uint32_t attempt, uint32_t delay) {
    rs_event e;
    assert_true(rs_recorder_nth(&f->rec, RSDK_EVENT_RECONNECT_ATTEMPT, k, &e));
    assert_int_equal(e.ev.reconnect.attempt, attempt);
    assert_int_equal(e.ev.reconnect.delay_ms, delay);
    assert_ptr_equal(e.source, f->c);
}

static void test_backoff_delays_in_events(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, true, false);
    /* Server unreachable from now on, and the live connection dies. */
    fault_proxy_refuse(f.fp);
    fault_proxy_cut(f.fp);
    rsdk_reply *r = NULL;
    long long t0 = rsdk_test_now_ms();
    rsdk_status s = rsdk_client_command(f.c, &r, "GET", "re:k", (const char *)NULL);
    long long dt = rsdk_test_now_ms() - t0;
    /* Attempt 1 met the cut connection (GET is read-only, so its loss may
     * be retried); attempts 2..4 were reconnects, refused. */
    assert_int_equal(s, RSDK_ERR_CONNECT);
    assert_null(r);
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_RECONNECT_ATTEMPT), 3);
    expect_attempt(&f, 0, 1, 40);
    expect_attempt(&f, 1, 2, 80);
    expect_attempt(&f, 2, 3, 160);
    assert_true(dt >= 280);
    assert_true(dt < 3000);
    rs_event e;
    assert_true(rs_recorder_nth(&f.rec, RSDK_EVENT_DISCONNECTED, 0, &e));
    assert_true(e.ev.disconnected.cause == RSDK_ERR_EOF || e.ev.disconnected.cause == RSDK_ERR_IO);

    /* The next call starts with a reconnect at once (no delay before the
     * first attempt of a call); the count goes on. */
    s = rsdk_client_command(f.c, &r, "GET", "re:k", (const char *)NULL);
    assert_int_equal(s, RSDK_ERR_CONNECT);
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_RECONNECT_ATTEMPT), 7);
    expect_attempt(&f, 3, 4, 0);
    expect_attempt(&f, 4, 5, 40);
    expect_attempt(&f, 5, 6, 80);
    expect_attempt(&f, 6, 7, 160);

    /* The server is back: one attempt succeeds, CONNECTED follows and the
     * count starts over. */
    fault_proxy_pass(f.fp);
    rs_recorder_clear(&f.rec);
    CMD_DO(f.c, "PING");
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_RECONNECT_ATTEMPT), 1);
    expect_attempt(&f, 0, 8, 0);
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_CONNECTED), 1);
    fault_proxy_cut(f.fp);
    CMD_DO(f.c, "PING"); /* EOF, retried: reconnect attempt 1 after 40 ms */
    expect_attempt(&f, 1, 1, 40);
    close_fixture(&f);
}

static void test_never_retry_one_attempt_per_call(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, false, false);
    fault_proxy_refuse(f.fp);
    fault_proxy_cut(f.fp);
    rsdk_reply *r = NULL;
    /* The call that meets the dead connection fails and is not repeated. */
    rsdk_status s = rsdk_client_command(f.c, &r, "GET", "re:k", (const char *)NULL);
    assert_true(s == RSDK_ERR_EOF || s == RSDK_ERR_IO);
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_RECONNECT_ATTEMPT), 0);
    for (uint32_t i = 1; i <= 3; i++) {
        s = rsdk_client_command(f.c, &r, "GET", "re:k", (const char *)NULL);
        assert_int_equal(s, RSDK_ERR_CONNECT);
        assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_RECONNECT_ATTEMPT), i);
        expect_attempt(&f, i - 1, i, 0);
    }
    fault_proxy_pass(f.fp);
    CMD_DO(f.c, "PING");
    expect_attempt(&f, 3, 4, 0);
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_CONNECTED), 2);
    close_fixture(&f);
}

/* Without opts.retry a client has the default policy: a read that met a
 * dead connection is tried again on a new one and answers; a write whose
 * bytes may have left is not, and fails with its connection error. */
static void test_default_policy_heals_reads_not_writes(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, false, true);
    CMD_DO(f.c, "DEL", "re:n");
    fault_proxy_cut(f.fp);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(f.c, &r, "GET", "re:n", (const char *)NULL), RSDK_OK);
    assert_int_equal(r->type, RSDK_REPLY_NIL);
    rsdk_reply_free(r);
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_RECONNECT_ATTEMPT), 1);

    fault_proxy_cut(f.fp);
    r = NULL;
    rsdk_status s = rsdk_client_command(f.c, &r, "INCR", "re:n", (const char *)NULL);
    assert_true(s == RSDK_ERR_EOF || s == RSDK_ERR_IO);
    assert_null(r);
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_RECONNECT_ATTEMPT), 1); /* not retried */
    r = CMD_OK(f.c, "GET", "re:n");
    assert_int_equal(r->type, RSDK_REPLY_NIL); /* the cut INCR never ran, and was not resent */
    rsdk_reply_free(r);
    close_fixture(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_delays_in_events),
        cmocka_unit_test(test_never_retry_one_attempt_per_call),
        cmocka_unit_test(test_default_policy_heals_reads_not_writes),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
