/* WATCH and the optimistic retry helper: a conflict (another client changes
 * a watched key) makes EXEC answer nil, seen as RSDK_ERR_TXN_ABORTED; the
 * helper runs the body again and succeeds once nobody interferes, or gives
 * up after max_attempts with RSDK_ERR_TXN_ABORTED and the attempts counted.
 * Every way out leaves the connection without WATCH. */
#include <stdlib.h>

#include "rsdk/core.h"
#include "support/tp.h"

typedef struct {
    rsdk_client *other;   /* the interfering client */
    uint32_t conflict_until; /* interfere on attempts <= this */
    uint32_t runs;
    rsdk_status fail_with; /* returned by the body when non-zero */
    bool kill_connection;  /* on attempt 1: drop c's connection mid-body */
} body_state;

/* Reads the counter, lets the other client interfere when asked, queues
 * counter + 1. */
static rsdk_status increment_body(rsdk_client *c, rsdk_pipeline *txn, uint32_t attempt, void *ud) {
    body_state *b = ud;
    b->runs++;
    assert_int_equal(attempt, b->runs);
    assert_int_equal(rsdk_pipeline_count(txn), 0);
    assert_true(rsdk_client_watching(c));
    if (b->kill_connection && attempt == 1) {
        rsdk_reply *id = CMD_OK(c, "CLIENT", "ID");
        char ids[32];
        snprintf(ids, sizeof ids, "%lld", (long long)id->integer);
        rsdk_reply_free(id);
        CMD_DO(b->other, "CLIENT", "KILL", "ID", ids);
        rsdk_reply *r = NULL;
        assert_int_not_equal(rsdk_client_command(c, &r, "PING", NULL), RSDK_OK);
        /* The next read reconnects silently: the WATCH is gone. */
    }
    rsdk_string cur = {0};
    rsdk_status s = rcore_get(c, "w:n", &cur);
    if (s) return s;
    long long n = cur.nil ? 0 : strtoll(cur.ptr, NULL, 10);
    rsdk_string_deinit(&cur);
    if (attempt <= b->conflict_until) CMD_DO(b->other, "INCRBY", "w:n", "100");
    if (b->fail_with) return b->fail_with;
    char next[32];
    snprintf(next, sizeof next, "%lld", n + 1);
    return rcore_set_queue(txn, "w:n", next, NULL, NULL);
}

static const rsdk_str KEYS[] = {{"w:n", 3}};

static void run_helper(rsdk_test_server *srv, int protocol, body_state *b, uint32_t max,
                       rsdk_status want, uint32_t want_attempts) {
    rsdk_client *c = rsdk_test_client(srv, protocol, true);
    b->other = rsdk_test_client(srv, 3, true);
    CMD_DO(c, "SET", "w:n", "0");
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    uint32_t attempts = 99;
    rsdk_status s = rsdk_txn_watch_run(p, KEYS, 1, increment_body, b, max, &attempts);
    if (s != want)
        fail_msg("watch_run: %s (%s), wanted %s", rsdk_status_name(s),
                 rsdk_client_error(c)->message, rsdk_status_name(want));
    assert_int_equal(attempts, want_attempts);
    assert_int_equal(b->runs, want_attempts);
    assert_false(rsdk_client_watching(c));
    assert_false(rsdk_client_in_multi(c));
    if (s == RSDK_OK) live_assert_str(rsdk_pipeline_reply(p, 0), "OK");
    rsdk_pipeline_free(p);
    rsdk_client_close(b->other);
    b->other = NULL;
    /* Left for the caller to check the value. */
    rsdk_client *check = rsdk_test_client(srv, 3, true);
    rsdk_reply *r = CMD_OK(check, "GET", "w:n");
    b->runs = (uint32_t)strtoul(r->str, NULL, 10); /* reused: final value */
    rsdk_reply_free(r);
    rsdk_client_close(check);
    rsdk_client_close(c);
}

/* Conflict on the first attempt only: the second succeeds. */
static void test_retry_after_conflict(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        body_state b = {.conflict_until = 1};
        run_helper(*state, proto, &b, 5, RSDK_OK, 2);
        assert_int_equal(b.runs, 101); /* other's +100, then our +1 */
    }
}

/* Always conflicting: bounded, RSDK_ERR_TXN_ABORTED after max attempts. */
static void test_always_conflicting_gives_up(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    body_state b = {.conflict_until = 1000};
    run_helper(*state, 3, &b, 3, RSDK_ERR_TXN_ABORTED, 3);
    assert_int_equal(b.runs, 300); /* only the other client's writes landed */
}

/* No interference: one attempt. */
static void test_no_conflict_single_attempt(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    body_state b = {0};
    run_helper(*state, 2, &b, 3, RSDK_OK, 1);
    assert_int_equal(b.runs, 1);
}

/* The body's own failure is returned as is, nothing runs, WATCH is gone. */
static void test_body_failure_unwatches(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    body_state b = {.fail_with = RSDK_ERR_NIL};
    run_helper(*state, 3, &b, 3, RSDK_ERR_NIL, 1);
    assert_int_equal(b.runs, 0);
}

