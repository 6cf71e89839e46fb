/* The write guarantee, on a real server: a write whose bytes may have
 * reached the server is never sent again, even with a retry policy that
 * retries connection errors — the caller gets the original error and the
 * server's counter proves the command ran once. Read-only commands are
 * retried; writes that provably never left are retried too. */
#include "fault_proxy.h"
#include "resil.h"

static rsdk_retry_policy policy;

static rsdk_client *open_retrying(rsdk_test_server *srv, int port, rs_recorder *rec, int timeout_ms) {
    rsdk_retry_policy_init(&policy); /* retries connection errors, 3 attempts */
    policy.max_attempts = 10;
    policy.backoff.kind = RSDK_BACKOFF_CONSTANT;
    policy.backoff.base_ms = 50;
    policy.backoff.cap_ms = 50;
    rsdk_client_opts o;
    rsdk_test_server_client_opts(srv, &o, false);
    if (port) o.port = port;
    o.command_timeout_ms = timeout_ms;
    o.retry = &policy;
    o.events = rec->bus;
    return rsdk_test_client_open(&o);
}

/* A retrying client under test, its RECONNECT_ATTEMPT events, an admin
 * connection straight to the server and, when asked for, a fault proxy
 * between the client and the server. */
typedef struct fixture {
    rs_recorder rec;
    rsdk_client *admin;
    fault_proxy *fp;
    rsdk_client *c;
} fixture;

static void open_fixture(fixture *f, rsdk_test_server *srv, bool proxied, int timeout_ms) {
    memset(f, 0, sizeof *f);
    f->admin = rsdk_test_client(srv, 3, true);
    if (proxied) assert_int_equal(fault_proxy_start(srv->port, &f->fp), 0);
    rs_recorder_init(&f->rec, RSDK_EVENT_MASK(RSDK_EVENT_RECONNECT_ATTEMPT));
    f->c = open_retrying(srv, f->fp ? fault_proxy_port(f->fp) : 0, &f->rec, timeout_ms);
}

static void close_fixture(fixture *f) {
    rsdk_client_close(f->c);
    if (f->fp) fault_proxy_stop(f->fp);
    rsdk_client_close(f->admin);
    rs_recorder_deinit(&f->rec);
}

static size_t reconnect_attempts(fixture *f) {
    return rs_recorder_count(&f->rec, RSDK_EVENT_RECONNECT_ATTEMPT);
}

/* INCR times out after it was sent (CLIENT PAUSE WRITE holds it): it fails
 * with RSDK_ERR_TIMEOUT at once and is not sent again (no reconnect, no
 * second INCR). Redis drops a postponed command whose connection closed,
 * so the counter ends at 0 here; a server that ran it would show 1. A retry
 * would have queued a second INCR behind the pause. */
static void test_incr_timeout_under_pause_not_retried(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, false, 300);
    CMD_DO(f.admin, "DEL", "wr:pause");
    CMD_DO(f.admin, "CLIENT", "PAUSE", "1000", "WRITE");
    long long t0 = rsdk_test_now_ms();
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(f.c, &r, "INCR", "wr:pause", (const char *)NULL);
    long long dt = rsdk_test_now_ms() - t0;
    assert_int_equal(s, RSDK_ERR_TIMEOUT);
    assert_int_equal(rsdk_client_error(f.c)->code, RSDK_ERR_TIMEOUT);
    assert_null(r);
    assert_true(dt < 900); /* one timeout, no retry loop */
    assert_int_equal(reconnect_attempts(&f), 0);
    rsdk_test_sleep_ms(1200 - dt); /* the pause is over */
    long long before = live_get_int(f.admin, "wr:pause");
    assert_true(before <= 1);
    /* The client is usable again and its next INCR counts once. */
    r = CMD_OK(f.c, "INCR", "wr:pause");
    assert_int_equal(r->integer, before + 1);
    rsdk_reply_free(r);
    close_fixture(&f);
}

/* The whole server asleep (DEBUG SLEEP 0.8) on a connection of its own. */
typedef struct sleeper {
    rsdk_client *c;
    pthread_t t;
} sleeper;

static void *debug_sleep(void *arg) {
    rsdk_client *c = arg;
    CMD_DO(c, "DEBUG", "SLEEP", "0.8");
    return NULL;
}

/* Returns once the server is asleep. */
static void start_sleep(sleeper *z, rsdk_test_server *srv) {
    z->c = rsdk_test_client(srv, 3, true);
    assert_int_equal(pthread_create(&z->t, NULL, debug_sleep, z->c), 0);
    rsdk_test_sleep_ms(100);
}

/* Returns once the server is awake again. */
static void end_sleep(sleeper *z) {
    pthread_join(z->t, NULL);
    rsdk_client_close(z->c);
}

/* The whole server stalled by DEBUG SLEEP on another connection: the INCR
 * is in the server's socket buffer when the client gives up, so the server
 * runs it when it wakes. A retry would have connected a second time during
 * the sleep and its INCR would have run too: the counter must be 1, not 2. */
