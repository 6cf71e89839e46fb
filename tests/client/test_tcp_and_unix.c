/* The same client works over TCP (IPv4, IPv6 when the host has it, a host
 * name) and a Unix socket; connect failures are clean connection errors. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "support/live.h"

static void check_roundtrips(rsdk_client *c) {
    CMD_STR(c, "PONG", "PING");
    rsdk_reply_free(CMD_OK(c, "SET", "t:k", "v"));
    CMD_STR(c, "v", "GET", "t:k");
}

static void test_tcp_ipv4(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, false);
        check_roundtrips(c);
        rsdk_reply *r = CMD_OK(c, "CLIENT", "INFO");
        assert_non_null(strstr(r->str, "addr=127.0.0.1:"));
        rsdk_reply_free(r);
        rsdk_client_close(c);
    }
}

static void test_unix_socket(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(srv, proto, true);
        check_roundtrips(c);
        rsdk_reply *r = CMD_OK(c, "CLIENT", "INFO");
        assert_non_null(strstr(r->str, srv->unix_path));
        rsdk_reply_free(r);
        rsdk_client_close(c);
    }
}

static void test_tcp_by_host_name(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client_opts o;
    rsdk_test_server_client_opts(*state, &o, false);
    o.host = "localhost"; /* resolves to ::1 and/or 127.0.0.1; the server binds 127.0.0.1 */
    rsdk_client *c = rsdk_test_client_open(&o);
    check_roundtrips(c);
    rsdk_client_close(c);
}

/* IPv6 needs a server listening on ::1: a second one for this test. */
static void test_tcp_ipv6(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    if (!rsdk_test_have_ipv6_loopback()) {
        printf("SKIP: no IPv6 loopback on this host\n");
        skip();
        return;
    }
    static const char *const args[] = {"--bind", "::1", NULL};
    rsdk_test_server srv6;
    if (rsdk_test_server_start(&srv6, args) != RSDK_TEST_SERVER_OK) fail_msg("IPv6 server did not start");
    rsdk_client_opts o;
    rsdk_test_server_client_opts(&srv6, &o, false);
    o.host = "::1";
    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_client_open(&o, &c, &err);
    if (s) {
        rsdk_test_server_stop(&srv6);
        fail_msg("::1: %s", err.message);
    }
    check_roundtrips(c);
    rsdk_reply *r = CMD_OK(c, "CLIENT", "INFO");
    assert_non_null(strstr(r->str, "addr=[::1]:"));
    rsdk_reply_free(r);
    rsdk_client_close(c);
    rsdk_test_server_stop(&srv6);
}

static void test_connect_refused(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_client_opts o;
    rsdk_client_opts_init(&o);
    o.port = 1; /* nothing listens on port 1 */
    rsdk_client *c = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_client_open(&o, &c, &err), RSDK_ERR_CONNECT);
    assert_null(c);
    assert_int_equal(err.code, RSDK_ERR_CONNECT);
    assert_int_equal(err.sys_errno, ECONNREFUSED);
    /* The system's text for the errno (strerror_r, not strerror's shared buffer). */
    assert_non_null(strstr(err.message, "Connection refused"));

    char path[512];
    snprintf(path, sizeof path, "%s/missing.sock", srv->dir);
    o.unix_path = path;
    assert_int_equal(rsdk_client_open(&o, &c, &err), RSDK_ERR_CONNECT);
    assert_non_null(strstr(err.message, "missing.sock"));
    assert_non_null(strstr(err.message, "No such file or directory"));
}

static void test_bad_options_refused(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client_opts o;
    rsdk_test_server_client_opts(*state, &o, true);
    rsdk_client *c = NULL;
    o.protocol = 4;
    assert_int_equal(rsdk_client_open(&o, &c, NULL), RSDK_ERR_INVALID_ARG);
    o.protocol = 3;
    o.db = -1;
    assert_int_equal(rsdk_client_open(&o, &c, NULL), RSDK_ERR_INVALID_ARG);
    char long_path[200];
    memset(long_path, 'x', sizeof long_path - 1);
    long_path[0] = '/';
    long_path[sizeof long_path - 1] = '\0';
    o.db = 0;
    o.unix_path = long_path;
    assert_int_equal(rsdk_client_open(&o, &c, NULL), RSDK_ERR_INVALID_ARG);
    assert_null(c);
    assert_int_equal(rsdk_client_open(NULL, &c, NULL), RSDK_ERR_INVALID_ARG);
}

/* A listener whose accept queue is full drops new SYNs, so the connect
 * hangs: it must end at the connect timeout. */
static void test_connect_timeout(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(lfd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &alen), 0);
    assert_int_equal(listen(lfd, 0), 0);
    /* Fill the queue with connections that are never accepted. */
    int fillers[4];
    for (int i = 0; i < 4; i++) {
        fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        (void)connect(fillers[i], (struct sockaddr *)&a, sizeof a);
    }
    struct timespec pause = {0, 50 * 1000000L};
    nanosleep(&pause, NULL);

    rsdk_client_opts o;
    rsdk_client_opts_init(&o);
    o.host = "127.0.0.1";
    o.port = ntohs(a.sin_port);
    o.connect_timeout_ms = 200;
    rsdk_client *c = NULL;
    rsdk_error err;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rsdk_status s = rsdk_client_open(&o, &c, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_null(c);
    /* Either the SYN hangs (connect times out) or the kernel completes it
     * and the handshake's HELLO waits for an answer that never comes: both
     * end at the timeout. */
    if (s != RSDK_ERR_TIMEOUT) fail_msg("got %s: %s", rsdk_status_name(s), err.message);
    assert_true(ms >= 150 && ms < 2000);
    for (int i = 0; i < 4; i++) close(fillers[i]);
    close(lfd);
}

/* A Unix listener whose accept queue is full refuses a non-blocking connect
 * with EAGAIN at once: nothing is in progress, so that is a failed connect,
 * not a socket to write the handshake into. */
static void test_unix_accept_queue_full(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    int pl = snprintf(a.sun_path, sizeof a.sun_path, "%s/full.sock", srv->dir);
    assert_true(pl > 0 && (size_t)pl < sizeof a.sun_path);
    unlink(a.sun_path);
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(lfd >= 0);
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lfd, 0), 0);
    /* Fill the queue with connections that are never accepted. */
    int fillers[8];
    int nf = 0, full = 0;
    while (nf < 8) {
        int f = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        assert_true(f >= 0);
        fillers[nf++] = f;
        if (connect(f, (struct sockaddr *)&a, sizeof a) < 0 && errno == EAGAIN) {
            full = 1;
            break;
        }
    }
    assert_true(full);

    rsdk_client_opts o;
    rsdk_client_opts_init(&o);
    o.unix_path = a.sun_path;
    o.connect_timeout_ms = 200;
    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_client_open(&o, &c, &err);
    assert_null(c);
    if (s != RSDK_ERR_CONNECT && s != RSDK_ERR_TIMEOUT)
        fail_msg("got %s: %s", rsdk_status_name(s), err.message);
    for (int i = 0; i < nf; i++) close(fillers[i]);
    close(lfd);
    unlink(a.sun_path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_ipv4),
        cmocka_unit_test(test_unix_socket),
        cmocka_unit_test(test_tcp_by_host_name),
        cmocka_unit_test(test_tcp_ipv6),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_bad_options_refused),
        cmocka_unit_test(test_connect_timeout),
        cmocka_unit_test(test_unix_accept_queue_full),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
