/* The write guarantee, on a real server: a write whose bytes may have
 * reached the server is never sent again, even with a retry policy that
 * retries connection errors — the caller gets the original error and the
 * server's counter proves the command ran once. Read-only commands are
 * retried; writes that provably never left are retried too. */
#include "fault_proxy.h"
#include "resil.h"

static rsdk_retry_policy policy;

static rsdk_client *open_retrying(rsdk_test_server *srv, int port, rs_recorder *rec,
                                  int timeout_ms) {
    rsdk_retry_policy_init(&policy); /* retries connection errors, 3 attempts */
    policy.max_attempts = 10;
    policy.backoff = RSDK_BACKOFF_CONSTANT;
    policy.backoff_base_ms = 50;
    policy.backoff_cap_ms = 50;
    rsdk_client_opts o;
    rs_client_opts(srv, &o, false);
    if (port) o.port = port;
    o.command_timeout_ms = timeout_ms;
    o.retry = &policy;
    o.events = rec ? rec->bus : NULL;
    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_client_open(&o, &c, &err);
    if (s) fail_msg("open: %s", err.message);
    return c;
}

/* INCR times out after it was sent (CLIENT PAUSE WRITE holds it): it fails
 * with RSDK_ERR_TIMEOUT at once and is not sent again (no reconnect, no
 * second INCR). Redis drops a postponed command whose connection closed,
 * so the counter ends at 0 here; a server that ran it would show 1. A retry
 * would have queued a second INCR behind the pause. */
static void test_incr_timeout_under_pause_not_retried(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_RECONNECT_ATTEMPT));
    rsdk_client *admin = rs_admin(srv);
    RS_DO(admin, "DEL", "wr:pause");
    rsdk_client *c = open_retrying(srv, 0, &rec, 300);
    RS_DO(admin, "CLIENT", "PAUSE", "1000", "WRITE");
    long long t0 = rs_now_ms();
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "INCR", "wr:pause", (const char *)NULL);
    long long dt = rs_now_ms() - t0;
    assert_int_equal(s, RSDK_ERR_TIMEOUT);
    assert_int_equal(rsdk_client_error(c)->code, RSDK_ERR_TIMEOUT);
    assert_null(r);
    assert_true(dt < 900); /* one timeout, no retry loop */
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_RECONNECT_ATTEMPT), 0);
    rs_sleep_ms(1200 - dt); /* the pause is over */
    long long before = rs_get_int(admin, "wr:pause");
    assert_true(before <= 1);
    /* The client is usable again and its next INCR counts once. */
    r = RS_CMD(c, "INCR", "wr:pause");
    assert_int_equal(r->integer, before + 1);
    rsdk_reply_free(r);
    rsdk_client_close(c);
    rsdk_client_close(admin);
    rs_recorder_deinit(&rec);
}

static void *debug_sleep(void *arg) {
    rsdk_client *admin = arg;
    RS_DO(admin, "DEBUG", "SLEEP", "0.8");
    return NULL;
}

/* The whole server stalled by DEBUG SLEEP on another connection: the INCR
 * is in the server's socket buffer when the client gives up, so the server
 * runs it when it wakes. A retry would have connected a second time during
 * the sleep and its INCR would have run too: the counter must be 1, not 2. */
static void test_incr_timeout_under_debug_sleep_not_retried(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_RECONNECT_ATTEMPT));
    rsdk_client *admin = rs_admin(srv);
    rsdk_client *sleeper = rs_admin(srv);
    RS_DO(admin, "DEL", "wr:sleep");
    rsdk_client *c = open_retrying(srv, 0, &rec, 300);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, debug_sleep, sleeper), 0);
    rs_sleep_ms(100); /* the server is asleep */
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "INCR", "wr:sleep", (const char *)NULL);
    assert_int_equal(s, RSDK_ERR_TIMEOUT);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_RECONNECT_ATTEMPT), 0);
    pthread_join(t, NULL);
    assert_int_equal(rs_get_int(admin, "wr:sleep"), 1);
    rsdk_client_close(c);
    rsdk_client_close(sleeper);
    rsdk_client_close(admin);
    rs_recorder_deinit(&rec);
}

/* A read-only command that timed out the same way is retried, on a new
 * connection, and answers. */
static void test_get_timeout_retried(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_RECONNECT_ATTEMPT));
    rsdk_client *admin = rs_admin(srv);
    rsdk_client *sleeper = rs_admin(srv);
    RS_DO(admin, "SET", "wr:get", "value");
    rsdk_client *c = open_retrying(srv, 0, &rec, 300);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, debug_sleep, sleeper), 0);
    rs_sleep_ms(100);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "GET", "wr:get", (const char *)NULL);
    assert_int_equal(s, RSDK_OK);
    assert_string_equal(r->str, "value");
    rsdk_reply_free(r);
    assert_true(rs_recorder_count(&rec, RSDK_EVENT_RECONNECT_ATTEMPT) >= 1);
    pthread_join(t, NULL);
    rsdk_client_close(c);
    rsdk_client_close(sleeper);
    rsdk_client_close(admin);
    rs_recorder_deinit(&rec);
}

