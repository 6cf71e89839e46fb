/* The server stalls — CLIENT PAUSE, DEBUG SLEEP, or a network black hole
 * (fault proxy) — while threads use a pool whose clients have a command
 * timeout. Calls fail with RSDK_ERR_TIMEOUT (connect timeouts for new
 * connections, which count as connection errors too), a late reply is
 * never taken as the answer to a later command (every ECHO carries a
 * unique tag), and when the stall ends the pool serves every thread again
 * without help. */
#include "fault_proxy.h"
#include "resil.h"

typedef struct worker {
    rsdk_pool *p;
    int id;
    volatile int *phase; /* 0 running, 1 stall over: must succeed, 2 stop */
    long ok, timeouts, other_conn, misdelivered, bad_class, failed_after, ok_after;
} worker;

static void *run(void *arg) {
    worker *w = arg;
    char tag[48];
    for (long i = 0;; i++) {
        int ph = __atomic_load_n(w->phase, __ATOMIC_ACQUIRE);
        if (ph == 2) break;
        snprintf(tag, sizeof tag, "s%d-%ld", w->id, i);
        rsdk_reply *r = NULL;
        rsdk_error err;
        rsdk_status s = rsdk_pool_command(w->p, &r, &err, "ECHO", tag, (const char *)NULL);
        if (s == RSDK_OK) {
            if (r->type != RSDK_REPLY_STRING || strcmp(r->str, tag) != 0) w->misdelivered++;
            rsdk_reply_free(r);
            w->ok++;
            if (ph == 1) w->ok_after++;
            continue;
        }
        if (ph == 1) w->failed_after++;
        if (s == RSDK_ERR_TIMEOUT)
            w->timeouts++;
        else if (rsdk_err_class(s) == RSDK_CLASS_CONNECTION)
            w->other_conn++;
        else
            w->bad_class++;
    }
    return NULL;
}

typedef void (*stall_fn)(void *arg);

/* Runs 4 workers on `p`, calls stall(arg) (which returns when the stall is
 * over), then checks that the stall was seen as timeouts and healed. */
static void stall_under_load(rsdk_pool *p, stall_fn stall, void *arg) {
    volatile int phase = 0;
    worker w[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].p = p;
        w[i].id = i;
        w[i].phase = &phase;
        assert_int_equal(pthread_create(&t[i], NULL, run, &w[i]), 0);
    }
    rs_sleep_ms(100);
    stall(arg);
    rs_sleep_ms(150); /* calls that met the stall finish failing */
    __atomic_store_n(&phase, 1, __ATOMIC_RELEASE);
    rs_sleep_ms(300);
    __atomic_store_n(&phase, 2, __ATOMIC_RELEASE);
    long timeouts = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].misdelivered, 0);
        assert_int_equal(w[i].bad_class, 0);
        assert_int_equal(w[i].failed_after, 0);
        assert_true(w[i].ok_after > 0);
        assert_true(w[i].timeouts >= 1); /* every thread was caught by the stall */
        timeouts += w[i].timeouts;
    }
    print_message("%ld timeouts\n", timeouts);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.in_use, 0);
    assert_true(st.discarded >= 4); /* the timed-out connections were dropped */
}

static rsdk_pool *make_pool(rsdk_test_server *srv, int port) {
    rsdk_pool_opts o;
    rsdk_pool_opts_init(&o);
    rs_client_opts(srv, &o.client, false);
    if (port) o.client.port = port;
    o.client.command_timeout_ms = 150;
    o.client.connect_timeout_ms = 300;
    o.max_size = 4;
    o.acquire_timeout_ms = 2000;
    rsdk_pool *p = NULL;
    rsdk_error err;
    if (rsdk_pool_new(&o, &p, &err)) fail_msg("pool: %s", err.message);
    return p;
}

static void pause_all(void *arg) {
    rsdk_client *admin = arg;
    RS_DO(admin, "CLIENT", "PAUSE", "500", "ALL");
    rs_sleep_ms(550);
}

static void test_client_pause(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool *p = make_pool(*state, 0);
    rsdk_client *admin = rs_admin(*state);
    stall_under_load(p, pause_all, admin);
    rsdk_client_close(admin);
    rsdk_pool_free(p);
}

static void debug_sleep(void *arg) {
    rsdk_client *admin = arg;
    RS_DO(admin, "DEBUG", "SLEEP", "0.5"); /* returns when the server wakes */
}

static void test_debug_sleep(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool *p = make_pool(*state, 0);
    rsdk_client *admin = rs_admin(*state);
    stall_under_load(p, debug_sleep, admin);
    rsdk_client_close(admin);
    rsdk_pool_free(p);
}

static void blackhole(void *arg) {
    fault_proxy *fp = arg;
    fault_proxy_blackhole(fp);
    rs_sleep_ms(500);
    fault_proxy_pass(fp);
}

static void test_network_blackhole(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    fault_proxy *fp = NULL;
    assert_int_equal(fault_proxy_start(srv->port, &fp), 0);
    rsdk_pool *p = make_pool(srv, fault_proxy_port(fp));
    stall_under_load(p, blackhole, fp);
    rsdk_pool_free(p);
    fault_proxy_stop(fp);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_pause),
        cmocka_unit_test(test_debug_sleep),
        cmocka_unit_test(test_network_blackhole),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