static void test_incr_timeout_under_debug_sleep_not_retried(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, false, 300);
    CMD_DO(f.admin, "DEL", "wr:sleep");
    sleeper z;
    start_sleep(&z, *state);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(f.c, &r, "INCR", "wr:sleep", (const char *)NULL);
    assert_int_equal(s, RSDK_ERR_TIMEOUT);
    assert_int_equal(reconnect_attempts(&f), 0);
    end_sleep(&z);
    assert_int_equal(live_get_int(f.admin, "wr:sleep"), 1);
    close_fixture(&f);
}

/* A read-only command that timed out the same way is retried, on a new
 * connection, and answers. */
static void test_get_timeout_retried(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, false, 300);
    CMD_DO(f.admin, "SET", "wr:get", "value");
    sleeper z;
    start_sleep(&z, *state);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(f.c, &r, "GET", "wr:get", (const char *)NULL);
    assert_int_equal(s, RSDK_OK);
    assert_string_equal(r->str, "value");
    rsdk_reply_free(r);
    assert_true(reconnect_attempts(&f) >= 1);
    end_sleep(&z);
    close_fixture(&f);
}

typedef struct later {
    fault_proxy *fp;
    long ms;
} later;

static void *pass_later(void *arg) {
    later *l = arg;
    rsdk_test_sleep_ms(l->ms);
    fault_proxy_pass(l->fp);
    return NULL;
}

/* A write that never left (every connect refused) is retried, and runs
 * once when the server becomes reachable. */
static void test_unsent_write_retried(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, true, 1000);
    CMD_DO(f.admin, "DEL", "wr:unsent");
    fault_proxy_refuse(f.fp);
    fault_proxy_cut(f.fp);
    /* A read-only call meets the cut connection and gives up after its
     * attempts: the client is now broken, the server unreachable. */
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(f.c, &r, "PING", (const char *)NULL);
    assert_int_equal(s, RSDK_ERR_CONNECT);
    assert_true(rsdk_client_broken(f.c));
    rs_recorder_clear(&f.rec);
    later l = {f.fp, 120};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, pass_later, &l), 0);
    r = NULL;
    s = rsdk_client_command(f.c, &r, "INCR", "wr:unsent", (const char *)NULL);
    pthread_join(t, NULL);
    assert_int_equal(s, RSDK_OK);
    assert_int_equal(r->integer, 1);
    rsdk_reply_free(r);
    assert_true(reconnect_attempts(&f) >= 2);
    assert_int_equal(live_get_int(f.admin, "wr:unsent"), 1);
    close_fixture(&f);
}

/* An INCR swallowed by a black hole times out; it is not sent again, and
 * (the proxy dropped it) the server never ran it: the caller's error is the
 * whole truth it can know. */
static void test_incr_into_blackhole_not_retried(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, true, 200);
    CMD_DO(f.admin, "DEL", "wr:hole");
    fault_proxy_blackhole(f.fp);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(f.c, &r, "INCR", "wr:hole", (const char *)NULL);
    assert_int_equal(s, RSDK_ERR_TIMEOUT);
    assert_int_equal(reconnect_attempts(&f), 0);
    fault_proxy_pass(f.fp);
    assert_int_equal(live_get_int(f.admin, "wr:hole"), 0);
    r = CMD_OK(f.c, "INCR", "wr:hole");
    assert_int_equal(r->integer, 1);
    rsdk_reply_free(r);
    close_fixture(&f);
}

/* Pipelines: all read-only is retried as a whole; one write in it and the
 * batch is not repeated once sent. */
static void test_pipeline_retry_rules(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, true, 1000);
    CMD_DO(f.admin, "SET", "wr:p", "1");
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(f.c, &p), RSDK_OK);
    const char *get[] = {"GET", "wr:p"};
    const char *incr[] = {"INCR", "wr:p"};

    fault_proxy_cut(f.fp);
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, get, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, get, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_string_equal(rsdk_pipeline_reply(p, 1)->str, "1");

    fault_proxy_cut(f.fp);
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, get, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, incr, NULL), RSDK_OK);
    rsdk_status s = rsdk_pipeline_exec(p);
    assert_true(s == RSDK_ERR_EOF || s == RSDK_ERR_IO);
    assert_null(rsdk_pipeline_reply(p, 1));
    assert_int_equal(live_get_int(f.admin, "wr:p"), 1); /* the cut connection ran nothing */
    rsdk_pipeline_free(p);
    close_fixture(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_incr_timeout_under_pause_not_retried),
        cmocka_unit_test(test_incr_timeout_under_debug_sleep_not_retried),
        cmocka_unit_test(test_get_timeout_retried),
        cmocka_unit_test(test_unsent_write_retried),
        cmocka_unit_test(test_incr_into_blackhole_not_retried),
        cmocka_unit_test(test_pipeline_retry_rules),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
