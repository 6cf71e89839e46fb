/* Every way out of a transaction leaves a connection a pool can reuse:
 * EXEC, EXECABORT, a WATCH conflict, a failed body; a connection given
 * back inside MULTI (from the transaction API or a raw MULTI in a pipeline)
 * or under WATCH is closed by the pool instead. */
#include "support/tp.h"

static rsdk_pool *pool_new(rsdk_test_server *srv) {
    rsdk_pool_opts o;
    rsdk_client_opts o_client;
    rsdk_pool_opts_init(&o);
    rsdk_client_opts_init(&o_client);
    o.client = &o_client;
    rsdk_test_server_client_opts(srv, &o_client, true);
    o.max_size = 1;
    rsdk_pool *p = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_pool_new(&o, &p, &err), RSDK_OK);
    return p;
}

static rsdk_client *take(rsdk_pool *p) {
    rsdk_client *c = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &c, NULL), RSDK_OK);
    return c;
}

static uint64_t discarded(rsdk_pool *p) {
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    return st.discarded;
}

static rsdk_status body_ok(rsdk_client *c, rsdk_pipeline *txn, uint32_t attempt, void *ud) {
    (void)c, (void)attempt, (void)ud;
    const char *argv[] = {"INCR", "pc:n"};
    return rsdk_pipeline_append_argv(txn, 2, argv, NULL);
}

static rsdk_status body_fails(rsdk_client *c, rsdk_pipeline *txn, uint32_t attempt, void *ud) {
    (void)c, (void)txn, (void)attempt, (void)ud;
    return RSDK_ERR_NIL;
}

static rsdk_status body_conflicts(rsdk_client *c, rsdk_pipeline *txn, uint32_t attempt, void *ud) {
    (void)c, (void)attempt;
    CMD_DO((rsdk_client *)ud, "INCR", "pc:n");
    return body_ok(c, txn, attempt, ud);
}

static void test_clean_after_every_outcome(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool *pool = pool_new(*state);
    rsdk_client *other = rsdk_test_client(*state, 3, true);
    const rsdk_str keys[] = {{"pc:n", 4}};

    rsdk_client *c = take(pool);
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    rsdk_pipeline_set_transaction(p, true);
    QUEUE(p, "SET", "pc:n", "1");
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    QUEUE(p, "NOSUCHCOMMAND");
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_ERR_EXECABORT);
    rsdk_pipeline_free(p);
    assert_int_equal(rsdk_pool_release(pool, c), RSDK_OK);
    assert_int_equal(discarded(pool), 0);

    c = take(pool);
    p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_int_equal(rsdk_txn_watch_run(p, keys, 1, body_ok, NULL, 3, NULL), RSDK_OK);
    assert_int_equal(rsdk_txn_watch_run(p, keys, 1, body_fails, NULL, 3, NULL), RSDK_ERR_NIL);
    assert_int_equal(rsdk_txn_watch_run(p, keys, 1, body_conflicts, other, 2, NULL),
                     RSDK_ERR_TXN_ABORTED);
    rsdk_pipeline_free(p);
    assert_int_equal(rsdk_pool_release(pool, c), RSDK_OK);
    assert_int_equal(discarded(pool), 0);

    /* Interactive MULTI ended by DISCARD, and WATCH ended by UNWATCH. */
    c = take(pool);
    assert_int_equal(rsdk_txn_multi(c), RSDK_OK);
    assert_int_equal(rsdk_txn_discard(c), RSDK_OK);
    assert_int_equal(rsdk_txn_watch(c, keys, 1), RSDK_OK);
    assert_int_equal(rsdk_txn_unwatch(c), RSDK_OK);
    assert_int_equal(rsdk_pool_release(pool, c), RSDK_OK);
    assert_int_equal(discarded(pool), 0);

    /* Given back inside MULTI: closed, never handed to someone else. */
    c = take(pool);
    assert_int_equal(rsdk_txn_multi(c), RSDK_OK);
    assert_int_equal(rsdk_pool_release(pool, c), RSDK_OK);
    assert_int_equal(discarded(pool), 1);
    c = take(pool);
    assert_false(rsdk_client_in_multi(c));
    CMD_STR(c, "PONG", "PING");
    /* Given back under WATCH: closed too. */
    assert_int_equal(rsdk_txn_watch(c, keys, 1), RSDK_OK);
    assert_int_equal(rsdk_pool_release(pool, c), RSDK_OK);
    assert_int_equal(discarded(pool), 2);

    /* MULTI queued in a plain pipeline as raw argv, given back: closed too. */
    c = take(pool);
    rsdk_pipeline *raw = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &raw), RSDK_OK);
    const char *multi[] = {"MULTI"}, *set[] = {"SET", "tx:raw", "1"};
    assert_int_equal(rsdk_pipeline_append_argv(raw, 1, multi, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(raw, 3, set, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(raw), RSDK_OK);
    assert_string_equal(rsdk_pipeline_reply(raw, 1)->str, "QUEUED");
    rsdk_pipeline_free(raw);
    assert_int_equal(rsdk_pool_release(pool, c), RSDK_OK);
    assert_int_equal(discarded(pool), 3);
    c = take(pool);
    CMD_STR(c, "PONG", "PING");
    assert_int_equal(rsdk_pool_release(pool, c), RSDK_OK);

    rsdk_client_close(other);
    rsdk_pool_free(pool);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_after_every_outcome),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
