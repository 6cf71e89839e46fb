/* The server stalls — CLIENT PAUSE, DEBUG SLEEP, or a network black hole
 * (fault proxy) — while threads use a pool whose clients have a command
 * timeout. Calls fail with RSDK_ERR_TIMEOUT (connect timeouts for new
 * connections, which count as connection errors too), a late reply is
 * never taken as the answer to a later command (every ECHO carries a
 * unique tag), and when the stall ends the pool serves every thread again
 * without help. */
#include "resilience/fault_proxy.h"
#include "resilience/resil.h"

typedef void (*stall_fn)(void *arg);

/* Runs 4 workers on `p`, calls stall(arg) (which returns when the stall is
 * over), then checks that the stall was seen as timeouts and healed. */
static void stall_under_load(rsdk_pool *p, stall_fn stall, void *arg) {
    rs_crew crew;
    rs_echo_worker w[4];
    rs_crew_start(&crew, p, w, sizeof w[0], 4, rs_echo_run);
    rsdk_test_sleep_ms(100);
    stall(arg);
    rsdk_test_sleep_ms(150); /* calls that met the stall finish failing */
    rs_crew_heal_and_join(&crew, 300);
    long timeouts = 0;
    for (int i = 0; i < 4; i++) {
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
    rsdk_client_opts o_client;
    rs_pool_opts(srv, &o, &o_client, false);
    if (port) o_client.port = port;
    o_client.command_timeout_ms = 150;
    rsdk_test_no_retry(&o_client); /* each stalled call must show its timeout */
    o_client.connect_timeout_ms = 300;
    o.acquire_timeout_ms = 2000;
    return rs_pool_open(&o);
}

static void pause_all(void *arg) {
    rsdk_client *admin = arg;
    CMD_DO(admin, "CLIENT", "PAUSE", "500", "ALL");
    rsdk_test_sleep_ms(550);
}

static void test_client_pause(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool *p = make_pool(*state, 0);
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    stall_under_load(p, pause_all, admin);
    rsdk_client_close(admin);
    rsdk_pool_free(p);
}

static void debug_sleep(void *arg) {
    rsdk_client *admin = arg;
    CMD_DO(admin, "DEBUG", "SLEEP", "0.5"); /* returns when the server wakes */
}

static void test_debug_sleep(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool *p = make_pool(*state, 0);
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    stall_under_load(p, debug_sleep, admin);
    rsdk_client_close(admin);
    rsdk_pool_free(p);
}

static void blackhole(void *arg) {
    fault_proxy *fp = arg;
    fault_proxy_blackhole(fp);
    rsdk_test_sleep_ms(500);
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