/* The connection is re-opened inside the body: the WATCH was lost, so that
 * attempt is abandoned (not executed unprotected) and the next succeeds. */
static void test_connection_lost_after_watch(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    body_state b = {.kill_connection = true};
    run_helper(*state, 3, &b, 3, RSDK_OK, 2);
    assert_int_equal(b.runs, 1);
}

/* After a failed body the server really forgot the WATCH: a transaction on
 * the same connection succeeds although the key changed meanwhile. */
static void test_unwatch_reaches_server(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    body_state b = {.fail_with = RSDK_ERR_RESPONSE};
    b.other = rsdk_test_client(*state, 3, true);
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_int_equal(rsdk_txn_watch_run(p, KEYS, 1, increment_body, &b, 2, NULL), RSDK_ERR_RESPONSE);
    CMD_DO(b.other, "SET", "w:n", "7");
    QUEUE(p, "GET", "w:n");
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    live_assert_str(rsdk_pipeline_reply(p, 0), "7");
    rsdk_pipeline_free(p);
    rsdk_client_close(b.other);
    rsdk_client_close(c);
}

/* Manual WATCH + transaction pipeline: a conflict is RSDK_ERR_TXN_ABORTED,
 * every slot NULL, the key untouched by us. */
static void test_manual_watch_conflict(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 2, true);
    rsdk_client *o = rsdk_test_client(*state, 2, true);
    CMD_DO(c, "SET", "w:m", "a");
    assert_int_equal(rsdk_txn_watch(c, KEYS + 0, 1), RSDK_OK);
    const rsdk_str mk[] = {{"w:m", 3}};
    assert_int_equal(rsdk_txn_watch(c, mk, 1), RSDK_OK);
    assert_true(rsdk_client_watching(c));
    CMD_DO(o, "SET", "w:m", "b");
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    rsdk_pipeline_set_transaction(p, true);
    QUEUE(p, "SET", "w:m", "mine");
    QUEUE(p, "GET", "w:m");
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_ERR_TXN_ABORTED);
    assert_int_equal(rsdk_client_error(c)->code, RSDK_ERR_TXN_ABORTED);
    assert_int_equal(rsdk_pipeline_reply_count(p), 2);
    assert_null(rsdk_pipeline_reply(p, 0));
    assert_null(rsdk_pipeline_reply(p, 1));
    assert_false(rsdk_client_watching(c));
    CMD_STR(c, "b", "GET", "w:m");
    /* UNWATCH with nothing watched is a no-op; after WATCH it clears. */
    assert_int_equal(rsdk_txn_unwatch(c), RSDK_OK);
    assert_int_equal(rsdk_txn_watch(c, mk, 1), RSDK_OK);
    assert_int_equal(rsdk_txn_unwatch(c), RSDK_OK);
    assert_false(rsdk_client_watching(c));
    CMD_DO(o, "SET", "w:m", "c");
    QUEUE(p, "GET", "w:m");
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    live_assert_str(rsdk_pipeline_reply(p, 0), "c");
    rsdk_pipeline_free(p);
    rsdk_client_close(o);
    rsdk_client_close(c);
}

static rsdk_status never_called(rsdk_client *c, rsdk_pipeline *txn, uint32_t attempt, void *ud) {
    (void)c, (void)txn, (void)attempt, (void)ud;
    fail_msg("body must not run");
    return RSDK_OK;
}

static void test_bad_arguments(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    uint32_t a = 5;
    assert_int_equal(rsdk_txn_watch_run(p, KEYS, 1, never_called, NULL, 0, &a), RSDK_ERR_INVALID_ARG);
    assert_int_equal(a, 0);
    assert_int_equal(rsdk_txn_watch_run(p, KEYS, 0, never_called, NULL, 3, &a), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_txn_watch_run(p, NULL, 1, never_called, NULL, 3, &a), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_txn_watch_run(p, KEYS, 1, NULL, NULL, 3, &a), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_txn_watch_run(NULL, KEYS, 1, never_called, NULL, 3, &a), RSDK_ERR_INVALID_ARG);
    QUEUE(p, "PING");
    assert_int_equal(rsdk_txn_watch_run(p, KEYS, 1, never_called, NULL, 3, &a), RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(rsdk_client_error(c)->message, "empty pipeline"));
    const rsdk_str bad[] = {{NULL, 3}};
    assert_int_equal(rsdk_txn_watch(c, bad, 1), RSDK_ERR_INVALID_ARG);
    assert_false(rsdk_client_watching(c));
    CMD_STR(c, "PONG", "PING");
    rsdk_pipeline_free(p);
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_after_conflict),
        cmocka_unit_test(test_always_conflicting_gives_up),
        cmocka_unit_test(test_no_conflict_single_attempt),
        cmocka_unit_test(test_body_failure_unwatches),
        cmocka_unit_test(test_connection_lost_after_watch),
        cmocka_unit_test(test_unwatch_reaches_server),
        cmocka_unit_test(test_manual_watch_conflict),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
