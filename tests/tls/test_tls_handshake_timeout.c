/* The TLS handshake runs inside the connect timeout: a peer that accepts
 * the TCP connection but never answers the ClientHello makes
 * rsdk_client_open fail with RSDK_ERR_TIMEOUT in about that time, not
 * hang. No redis-server needed: a listening socket nobody serves. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tls_server.h"

/* Options for a TLS client of the silent listener at `port`: nothing to
 * verify, no certificate ever comes. */
static void silent_peer_opts(rsdk_client_opts *o, rsdk_tls_opts *tls, int port,
                             int connect_timeout_ms) {
    rsdk_client_opts_init(o);
    o->host = "127.0.0.1";
    o->port = port;
    rsdk_tls_opts_init(tls);
    o->tls = tls;
    tls->verify = false;
    o->connect_timeout_ms = connect_timeout_ms;
}

static void test_silent_peer_times_out_within_connect_timeout(void **state) {
    (void)state;
    int port = 0;
    int fd = tls_silent_listener(&port);
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    silent_peer_opts(&o, &tls, port, 300);
    long long t0 = rsdk_test_now_ms();
    tls_open_fails(&o, RSDK_ERR_TIMEOUT, "TLS handshake timed out");
    long long took = rsdk_test_now_ms() - t0;
    if (took < 250 || took > 3000) fail_msg("handshake gave up after %lld ms, expected ~300", took);
    close(fd);
}

static void test_peer_closing_during_handshake_is_a_tls_error(void **state) {
    (void)state;
    int port = 0;
    int fd = tls_silent_listener(&port);
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    silent_peer_opts(&o, &tls, port, 3000);
    /* Close the listener's pending connection as soon as it arrives: a
     * child process accepts and closes while the parent handshakes. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int c = accept(fd, NULL, NULL);
        if (c >= 0) {
            char buf[512];
            (void)!read(c, buf, sizeof buf); /* the ClientHello */
            close(c);
        }
        _exit(0);
    }
    tls_open_fails(&o, RSDK_ERR_TLS, "TLS: handshake failed: ");
    close(fd);
    int st;
    waitpid(pid, &st, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_silent_peer_times_out_within_connect_timeout),
        cmocka_unit_test(test_peer_closing_during_handshake_is_a_tls_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
