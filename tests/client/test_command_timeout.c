/* A command that outlasts the command timeout fails with RSDK_ERR_TIMEOUT
 * and breaks the connection, so its late reply can never be read as the
 * answer to the next command: with reconnect the next call opens a fresh
 * connection and gets its own answer; without, it fails with BROKEN. */
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include "support/live.h"

static rsdk_client *open_with_timeout(rsdk_test_server *srv, bool reconnect, bool use_unix,
                                      int proto) {
    rsdk_client_opts o;
    rsdk_test_server_client_opts(srv, &o, use_unix);
    o.command_timeout_ms = 200;
    rsdk_test_no_retry(&o); /* what one attempt sees */
    o.reconnect = reconnect;
    o.protocol = proto;
    return rsdk_test_client_open(&o);
}

static void expect_sleep_times_out(rsdk_client *c) {
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "DEBUG", "SLEEP", "1", (const char *)NULL);
    assert_int_equal(s, RSDK_ERR_TIMEOUT);
    assert_null(r);
    assert_int_equal(rsdk_client_error(c)->code, RSDK_ERR_TIMEOUT);
    assert_int_equal(rsdk_err_class(s), RSDK_CLASS_CONNECTION);
    assert_true(rsdk_client_broken(c));
}

static void reconnect_gets_own_reply(rsdk_test_server *srv, bool use_unix, int proto, bool wait) {
    rsdk_client *c = open_with_timeout(srv, true, use_unix, proto);
    expect_sleep_times_out(c);
    /* wait: let the late +OK of DEBUG SLEEP arrive on the old socket first.
     * Otherwise the server is still asleep: the reconnect is part of the
     * next call, so its HELLO waits no longer than that call's deadline and
     * the call times out too; after the sleep, ECHO must get "mine". */
    if (!wait) {
        rsdk_reply *r = NULL;
        assert_int_equal(rsdk_client_command(c, &r, "ECHO", "early", (const char *)NULL), RSDK_ERR_TIMEOUT);
        assert_null(r);
        assert_true(rsdk_client_broken(c));
    }
    rsdk_test_sleep_ms(1100);
    CMD_STR(c, "mine", "ECHO", "mine");
    assert_false(rsdk_client_broken(c));
    assert_int_equal(rsdk_client_protocol(c), proto);
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

RSDK_TEST_SERVER_CASE(test_timeout_then_reconnect_unix, reconnect_gets_own_reply, true, 3, false)
RSDK_TEST_SERVER_CASE(test_timeout_then_reconnect_tcp_resp2, reconnect_gets_own_reply, false, 2, true)

static void test_timeout_without_reconnect_is_broken(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = open_with_timeout(*state, false, true, 3);
    expect_sleep_times_out(c);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "ECHO", "mine", (const char *)NULL);
    assert_int_equal(s, RSDK_ERR_BROKEN);
    assert_null(r);
    assert_true(rsdk_client_broken(c));
    /* Pipelines refuse the same way, leaving every slot empty. */
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    const char *ping[] = {"PING"};
    assert_int_equal(rsdk_pipeline_append_argv(p, 1, ping, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_ERR_BROKEN);
    assert_null(rsdk_pipeline_reply(p, 0));
    rsdk_pipeline_free(p);
    rsdk_client_close(c);
    /* Let the sleeping server wake before the next test. */
    rsdk_client *w = rsdk_test_client(*state, 3, true);
    CMD_STR(w, "PONG", "PING");
    rsdk_client_close(w);
}

/* A timeout that is long enough does not fire. */
static void test_slow_command_within_timeout(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = open_with_timeout(*state, false, true, 3);
    CMD_STR(c, "OK", "DEBUG", "SLEEP", "0.05");
    assert_false(rsdk_client_broken(c));
    rsdk_client_close(c);
}

static void *sleep_server(void *arg) {
    rsdk_client *c = arg;
    rsdk_reply *r = NULL;
    if (rsdk_client_command(c, &r, "DEBUG", "SLEEP", "2", (const char *)NULL) == RSDK_OK)
        rsdk_reply_free(r);
    return NULL;
}

/* A client that notices a sleeping server within 50 ms. Opened before the
 * sleep starts: a handshake during the sleep would wait for it. */
static rsdk_client *open_probe(rsdk_test_server *srv) {
    rsdk_client_opts o;
    rsdk_test_server_client_opts(srv, &o, true);
    o.command_timeout_ms = 50;
    o.reconnect = false;
    rsdk_test_no_retry(&o);
    return rsdk_test_client_open(&o);
}

/* Returns once the server is asleep: on a loaded machine the sleeper
 * thread's DEBUG SLEEP may take a while to start, and one PING answered
 * late may only mean a busy machine. A probe that timed out is out of step
 * and a new one cannot be opened while the server sleeps, so `n` probes are
 * opened beforehand: the server counts as asleep when two probes in a row
 * time out. Closes the probes. */
static void wait_until_asleep(rsdk_client **probes, int n) {
    int at = 0, timeouts = 0;
    for (int i = 0; i < 400 && timeouts < 2 && at < n; i++) {
        rsdk_reply *r = NULL;
        rsdk_status s = rsdk_client_command(probes[at], &r, "PING", (const char *)NULL);
        rsdk_reply_free(r);
        if (s == RSDK_ERR_TIMEOUT) {
            timeouts++;
            at++;
        } else {
            timeouts = 0;
            rsdk_test_sleep_ms(10);
        }
    }
    for (int i = 0; i < n; i++) rsdk_client_close(probes[i]);
}

/* The write side times out too: while the server sleeps it reads nothing, so
 * a 16 MiB value fills the socket buffers and the write waits in vain. */
static void test_write_timeout_breaks(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *sleeper = rsdk_test_client(*state, 3, true);
    rsdk_client *c = open_with_timeout(*state, false, true, 3);
    rsdk_client *probes[3] = {open_probe(*state), open_probe(*state), open_probe(*state)};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, sleep_server, sleeper), 0);
    wait_until_asleep(probes, 3);
    size_t len = (size_t)16 * 1024 * 1024;
    char *v = calloc(1, len);
    assert_non_null(v);
    const char *argv[] = {"SET", "to:big", v};
    size_t lens[] = {3, 6, len};
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command_argv(c, 3, argv, lens, &r);
    assert_int_equal(s, RSDK_ERR_TIMEOUT);
    assert_null(r);
    assert_true(rsdk_client_broken(c));
    pthread_join(t, NULL);
    free(v);
    rsdk_client_close(c);
    rsdk_client_close(sleeper);
}

