/* TLS on the async client: the handshake runs on the loop (SSL_connect's
 * WANT_READ/WANT_WRITE become watches), then commands flow as on plain
 * TCP, large values too; a server certificate from another CA fails the
 * attempt with RSDK_ERR_TLS; a peer that never answers the handshake ends
 * it at the connect timeout. */
#include <unistd.h>

#include "atest.h"
#include "tests/tls/tls_server.h"

static int setup(void **state) {
    tls_server_cfg cfg = {.auth_clients = "no"};
    return tls_server_setup(state, &cfg);
}

typedef struct conn_result {
    int calls;
    rsdk_status st;
    char msg[256];
    long long at;
} conn_result;

static void on_connect(rsdk_async *a, rsdk_status st, const rsdk_error *err, void *ud) {
    (void)a;
    conn_result *c = ud;
    c->calls++;
    c->st = st;
    c->at = rsdk_test_now_ms();
    snprintf(c->msg, sizeof c->msg, "%s", err ? err->message : "");
}

static rsdk_async *open_tls(rsdk_test_loop *l, rsdk_client_opts *co, bool reconnect,
                            conn_result *cr) {
    rsdk_async_opts o;
    rsdk_async_opts_init(&o);
    o.client = co;
    o.reconnect = reconnect;
    rsdk_async *a = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_async_new(&o, &a, &err);
    if (s) fail_msg("rsdk_async_new: %s", err.message);
    rsdk_async_on_connect(a, on_connect, cr);
    rsdk_test_loop_attach(l, a);
    return a;
}

#define BIG (256 * 1024)
#define N 1000

static void test_tls_round_trip(void **state) {
    if (!*state) skip();
    tls_server *t = *state;
    rsdk_test_loop *l = at_loop();
    rsdk_client_opts co;
    rsdk_tls_opts tls;
    tls_server_opts(t, &co, &tls);
    conn_result cr = {0};
    rsdk_async *a = open_tls(l, &co, true, &cr);
    char *big = malloc(BIG + 1);
    for (size_t i = 0; i < BIG; i++) big[i] = (char)('a' + i % 26);
    big[BIG] = '\0';
    at_tally set = {.want = 1}, get = {.want = 1}, many = {.want = N};
    assert_int_equal(rsdk_async_command(a, at_cb, &set, "SET", "async:tls", big, NULL), RSDK_OK);
    assert_int_equal(rsdk_async_command(a, at_cb, &get, "STRLEN", "async:tls", NULL), RSDK_OK);
    for (int i = 0; i < N; i++)
        assert_int_equal(rsdk_async_command(a, at_cb, &many, "INCR", "async:tls:n", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &many, 10000));
    assert_int_equal(cr.calls, 1);
    assert_int_equal(cr.st, RSDK_OK);
    assert_int_equal(set.ok, 1);
    assert_int_equal(get.last_int, BIG);
    assert_int_equal(many.ok, N);
    assert_int_equal(many.last_int, N);
    /* The value back: TLS records over several reads. */
    at_tally back = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &back, "GET", "async:tls", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &back, 5000));
    assert_int_equal(back.ok, 1);
    assert_int_equal(rsdk_async_protocol(a), 3);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
    free(big);
}

static void test_tls_wrong_ca(void **state) {
    if (!*state) skip();
    tls_server *t = *state;
    rsdk_test_loop *l = at_loop();
    rsdk_client_opts co;
    rsdk_tls_opts tls;
    tls_server_opts(t, &co, &tls);
    tls.ca_file = t->certs.other_ca_file;
    conn_result cr = {0};
    rsdk_async *a = open_tls(l, &co, false, &cr);
    at_tally ping = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &ping, "PING", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &ping, 5000));
    assert_int_equal(cr.calls, 1);
    assert_int_equal(cr.st, RSDK_ERR_TLS);
    assert_non_null(strstr(cr.msg, "certificate verify failed"));
    assert_int_equal(ping.failed, 1);
    assert_int_equal(ping.last, RSDK_ERR_TLS);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
}

static void test_tls_handshake_timeout_silent_port(void **state) {
    (void)state;
    int port;
    int fd = tls_silent_listener(&port);
    rsdk_test_loop *l = at_loop();
    rsdk_client_opts co;
    rsdk_client_opts_init(&co);
    co.host = "127.0.0.1";
    co.port = port;
    co.connect_timeout_ms = 300;
    rsdk_tls_opts tls;
    rsdk_tls_opts_init(&tls);
    tls.verify = false;
    co.tls = &tls;
    conn_result cr = {0};
    long long t0 = rsdk_test_now_ms();
    rsdk_async *a = open_tls(l, &co, false, &cr);
    at_tally ping = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &ping, "PING", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &ping, 5000));
    assert_int_equal(cr.st, RSDK_ERR_TIMEOUT);
    assert_true(cr.at - t0 >= 290 && cr.at - t0 < 2000);
    assert_int_equal(ping.last, RSDK_ERR_TIMEOUT);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
    close(fd);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls_round_trip),
        cmocka_unit_test(test_tls_wrong_ca),
        cmocka_unit_test(test_tls_handshake_timeout_silent_port),
    };
    return cmocka_run_group_tests(tests, setup, tls_server_teardown);
}
