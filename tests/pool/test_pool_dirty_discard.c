/* A connection given back in a state the next user must not inherit is
 * closed, not reused: left in MULTI (raw or rsdk_txn_multi), under WATCH,
 * subscribed, after SELECT, broken, or with a reply still on its way. A
 * clean one — also after a complete transaction — is reused. Each release
 * event says whether the connection was discarded. */
#include "runtime/src/client/client_io.h" /* rsdk__client_write: a request whose reply is never read */
#include "resilience/resil.h"

typedef struct fixture {
    rs_recorder rec;
    rsdk_pool *p;
} fixture;

static void setup_pool(fixture *f, rsdk_test_server *srv, int proto) {
    rs_recorder_init(&f->rec, RSDK_EVENT_MASK(RSDK_EVENT_POOL_RELEASE));
    rsdk_pool_opts o;
    rsdk_client_opts o_client;
    rs_pool_opts(srv, &o, &o_client, true);
    o_client.protocol = proto;
    rsdk_test_no_retry(&o_client); /* a broken connection must show */
    o.max_size = 1; /* one connection: reuse or replacement is visible */
    o.events = f->rec.bus;
    f->p = rs_pool_open(&o);
}

static void teardown_pool(fixture *f) {
    rsdk_pool_free(f->p);
    rs_recorder_deinit(&f->rec);
}

static rsdk_client *take(fixture *f) {
    rsdk_client *c = NULL;
    rsdk_error err;
    if (rsdk_pool_acquire(f->p, &c, &err)) fail_msg("acquire: %s", err.message);
    return c;
}

/* Releases `c` and checks the verdict from the event and the counters; the
 * next acquire then gets the same connection (kept) or a fresh, clean one. */
static void give_back(fixture *f, rsdk_client *c, long long id, bool discarded) {
    rsdk_pool_stats before, after;
    rsdk_pool_stats_get(f->p, &before);
    size_t n = rs_recorder_count(&f->rec, RSDK_EVENT_POOL_RELEASE);
    assert_int_equal(rsdk_pool_release(f->p, c), RSDK_OK);
    rs_event e;
    assert_true(rs_recorder_nth(&f->rec, RSDK_EVENT_POOL_RELEASE, n, &e));
    assert_int_equal(e.ev.pool_release.discarded, discarded);
    rsdk_pool_stats_get(f->p, &after);
    assert_int_equal(after.discarded, before.discarded + (discarded ? 1 : 0));
    assert_int_equal(after.open, discarded ? 0 : 1);
    rsdk_client *next = take(f);
    if (discarded)
        assert_true(live_client_id(next) != id);
    else
        assert_int_equal(live_client_id(next), id);
    /* Whatever it is, it answers like a fresh connection. */
    rsdk_reply *r = CMD_OK(next, "PING");
    assert_string_equal(r->str, "PONG");
    rsdk_reply_free(r);
    assert_int_equal(rsdk_pool_release(f->p, next), RSDK_OK);
}

static void test_clean_and_transaction_reused(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    setup_pool(&f, *state, 3);
    rsdk_client *c = take(&f);
    long long id = live_client_id(c);
    CMD_DO(c, "SET", "dd:k", "1");
    give_back(&f, c, id, false);
    /* A transaction that ran to EXEC leaves nothing behind. */
    c = take(&f);
    id = live_client_id(c);
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_set_transaction(p, true), RSDK_OK);
    const char *incr[] = {"INCR", "dd:n"};
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, incr, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    rsdk_pipeline_free(p);
    CMD_DO(c, "MULTI");
    CMD_DO(c, "INCR", "dd:n");
    CMD_DO(c, "EXEC");
    give_back(&f, c, id, false);
    teardown_pool(&f);
}

