/* A TLS connection whose server goes away fails like a plain one: the end
 * of the stream is RSDK_ERR_EOF whether the server said close_notify
 * (CLIENT KILL) or just vanished (SIGKILL); writing into the dead socket
 * raises no SIGPIPE; the next call reconnects with a fresh handshake. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_server.h"

static int setup(void **state) {
    /* SIGPIPE at its default (terminate): a stray one would kill the test. */
    signal(SIGPIPE, SIG_DFL);
    tls_server_cfg cfg = {.auth_clients = "no"};
    return tls_server_setup(state, &cfg);
}

/* A client that never retries: these tests show what one attempt sees. */
static rsdk_client *tls_client_once(const tls_server *t) {
    rsdk_client_opts o;
    rsdk_tls_opts tls;
    tls_server_opts(t, &o, &tls);
    rsdk_test_no_retry(&o);
    return rsdk_test_client_open(&o);
}

/* Kills `victim`'s connection from a second client. */
static void kill_connection(tls_server *t, rsdk_client *victim) {
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%lld", live_client_id(victim));
    rsdk_client *killer = tls_client(t);
    CMD_INT(killer, 1, "CLIENT", "KILL", "ID", idtext);
    rsdk_client_close(killer);
}

static void test_client_kill_is_eof_then_reconnect(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = tls_client_once(*state);
    kill_connection(*state, c);
    rsdk_reply *r = NULL;
    const char *ping[] = {"PING"};
    assert_int_equal(rsdk_client_command_argv(c, 1, ping, NULL, &r), RSDK_ERR_EOF);
    assert_null(r);
    assert_true(rsdk_client_broken(c));
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

static void test_big_write_into_dead_connection_raises_no_sigpipe(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = tls_client_once(*state);
    kill_connection(*state, c);
    rsdk_test_sleep_ms(50); /* let the server's FIN arrive */
    /* 8 MiB cannot fit in the socket buffers: the write goes on after the
     * server's reset, where write(2) would raise SIGPIPE. */
    size_t n = (size_t)8 << 20;
    char *v = calloc(1, n);
    assert_non_null(v);
    const char *argv[] = {"SET", "gone", v};
    size_t len[] = {3, 4, n};
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command_argv(c, 3, argv, len, &r);
    free(v);
    printf("    write into a killed connection: %s: %s\n", rsdk_status_name(s),
           rsdk_client_error(c)->message);
    assert_true(s == RSDK_ERR_EOF || s == RSDK_ERR_IO || s == RSDK_ERR_TLS);
    assert_true(rsdk_client_broken(c));
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

static void test_server_killed_without_close_notify(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tls_server *t = *state;
    rsdk_client *c = tls_client_once(t);
    rsdk_test_server_kill(&t->srv); /* SIGKILL: no TLS goodbye */
    rsdk_reply *r = NULL;
    const char *ping[] = {"PING"};
    rsdk_status s = rsdk_client_command_argv(c, 1, ping, NULL, &r);
    printf("    server killed: %s: %s\n", rsdk_status_name(s), rsdk_client_error(c)->message);
    assert_int_equal(s, RSDK_ERR_EOF);
    assert_int_equal(rsdk_test_server_restart(&t->srv), RSDK_TEST_SERVER_OK);
    CMD_STR(c, "PONG", "PING"); /* same port, new server, new handshake */
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_kill_is_eof_then_reconnect),
        cmocka_unit_test(test_big_write_into_dead_connection_raises_no_sigpipe),
        cmocka_unit_test(test_server_killed_without_close_notify),
    };
    return cmocka_run_group_tests(tests, setup, tls_server_teardown);
}
