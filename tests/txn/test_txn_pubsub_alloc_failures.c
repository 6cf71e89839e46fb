/* Running out of memory at any single allocation inside a transaction or
 * the subscriber's calls gives RSDK_ERR_NOMEM (or a connection failure when
 * the reader could not hold a reply), never a crash, leak or a connection
 * left out of step: once memory is back, the client answers and the
 * subscriber delivers. ASan checks the leaks. */
#include <stdlib.h>

#include "support/fail_alloc.h"
#include "support/tp.h"

/* The next n allocations succeed, the one after fails. */
static void arm(long n) { rsdk_test_alloc_fail_nth((size_t)n + 1); }

/* Nothing fails any more; rsdk_test_alloc_refused() still tells whether the
 * armed allocation was reached. */
static void disarm(void) { rsdk_test_alloc_fail_nth(0); }

static bool acceptable(rsdk_status s) {
    return s == RSDK_OK || s == RSDK_ERR_NOMEM || rsdk_err_class(s) == RSDK_CLASS_CONNECTION ||
           s == RSDK_ERR_PROTOCOL;
}

static void txn_round(rsdk_test_server *srv, long n) {
    rsdk_client *c = rsdk_test_client(srv, 3, true);
    arm(n);
    rsdk_pipeline *p = NULL;
    rsdk_status s = rsdk_pipeline_new(c, &p);
    if (s != RSDK_OK) {
        assert_int_equal(s, RSDK_ERR_NOMEM);
        assert_null(p);
    } else {
        rsdk_pipeline_set_transaction(p, true);
        const char *a[] = {"SET", "af:k", "1"};
        const char *b[] = {"INCR", "af:k"};
        const char *bad[] = {"NOSUCHCOMMAND"};
        rsdk_pipeline_append_argv(p, 3, a, NULL);
        rsdk_pipeline_append_argv(p, 2, b, NULL);
        s = rsdk_pipeline_exec(p);
        if (!acceptable(s)) fail_msg("exec at failure %ld: %s", n, rsdk_status_name(s));
        rsdk_pipeline_append_argv(p, 1, bad, NULL);
        s = rsdk_pipeline_exec(p);
        if (!acceptable(s) && s != RSDK_ERR_EXECABORT)
            fail_msg("execabort at failure %ld: %s", n, rsdk_status_name(s));
        const rsdk_str keys[] = {{"af:k", 4}};
        s = rsdk_txn_watch(c, keys, 1);
        if (!acceptable(s)) fail_msg("watch at failure %ld: %s", n, rsdk_status_name(s));
        rsdk_txn_unwatch(c);
    }
    disarm();
    assert_false(rsdk_client_in_multi(c));
    CMD_STR(c, "PONG", "PING"); /* usable again (reconnected if it broke) */
    rsdk_pipeline_free(p);
    rsdk_client_close(c);
}

static void test_transaction_every_allocation(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_alloc_install();
    long n = 0;
    for (; n < 200; n++) {
        txn_round(*state, n);
        if (rsdk_test_alloc_refused() == 0) break; /* the round needs fewer allocations */
    }
    rsdk_test_alloc_remove();
    print_message("transaction: failed each of the first %ld allocations in turn\n", n);
    assert_true(n > 3);
}

static void pubsub_round(rsdk_test_server *srv, rsdk_client *pub, long n) {
    rsdk_pubsub_opts o;
    rsdk_client_opts o_client;
    tp_pubsub_opts(srv, &o, &o_client, (n % 2) ? 2 : 3, true);
    o.reconnect_backoff.base_ms = 1;
    o.reconnect_backoff.cap_ms = 5;
    arm(n / 2);
    rsdk_pubsub *ps = NULL;
    rsdk_status s = rsdk_pubsub_new(&o, &ps, NULL);
    bool subscribed = false;
    if (s == RSDK_OK) {
        const rsdk_str ch[] = {{"af:c", 4}, {"af:d", 4}};
        s = rsdk_pubsub_subscribe(ps, ch, 2);
        if (!acceptable(s)) fail_msg("subscribe at failure %ld: %s", n, rsdk_status_name(s));
        subscribed = rsdk_pubsub_count(ps, RSDK_PUBSUB_MESSAGE) == 2;
        const rsdk_str pat = {"af:*", 4};
        rsdk_pubsub_psubscribe(ps, &pat, 1);
        rsdk_pubsub_unsubscribe(ps, ch + 1, 1);
    } else if (s != RSDK_ERR_NOMEM) {
        fail_msg("new at failure %ld: %s", n, rsdk_status_name(s));
    }
    disarm();
    if (!ps) return;
    if (subscribed) {
        /* Memory is back: the subscription works, reconnecting if needed. */
        bool got = false;
        for (int i = 0; i < 50 && !got; i++) {
            rsdk_reply *r = NULL;
            if (rsdk_client_command(pub, &r, "PUBLISH", "af:c", "x", NULL) == RSDK_OK) rsdk_reply_free(r);
            rsdk_pubsub_msg m;
            if (rsdk_pubsub_next(ps, &m, 50) == RSDK_OK) {
                got = m.channel.len == 4 && memcmp(m.channel.ptr, "af:", 3) == 0;
                rsdk_pubsub_msg_deinit(&m);
            }
        }
        if (!got) fail_msg("no delivery after failure %ld", n);
    }
    rsdk_pubsub_free(ps);
}

static void test_pubsub_every_allocation(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *pub = rsdk_test_client(*state, 3, true);
    rsdk_test_alloc_install();
    long n = 0;
    int quiet = 0; /* rounds in a row (one per protocol) with no failure */
    for (; n < 600 && quiet < 2; n++) {
        pubsub_round(*state, pub, n);
        quiet = rsdk_test_alloc_refused() ? 0 : quiet + 1;
    }
    rsdk_test_alloc_remove();
    print_message("pubsub: failed each of the first %ld allocations in turn\n", n / 2);
    assert_true(n > 10);
    rsdk_client_close(pub);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transaction_every_allocation),
        cmocka_unit_test(test_pubsub_every_allocation),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