static void on_alarm(int sig) { (void)sig; }

/* Signals arriving while the client waits (a profiler's SIGPROF, a periodic
 * timer) interrupt poll; each one must not restart the full timeout, or a
 * steady stream of them keeps the command waiting past it. */
static void test_timeout_holds_under_signals(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = open_with_timeout(*state, true, true, 3);
    struct sigaction sa, old_sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGALRM, &sa, &old_sa), 0);
    struct itimerval every = {{0, 20000}, {0, 20000}}, off, old_it;
    memset(&off, 0, sizeof off);
    assert_int_equal(setitimer(ITIMER_REAL, &every, &old_it), 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "DEBUG", "SLEEP", "1", (const char *)NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    setitimer(ITIMER_REAL, &off, NULL);
    sigaction(SIGALRM, &old_sa, NULL);
    long ms = (long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    rsdk_reply_free(r);
    assert_int_equal(s, RSDK_ERR_TIMEOUT);
    assert_true(ms < 800);
    rsdk_test_sleep_ms(1100); /* let the server wake before the next test */
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timeout_then_reconnect_unix),
        cmocka_unit_test(test_timeout_then_reconnect_tcp_resp2),
        cmocka_unit_test(test_timeout_without_reconnect_is_broken),
        cmocka_unit_test(test_slow_command_within_timeout),
        cmocka_unit_test(test_write_timeout_breaks),
        cmocka_unit_test(test_timeout_holds_under_signals),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
