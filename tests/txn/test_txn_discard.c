/* DISCARD: an interactive MULTI ended by rsdk_txn_discard runs nothing and
 * leaves the connection outside MULTI; a transaction pipeline's queue is
 * dropped client-side without sending; a connection lost inside MULTI is
 * never silently replaced (the rest would run outside the transaction). */
#include "support/tp.h"

static void test_interactive_discard(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, true);
        CMD_DO(c, "DEL", "d:k");
        assert_false(rsdk_client_in_multi(c));
        assert_int_equal(rsdk_txn_multi(c), RSDK_OK);
        assert_true(rsdk_client_in_multi(c));
        CMD_STR(c, "QUEUED", "SET", "d:k", "1");
        CMD_STR(c, "QUEUED", "INCR", "d:k");
        /* A nested MULTI is refused before it is sent. */
        assert_int_equal(rsdk_txn_multi(c), RSDK_ERR_INVALID_ARG);
        assert_int_equal(rsdk_txn_discard(c), RSDK_OK);
        assert_false(rsdk_client_in_multi(c));
        rsdk_reply *r = CMD_OK(c, "EXISTS", "d:k");
        assert_int_equal(r->integer, 0);
        rsdk_reply_free(r);
        /* DISCARD or EXEC without MULTI: refused, nothing sent. */
        assert_int_equal(rsdk_txn_discard(c), RSDK_ERR_INVALID_ARG);
        assert_int_equal(rsdk_txn_exec(c, &r), RSDK_ERR_INVALID_ARG);
        CMD_STR(c, "PONG", "PING");
        rsdk_client_close(c);
    }
}

/* DISCARD also forgets WATCHed keys. */
static void test_discard_unwatches(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    rsdk_client *o = rsdk_test_client(*state, 3, true);
    const rsdk_str k[] = {{"d:w", 3}};
    assert_int_equal(rsdk_txn_watch(c, k, 1), RSDK_OK);
    assert_int_equal(rsdk_txn_multi(c), RSDK_OK);
    assert_int_equal(rsdk_txn_discard(c), RSDK_OK);
    assert_false(rsdk_client_watching(c));
    CMD_DO(o, "SET", "d:w", "changed");
    assert_int_equal(rsdk_txn_multi(c), RSDK_OK);
    CMD_STR(c, "QUEUED", "GET", "d:w");
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_txn_exec(c, &r), RSDK_OK); /* not aborted: nothing watched */
    assert_int_equal(r->type, RSDK_REPLY_ARRAY);
    live_assert_str(&r->element[0], "changed");
    rsdk_reply_free(r);
    rsdk_client_close(o);
    rsdk_client_close(c);
}

/* Interactive EXEC with a WATCH conflict answers RSDK_ERR_TXN_ABORTED. */
static void test_interactive_exec_conflict(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 2, true);
    rsdk_client *o = rsdk_test_client(*state, 2, true);
    const rsdk_str k[] = {{"d:c", 3}};
    assert_int_equal(rsdk_txn_watch(c, k, 1), RSDK_OK);
    CMD_DO(o, "SET", "d:c", "x");
    assert_int_equal(rsdk_txn_multi(c), RSDK_OK);
    CMD_STR(c, "QUEUED", "SET", "d:c", "mine");
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_txn_exec(c, &r), RSDK_ERR_TXN_ABORTED);
    assert_null(r);
    assert_false(rsdk_client_in_multi(c));
    assert_false(rsdk_client_watching(c));
    CMD_STR(c, "x", "GET", "d:c");
    rsdk_client_close(o);
    rsdk_client_close(c);
}

/* The pipeline's discard drops the queue; nothing reaches the server. */
static void test_pipeline_discard(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    CMD_DO(c, "DEL", "d:p");
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    rsdk_pipeline_set_transaction(p, true);
    QUEUE(p, "SET", "d:p", "1");
    QUEUE(p, "ECHO", "kept");
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    QUEUE(p, "SET", "d:p", "2");
    QUEUE(p, "INCR", "d:p");
    assert_int_equal(rsdk_pipeline_count(p), 2);
    rsdk_pipeline_discard(p);
    assert_int_equal(rsdk_pipeline_count(p), 0);
    /* The last exec's replies are still there. */
    live_assert_str(rsdk_pipeline_reply(p, 1), "kept");
    CMD_STR(c, "1", "GET", "d:p");
    /* The next exec runs only what was queued after the discard. */
    QUEUE(p, "INCR", "d:p");
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply_count(p), 1);
    assert_int_equal(rsdk_pipeline_reply(p, 0)->integer, 2);
    rsdk_pipeline_discard(NULL);
    rsdk_pipeline_free(p);
    rsdk_client_close(c);
}

/* The connection dies inside MULTI: the client refuses to reconnect (the
 * remaining commands would run one by one) until the transaction is ended;
 * DISCARD then succeeds without a server and the next command reconnects. */
static void test_connection_lost_inside_multi(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    rsdk_client *o = rsdk_test_client(*state, 3, true);
    CMD_DO(c, "DEL", "d:l");
    rsdk_reply *id = CMD_OK(c, "CLIENT", "ID");
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", (long long)id->integer);
    rsdk_reply_free(id);
    assert_int_equal(rsdk_txn_multi(c), RSDK_OK);
    CMD_STR(c, "QUEUED", "SET", "d:l", "1");
    CMD_DO(o, "CLIENT", "KILL", "ID", ids);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "INCR", "d:l", NULL);
    assert_int_not_equal(s, RSDK_OK);
    assert_true(rsdk_client_broken(c));
    assert_true(rsdk_client_in_multi(c));
    /* No silent reconnect: this INCR would otherwise run on its own. */
    assert_int_equal(rsdk_client_command(c, &r, "INCR", "d:l", NULL), RSDK_ERR_BROKEN);
    assert_non_null(strstr(rsdk_client_error(c)->message, "inside MULTI"));
    rsdk_reply *e = NULL;
    assert_int_equal(rsdk_txn_exec(c, &e), RSDK_ERR_BROKEN);
    assert_false(rsdk_client_in_multi(c));
    r = CMD_OK(c, "EXISTS", "d:l");
    assert_int_equal(r->integer, 0);
    rsdk_reply_free(r);

    /* Same, ended with DISCARD: its failure is reported, the client is out
     * of MULTI and reconnects for the next command. */
    id = CMD_OK(c, "CLIENT", "ID");
    snprintf(ids, sizeof ids, "%lld", (long long)id->integer);
    rsdk_reply_free(id);
    assert_int_equal(rsdk_txn_multi(c), RSDK_OK);
    CMD_STR(c, "QUEUED", "SET", "d:l", "2");
    CMD_DO(o, "CLIENT", "KILL", "ID", ids);
    s = rsdk_txn_discard(c);
    assert_int_equal(rsdk_err_class(s), RSDK_CLASS_CONNECTION);
    assert_false(rsdk_client_in_multi(c));
    assert_true(rsdk_client_broken(c));
    r = CMD_OK(c, "EXISTS", "d:l");
    assert_int_equal(r->integer, 0);
    rsdk_reply_free(r);
    rsdk_client_close(o);
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interactive_discard),
        cmocka_unit_test(test_discard_unwatches),
        cmocka_unit_test(test_interactive_exec_conflict),
        cmocka_unit_test(test_pipeline_discard),
        cmocka_unit_test(test_connection_lost_inside_multi),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
