/* A transaction exec that fails before sending anything (a queued command
 * failed to encode, or no memory for MULTI/EXEC) still leaves the
 * connection without WATCH, as rsdk/txn.h promises for every outcome: a
 * WATCH left on the server would abort an unrelated later transaction on
 * the same connection. */
#include "rsdk/pipeline_internal.h"
#include "rsdk/writer.h"
#include "support/fail_alloc.h"
#include "support/tp.h"

static const rsdk_str KEYS[] = {{"fu:k", 4}};

/* The key changes behind c's back, then a transaction without WATCH runs on
 * c: it must go through, which it cannot if the server still watches. */
static void assert_server_forgot_watch(rsdk_client *c, rsdk_client *other, rsdk_pipeline *p) {
    assert_false(rsdk_client_watching(c));
    CMD_DO(other, "SET", "fu:k", "changed");
    QUEUE(p, "GET", "fu:k");
    rsdk_status s = rsdk_pipeline_exec(p);
    if (s != RSDK_OK) fail_msg("later transaction: %s (%s)", rsdk_status_name(s), rsdk_client_error(c)->message);
    live_assert_str(rsdk_pipeline_reply(p, 0), "changed");
}

/* Queues a command whose encoding fails, then commits it anyway. */
static rsdk_status bad_encode_body(rsdk_client *c, rsdk_pipeline *txn, uint32_t attempt, void *ud) {
    (void)c, (void)attempt, (void)ud;
    rsdk_buf *b = rsdk_pipeline_buf(txn);
    rsdk_write_array(b, 2);
    rsdk_write_arg(b, "GET", 3);
    assert_int_equal(rsdk_write_arg(b, NULL, 5), RSDK_ERR_INVALID_ARG);
    rsdk_pipeline_commit(txn);
    return RSDK_OK;
}

static void test_encode_failure_in_watch_run(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, true);
        rsdk_client *o = rsdk_test_client(*state, 3, true);
        CMD_DO(c, "SET", "fu:k", "v");
        rsdk_pipeline *p = NULL;
        assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
        uint32_t attempts = 0;
        assert_int_equal(rsdk_txn_watch_run(p, KEYS, 1, bad_encode_body, NULL, 3, &attempts),
                         RSDK_ERR_INVALID_ARG);
        assert_int_equal(attempts, 1);
        assert_non_null(strstr(rsdk_client_error(c)->message, "failed to encode"));
        assert_server_forgot_watch(c, o, p);
        rsdk_pipeline_free(p);
        rsdk_client_close(o);
        rsdk_client_close(c);
    }
}

/* Manual WATCH, then a transaction pipeline whose exec fails at each
 * allocation in turn: whenever it fails with RSDK_ERR_NOMEM the WATCH is
 * gone. */
static void test_nomem_exec_after_watch(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_alloc_install();
    size_t nomem = 0;
    for (size_t n = 1; n < 100; n++) {
        rsdk_client *c = rsdk_test_client(*state, 3, true);
        rsdk_client *o = rsdk_test_client(*state, 3, true);
        CMD_DO(c, "SET", "fu:k", "v");
        rsdk_pipeline *p = NULL;
        assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
        rsdk_pipeline_set_transaction(p, true);
        QUEUE(p, "SET", "fu:k", "mine");
        assert_int_equal(rsdk_txn_watch(c, KEYS, 1), RSDK_OK);
        rsdk_test_alloc_fail_nth(n);
        rsdk_status s = rsdk_pipeline_exec(p);
        rsdk_test_alloc_fail_nth(0);
        bool refused = rsdk_test_alloc_refused() != 0;
        if (s == RSDK_ERR_NOMEM && !rsdk_client_broken(c)) {
            nomem++;
            assert_server_forgot_watch(c, o, p);
        }
        rsdk_pipeline_free(p);
        rsdk_client_close(o);
        rsdk_client_close(c);
        if (!refused) break; /* the exec needs fewer allocations */
    }
    rsdk_test_alloc_remove();
    assert_true(nomem > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_failure_in_watch_run),
        cmocka_unit_test(test_nomem_exec_after_watch),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