typedef struct later {
    fault_proxy *fp;
    long ms;
} later;

static void *pass_later(void *arg) {
    later *l = arg;
    rs_sleep_ms(l->ms);
    fault_proxy_pass(l->fp);
    return NULL;
}

/* A write that never left (every connect refused) is retried, and runs
 * once when the server becomes reachable. */
static void test_unsent_write_retried(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_client *admin = rs_admin(srv);
    RS_DO(admin, "DEL", "wr:unsent");
    fault_proxy *fp = NULL;
    assert_int_equal(fault_proxy_start(srv->port, &fp), 0);
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_RECONNECT_ATTEMPT));
    rsdk_client *c = open_retrying(srv, fault_proxy_port(fp), &rec, 1000);
    fault_proxy_refuse(fp);
    fault_proxy_cut(fp);
    /* A read-only call meets the cut connection and gives up after its
     * attempts: the client is now broken, the server unreachable. */
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "PING", (const char *)NULL);
    assert_int_equal(s, RSDK_ERR_CONNECT);
    assert_true(rsdk_client_broken(c));
    rs_recorder_clear(&rec);
    later l = {fp, 120};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, pass_later, &l), 0);
    r = NULL;
    s = rsdk_client_command(c, &r, "INCR", "wr:unsent", (const char *)NULL);
    pthread_join(t, NULL);
    assert_int_equal(s, RSDK_OK);
    assert_int_equal(r->integer, 1);
    rsdk_reply_free(r);
    assert_true(rs_recorder_count(&rec, RSDK_EVENT_RECONNECT_ATTEMPT) >= 2);
    assert_int_equal(rs_get_int(admin, "wr:unsent"), 1);
    rsdk_client_close(c);
    fault_proxy_stop(fp);
    rsdk_client_close(admin);
    rs_recorder_deinit(&rec);
}

/* An INCR swallowed by a black hole times out; it is not sent again, and
 * (the proxy dropped it) the server never ran it: the caller's error is the
 * whole truth it can know. */
static void test_incr_into_blackhole_not_retried(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_client *admin = rs_admin(srv);
    RS_DO(admin, "DEL", "wr:hole");
    fault_proxy *fp = NULL;
    assert_int_equal(fault_proxy_start(srv->port, &fp), 0);
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_RECONNECT_ATTEMPT));
    rsdk_client *c = open_retrying(srv, fault_proxy_port(fp), &rec, 200);
    fault_proxy_blackhole(fp);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "INCR", "wr:hole", (const char *)NULL);
    assert_int_equal(s, RSDK_ERR_TIMEOUT);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_RECONNECT_ATTEMPT), 0);
    fault_proxy_pass(fp);
    assert_int_equal(rs_get_int(admin, "wr:hole"), 0);
    r = RS_CMD(c, "INCR", "wr:hole");
    assert_int_equal(r->integer, 1);
    rsdk_reply_free(r);
    rsdk_client_close(c);
    fault_proxy_stop(fp);
    rsdk_client_close(admin);
    rs_recorder_deinit(&rec);
}

/* Pipelines: all read-only is retried as a whole; one write in it and the
 * batch is not repeated once sent. */
static void test_pipeline_retry_rules(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_client *admin = rs_admin(srv);
    RS_DO(admin, "SET", "wr:p", "1");
    fault_proxy *fp = NULL;
    assert_int_equal(fault_proxy_start(srv->port, &fp), 0);
    rsdk_client *c = open_retrying(srv, fault_proxy_port(fp), NULL, 1000);
    rsdk_pipeline *p = rsdk_pipeline_new(c);
    const char *get[] = {"GET", "wr:p"};
    const char *incr[] = {"INCR", "wr:p"};

    fault_proxy_cut(fp);
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, get, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, get, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_string_equal(rsdk_pipeline_reply(p, 1)->str, "1");

    fault_proxy_cut(fp);
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, get, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, incr, NULL), RSDK_OK);
    rsdk_status s = rsdk_pipeline_exec(p);
    assert_true(s == RSDK_ERR_EOF || s == RSDK_ERR_IO);
    assert_null(rsdk_pipeline_reply(p, 1));
    assert_int_equal(rs_get_int(admin, "wr:p"), 1); /* the cut connection ran nothing */
    rsdk_pipeline_free(p);
    rsdk_client_close(c);
    fault_proxy_stop(fp);
    rsdk_client_close(admin);
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
