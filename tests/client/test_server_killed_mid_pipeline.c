/* The server dies while a pipeline waits for replies: every command without
 * a reply gets a connection error (NULL slot, EOF/IO code), nothing crashes
 * or leaks, and the client reconnects once the server is back. */
#include <pthread.h>

#include "support/live.h"

static void *kill_later(void *arg) {
    rsdk_test_sleep_ms(300);
    rsdk_test_server_kill(arg);
    return NULL;
}

static bool is_connection_failure(rsdk_status s) {
    return s == RSDK_ERR_EOF || s == RSDK_ERR_IO;
}

static void restart(rsdk_test_server *srv) {
    assert_int_equal(rsdk_test_server_restart(srv), RSDK_TEST_SERVER_OK);
}

static void kill_during_exec(rsdk_test_server *srv, bool use_unix) {
    rsdk_client *c = rsdk_test_client(srv, 3, use_unix);
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_non_null(p);
    const char *set[] = {"SET", "kill:k", "v"};
    const char *get[] = {"GET", "kill:k"};
    const char *sleep[] = {"DEBUG", "SLEEP", "5"};
    const char *ping[] = {"PING"};
    assert_int_equal(rsdk_pipeline_append_argv(p, 3, set, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, get, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 3, sleep, NULL), RSDK_OK);
    for (int i = 0; i < 100; i++) assert_int_equal(rsdk_pipeline_append_argv(p, 1, ping, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_count(p), 103);

    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, kill_later, srv), 0);
    rsdk_status s = rsdk_pipeline_exec(p);
    pthread_join(t, NULL);

    assert_true(is_connection_failure(s));
    assert_int_equal(rsdk_err_class(s), RSDK_CLASS_CONNECTION);
    assert_int_equal(rsdk_client_error(c)->code, s);
    assert_true(rsdk_client_broken(c));
    assert_int_equal(rsdk_pipeline_reply_count(p), 103);
    /* The replies before the sleep may or may not have been flushed; the
     * sleep and everything after it never got an answer. */
    const rsdk_reply *r0 = rsdk_pipeline_reply(p, 0);
    if (r0) assert_int_equal(r0->type, RSDK_REPLY_STATUS);
    for (size_t i = 2; i < 103; i++) assert_null(rsdk_pipeline_reply(p, i));
    assert_int_equal(rsdk_pipeline_count(p), 0);

    /* With the server gone, reconnecting fails cleanly... */
    rsdk_reply *r = NULL;
    s = rsdk_client_command(c, &r, "PING", (const char *)NULL);
    assert_int_equal(rsdk_err_class(s), RSDK_CLASS_CONNECTION);
    assert_null(r);
    /* ...and once it is back, the same client works again. */
    restart(srv);
    CMD_STR(c, "PONG", "PING");
    assert_false(rsdk_client_broken(c));
    assert_int_equal(rsdk_pipeline_append_argv(p, 1, ping, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply(p, 0)->type, RSDK_REPLY_STATUS);
    rsdk_pipeline_free(p);
    rsdk_client_close(c);
}

RSDK_TEST_SERVER_CASE(test_kill_mid_pipeline_unix, kill_during_exec, true)
RSDK_TEST_SERVER_CASE(test_kill_mid_pipeline_tcp, kill_during_exec, false)

/* send_encoded on a dead connection: every slot NULL, connection code. */
static void test_send_encoded_to_dead_server(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_client_opts o;
    rsdk_test_server_client_opts(srv, &o, true);
    o.reconnect = false;
    rsdk_client *c = NULL;
    assert_int_equal(rsdk_client_open(&o, &c, NULL), RSDK_OK);
    rsdk_buf b;
    rsdk_buf_init(&b);
    const char *ping[] = {"PING"};
    for (int i = 0; i < 10; i++) assert_int_equal(rsdk_write_command(&b, 1, ping, NULL), RSDK_OK);
    rsdk_test_server_kill(srv);
    rsdk_reply *replies[10];
    memset(replies, 0xA5, sizeof replies); /* garbage must be overwritten */
    rsdk_status s = rsdk_client_send_encoded(c, &b, 10, replies);
    assert_true(is_connection_failure(s));
    for (int i = 0; i < 10; i++) assert_null(replies[i]);
    assert_true(rsdk_client_broken(c));
    /* reconnect is off: the next call says so, even with the server back. */
    restart(srv);
    s = rsdk_client_send_encoded(c, &b, 10, replies);
    assert_int_equal(s, RSDK_ERR_BROKEN);
    for (int i = 0; i < 10; i++) assert_null(replies[i]);
    rsdk_buf_deinit(&b);
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_mid_pipeline_unix),
        cmocka_unit_test(test_kill_mid_pipeline_tcp),
        cmocka_unit_test(test_send_encoded_to_dead_server),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
