/* rsdk_pubsub_next returns RSDK_ERR_TIMEOUT promptly when nothing arrives,
 * returns at once with timeout 0, and a message that arrives during the
 * wait ends it early. */
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "support/tp.h"

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void run(rsdk_test_server *srv, int protocol) {
    rsdk_pubsub *ps = tp_pubsub(srv, protocol, true);
    tp_sub(ps, 'c', "quiet");
    rsdk_pubsub_msg m;
    memset(&m, 0x5a, sizeof m);
    rsdk_pubsub_msg before = m;

    long long t0 = now_ms();
    assert_int_equal(rsdk_pubsub_next(ps, &m, 300), RSDK_ERR_TIMEOUT);
    long long took = now_ms() - t0;
    assert_true(took >= 290);
    assert_true(took < 800);
    assert_memory_equal(&m, &before, sizeof m); /* untouched on failure */
    assert_int_equal(rsdk_pubsub_error(ps)->code, RSDK_ERR_TIMEOUT);

    t0 = now_ms();
    assert_int_equal(rsdk_pubsub_next(ps, &m, 0), RSDK_ERR_TIMEOUT);
    assert_true(now_ms() - t0 < 100);

    /* A timeout does not hurt the connection. */
    rsdk_client *pub = rsdk_test_client(srv, 3, true);
    assert_int_equal(tp_publish(pub, false, "quiet", "now"), 1);
    tp_expect_msg(ps, 2000, RSDK_PUBSUB_MESSAGE, "quiet", "now", NULL);
    rsdk_client_close(pub);
    rsdk_pubsub_free(ps);
}

RSDK_TEST_SERVER_CASE(test_resp3, run, 3)
RSDK_TEST_SERVER_CASE(test_resp2, run, 2)

static void *publish_later(void *arg) {
    rsdk_client *pub = arg;
    usleep(200 * 1000);
    rsdk_reply *r = NULL;
    rsdk_client_command(pub, &r, "PUBLISH", "late", "hi", NULL);
    rsdk_reply_free(r);
    return NULL;
}

/* A message published while next() waits ends the wait early. */
static void test_message_ends_wait(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pubsub *ps = tp_pubsub(*state, 3, true);
    tp_sub(ps, 'c', "late");
    rsdk_client *pub = rsdk_test_client(*state, 3, true);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, publish_later, pub), 0);
    long long t0 = now_ms();
    tp_expect_msg(ps, 5000, RSDK_PUBSUB_MESSAGE, "late", "hi", NULL);
    long long took = now_ms() - t0;
    pthread_join(t, NULL);
    assert_true(took >= 150);
    assert_true(took < 2000);
    rsdk_client_close(pub);
    rsdk_pubsub_free(ps);
}

/* Bad arguments: clear errors, nothing sent. */
static void test_bad_arguments(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pubsub *ps = tp_pubsub(*state, 3, true);
    rsdk_pubsub_msg m;
    assert_int_equal(rsdk_pubsub_next(NULL, &m, 0), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_pubsub_next(ps, NULL, 0), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_pubsub_subscribe(ps, NULL, 1), RSDK_ERR_INVALID_ARG);
    const rsdk_str ok = {"a", 1};
    assert_int_equal(rsdk_pubsub_subscribe(ps, &ok, 0), RSDK_ERR_INVALID_ARG);
    const rsdk_str bad[] = {{"a", 1}, {NULL, 2}};
    assert_int_equal(rsdk_pubsub_psubscribe(ps, bad, 2), RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(rsdk_pubsub_error(ps)->message, "name 1"));
    assert_int_equal(rsdk_pubsub_count(ps, RSDK_PUBSUB_PMESSAGE), 0);
    assert_int_equal(rsdk_pubsub_subscribe(NULL, &ok, 1), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_pubsub_unsubscribe(ps, NULL, 0), RSDK_OK); /* nothing to leave */
    assert_int_equal(rsdk_pubsub_count(NULL, RSDK_PUBSUB_MESSAGE), 0);

    rsdk_pubsub_opts o;
    rsdk_client_opts o_client;
    rsdk_pubsub *out = NULL;
    rsdk_error err;
    tp_pubsub_opts(*state, &o, &o_client, 3, true);
    o.ping_interval_ms = -1;
    assert_int_equal(rsdk_pubsub_new(&o, &out, &err), RSDK_ERR_INVALID_ARG);
    assert_null(out);
    tp_pubsub_opts(*state, &o, &o_client, 3, true);
    o.reconnect_backoff.base_ms = 500;
    o.reconnect_backoff.cap_ms = 10;
    assert_int_equal(rsdk_pubsub_new(&o, &out, &err), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_pubsub_new(NULL, &out, &err), RSDK_ERR_INVALID_ARG);
    tp_pubsub_opts(*state, &o, &o_client, 3, false);
    o_client.port = rsdk_test_free_port(); /* nobody listens there */
    assert_int_equal(rsdk_pubsub_new(&o, &out, &err), RSDK_ERR_CONNECT);
    assert_null(out);
    rsdk_pubsub_free(ps);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resp3),
        cmocka_unit_test(test_resp2),
        cmocka_unit_test(test_message_ends_wait),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