static void test_multi_left_open(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    setup_pool(&f, *state, 3);
    rsdk_client *c = take(&f);
    long long id = live_client_id(c);
    CMD_DO(c, "MULTI");
    CMD_DO(c, "INCR", "dd:multi"); /* QUEUED */
    give_back(&f, c, id, true);
    /* The same through the transaction API. */
    c = take(&f);
    id = live_client_id(c);
    assert_int_equal(rsdk_txn_multi(c), RSDK_OK);
    give_back(&f, c, id, true);
    /* Nothing queued ever ran. */
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    assert_int_equal(live_get_int(admin, "dd:multi"), 0);
    rsdk_client_close(admin);
    teardown_pool(&f);
}

static void test_watch_left(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    setup_pool(&f, *state, 3);
    rsdk_client *c = take(&f);
    long long id = live_client_id(c);
    CMD_DO(c, "WATCH", "dd:w");
    give_back(&f, c, id, true);
    c = take(&f);
    id = live_client_id(c);
    CMD_DO(c, "WATCH", "dd:w");
    CMD_DO(c, "UNWATCH"); /* ended: clean again */
    give_back(&f, c, id, false);
    teardown_pool(&f);
}

static void test_subscribed_left(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    setup_pool(&f, *state, 2); /* RESP2: the confirmation is a reply */
    rsdk_client *c = take(&f);
    long long id = live_client_id(c);
    CMD_DO(c, "SUBSCRIBE", "dd:chan");
    give_back(&f, c, id, true);
    c = take(&f);
    id = live_client_id(c);
    CMD_DO(c, "PSUBSCRIBE", "dd:*");
    give_back(&f, c, id, true);
    teardown_pool(&f);
}

static void test_select_left(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    setup_pool(&f, *state, 3);
    rsdk_client *c = take(&f);
    long long id = live_client_id(c);
    CMD_DO(c, "SELECT", "1");
    give_back(&f, c, id, true);
    teardown_pool(&f);
}

static void test_broken(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    setup_pool(&f, *state, 3);
    rsdk_client *c = take(&f);
    long long id = live_client_id(c);
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    char num[32];
    snprintf(num, sizeof num, "%lld", id);
    CMD_DO(admin, "CLIENT", "KILL", "ID", num);
    rsdk_client_close(admin);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "INCR", "dd:broken", (const char *)NULL);
    assert_int_equal(rsdk_err_class(s), RSDK_CLASS_CONNECTION);
    assert_true(rsdk_client_broken(c));
    give_back(&f, c, id, true);
    teardown_pool(&f);
}

static void test_reply_in_flight(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    setup_pool(&f, *state, 3);
    rsdk_client *c = take(&f);
    long long id = live_client_id(c);
    /* A request whose reply nobody reads (as a caller that gave up
     * mid-exchange would leave it; every public call counts the replies
     * it owes, so only an internal write can): the late reply must not
     * become the next user's answer. The release cannot see it yet; an
     * acquire that probes (the connection idle a second or more) finds the
     * socket readable and replaces the connection. */
    assert_int_equal(rsdk__client_write(c, "*2\r\n$4\r\nECHO\r\n$5\r\nstale\r\n", 25), RSDK_OK);
    assert_int_equal(rsdk_pool_release(f.p, c), RSDK_OK);
    rsdk_test_sleep_ms(1100);
    rsdk_client *next = take(&f);
    assert_true(live_client_id(next) != id);
    rsdk_reply *r = CMD_OK(next, "ECHO", "fresh");
    assert_string_equal(r->str, "fresh");
    rsdk_reply_free(r);
    rsdk_pool_release(f.p, next);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(f.p, &st);
    assert_int_equal(st.discarded, 1);
    teardown_pool(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_and_transaction_reused),
        cmocka_unit_test(test_multi_left_open),
        cmocka_unit_test(test_watch_left),
        cmocka_unit_test(test_subscribed_left),
        cmocka_unit_test(test_select_left),
        cmocka_unit_test(test_broken),
        cmocka_unit_test(test_reply_in_flight),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
