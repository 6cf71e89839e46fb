/* The code examples of docs/transactions.md and docs/pubsub.md, verbatim
 * inside test scaffolding, so they keep compiling and doing what the docs
 * say. Change both together. */
#include <stdio.h>
#include <stdlib.h>

#include "rsdk/core.h"
#include "tp.h"

/* ---- docs/transactions.md ------------------------------------------------ */

/* Moves 10 from alice to bob atomically; *bob gets bob's new balance. */
static rsdk_status transfer(rsdk_client *c, int64_t *bob) {
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    if (!p) return RSDK_ERR_NOMEM;
    rsdk_pipeline_set_transaction(p, true);    /* stays on for later execs */
    rcore_decrby_queue(p, "balance:alice", 10, NULL);
    rcore_incrby_queue(p, "balance:bob", 10, NULL);
    rsdk_status s = rsdk_pipeline_exec(p);
    if (s == RSDK_OK) s = rcore_incrby_decode(rsdk_pipeline_reply(p, 1), bob, NULL);
    rsdk_pipeline_free(p);
    return s;
}

/* The body: read under WATCH, queue the write. */
static rsdk_status add_one(rsdk_client *c, rsdk_pipeline *txn, uint32_t attempt, void *ud) {
    (void)attempt, (void)ud;
    long long n = 0;
    rsdk_string cur = {0};
    rsdk_status s = rcore_get(c, "counter", &cur);
    if (s) return s;
    if (!cur.nil) n = strtoll(cur.ptr, NULL, 10);
    rsdk_string_deinit(&cur);
    char next[24];
    snprintf(next, sizeof next, "%lld", n + 1);
    return rcore_set_queue(txn, "counter", next, NULL, NULL);
}

/* Increments "counter" with check-and-set, at most 5 tries. */
static rsdk_status increment(rsdk_client *c, uint32_t *attempts) {
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    if (!p) return RSDK_ERR_NOMEM;
    const rsdk_str keys[] = {{"counter", 7}};
    rsdk_status s = rsdk_txn_watch_run(p, keys, 1, add_one, NULL, 5, attempts);
    rsdk_pipeline_free(p);
    return s;
}

/* ---- docs/pubsub.md ------------------------------------------------------ */

/* Opens a subscriber on a Unix socket and subscribes; NULL on failure. */
static rsdk_pubsub *open_subscriber(const char *socket_path) {
    rsdk_pubsub_opts o;
    rsdk_client_opts o_client;
    rsdk_pubsub_opts_init(&o);
    rsdk_client_opts_init(&o_client);
    o.client = &o_client;
    o_client.unix_path = socket_path;          /* any rsdk_client_opts */
    rsdk_pubsub *ps = NULL;
    rsdk_error err;
    if (rsdk_pubsub_new(&o, &ps, &err) != RSDK_OK) {
        fprintf(stderr, "subscriber: %s\n", err.message);
        return NULL;
    }
    const rsdk_str chans[] = {{"news", 4}, {"alerts", 6}};
    rsdk_str pat = rsdk_str_c("user:*");
    if (rsdk_pubsub_subscribe(ps, chans, 2) != RSDK_OK ||   /* returns once confirmed */
        rsdk_pubsub_psubscribe(ps, &pat, 1) != RSDK_OK) {
        fprintf(stderr, "subscribe: %s\n", rsdk_pubsub_error(ps)->message);
        rsdk_pubsub_free(ps);
        return NULL;
    }
    return ps;
}

/* Prints what arrives during `rounds` waits of up to 1 s; returns the count. */
static int print_messages(rsdk_pubsub *ps, int rounds) {
    int n = 0;
    for (int i = 0; i < rounds; i++) {
        rsdk_pubsub_msg m;
        rsdk_status s = rsdk_pubsub_next(ps, &m, 1000);
        if (s == RSDK_ERR_TIMEOUT) continue;   /* nothing within 1 s */
        if (s != RSDK_OK) {                    /* the next call reconnects */
            fprintf(stderr, "pubsub: %s\n", rsdk_pubsub_error(ps)->message);
            continue;
        }
        printf("%.*s: %.*s\n", (int)m.channel.len, m.channel.ptr, (int)m.payload.len,
               m.payload.ptr);
        rsdk_pubsub_msg_deinit(&m);
        n++;
    }
    return n;
}

/* ---- scaffolding ---------------------------------------------------------- */

static void test_transaction_examples(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    CMD_DO(c, "MSET", "balance:alice", "100", "balance:bob", "5", "counter", "41");
    int64_t bob = 0;
    assert_int_equal(transfer(c, &bob), RSDK_OK);
    assert_int_equal(bob, 15);
    CMD_STR(c, "90", "GET", "balance:alice");
    uint32_t attempts = 0;
    assert_int_equal(increment(c, &attempts), RSDK_OK);
    assert_int_equal(attempts, 1);
    CMD_STR(c, "42", "GET", "counter");
    rsdk_client_close(c);
}

static void test_pubsub_example(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    const rsdk_test_server *srv = *state;
    assert_null(open_subscriber("/nonexistent/redis.sock"));
    rsdk_pubsub *ps = open_subscriber(srv->unix_path);
    assert_non_null(ps);
    rsdk_client *pub = rsdk_test_client(srv, 3, true);
    assert_int_equal(tp_publish(pub, false, "news", "n1"), 1);
    assert_int_equal(tp_publish(pub, false, "user:7", "u1"), 1);
    assert_int_equal(tp_publish(pub, false, "alerts", "a1"), 1);
    assert_int_equal(print_messages(ps, 3), 3);
    rsdk_client_close(pub);
    rsdk_pubsub_free(ps);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transaction_examples),
        cmocka_unit_test(test_pubsub_example),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
