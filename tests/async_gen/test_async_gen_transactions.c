/* Async transactions: MULTI, the commands and EXEC as one unit with one
 * callback, on RESP2 and RESP3; the results read with the generated
 * decoders; a run-time error stays in its command's place; a command
 * refused while queueing gives RSDK_ERR_EXECABORT and a changed WATCHed key
 * RSDK_ERR_TXN_ABORTED, with nothing run, as the sync transaction maps
 * them; bad input is refused without a callback. */
#include <stdio.h>

#include "agen.h"
#include "rsdk/async_txn.h"
#include "rsdk/core.h"

#define OK(x) assert_int_equal((x), RSDK_OK)

typedef struct outcome {
    int calls;
    rsdk_status st;
    size_t n;
    char msg[256];
    int64_t incr;        /* result 1 through rcore_incr_decode */
    char got[16];        /* result 2 through rcore_get_decode */
    rsdk_status decode2; /* result 1's decode status when it is an error */
} outcome;

static void on_exec(rsdk_async *a, rsdk_status st, rsdk_reply *res, size_t n,
                    const rsdk_error *err, void *ud) {
    (void)a;
    outcome *o = ud;
    o->calls++;
    o->st = st;
    o->n = n;
    if (st != RSDK_OK) {
        assert_null(res);
        assert_non_null(err);
        snprintf(o->msg, sizeof o->msg, "%s", err->message);
        return;
    }
    assert_null(err);
    rsdk_error e;
    o->decode2 = rcore_incr_decode(&res[1], &o->incr, &e);
    rsdk_string s;
    if (n > 2 && rcore_get_decode(&res[2], &s, &e) == RSDK_OK && !s.nil)
        snprintf(o->got, sizeof o->got, "%.*s", (int)s.len, s.ptr);
}

static bool done(void *ud) { return ((outcome *)ud)->calls > 0; }

static void wait_for(ag_env *e, outcome *o) {
    assert_true(rsdk_test_loop_run_until(e->l, done, o, 5000));
    assert_int_equal(o->calls, 1);
}

static void run(rsdk_test_server *srv, int protocol) {
    ag_env e;
    ag_open(&e, srv, protocol);
    ag_do(&e, "DEL", "t:k", "t:n", "t:w", NULL);
    rsdk_async_txn *t;
    rsdk_error err;
    OK(rsdk_async_txn_new(&t));

    /* SET, INCR, GET: one unit, typed results */
    OK(rsdk_async_txn_add(t, rcore_set_encode(rsdk_async_txn_buf(t), "t:k", "v", NULL, &err)));
    OK(rsdk_async_txn_add(t, rcore_incr_encode(rsdk_async_txn_buf(t), "t:n", &err)));
    OK(rsdk_async_txn_add(t, rcore_get_encode(rsdk_async_txn_buf(t), "t:k", &err)));
    assert_int_equal(rsdk_async_txn_count(t), 3);
    outcome o = {0};
    OK(rsdk_async_txn_exec(e.a, t, on_exec, &o));
    assert_int_equal(rsdk_async_txn_count(t), 0); /* emptied, reusable */
    wait_for(&e, &o);
    assert_int_equal(o.st, RSDK_OK);
    assert_int_equal(o.n, 3);
    assert_int_equal(o.incr, 1);
    assert_string_equal(o.got, "v");

    /* a run-time error stays in its place; the others ran */
    OK(rsdk_async_txn_add_argv(t, 3, (const char *const[]){"SET", "t:n", "text"}, NULL));
    OK(rsdk_async_txn_add(t, rcore_incr_encode(rsdk_async_txn_buf(t), "t:n", &err)));
    memset(&o, 0, sizeof o);
    OK(rsdk_async_txn_exec(e.a, t, on_exec, &o));
    wait_for(&e, &o);
    assert_int_equal(o.st, RSDK_OK);
    assert_int_equal(o.n, 2);
    assert_int_not_equal(o.decode2, RSDK_OK); /* INCR on text: its ERROR node */

    /* refused while queueing: EXECABORT, nothing ran */
    OK(rsdk_async_txn_add(t, rcore_set_encode(rsdk_async_txn_buf(t), "t:w", "1", NULL, &err)));
    OK(rsdk_async_txn_add_argv(t, 1, (const char *const[]){"NOSUCHCOMMAND"}, NULL));
    memset(&o, 0, sizeof o);
    OK(rsdk_async_txn_exec(e.a, t, on_exec, &o));
    wait_for(&e, &o);
    assert_int_equal(o.st, RSDK_ERR_EXECABORT);
    assert_int_equal(o.n, 0);
    assert_non_null(strstr(o.msg, "EXECABORT"));
    rsdk_string w;
    OK(rcore_get(e.c, "t:w", &w));
    assert_true(w.nil);
    rsdk_string_deinit(&w);

    /* a WATCHed key changed: EXEC answers nil, nothing ran */
    ag_slot ws = {0};
    OK(rcore_watch_async(e.a, (rsdk_str[]){RSDK_S("t:k")}, 1, ag_status, &ws));
    ag_wait(&e, &ws);
    ag_do(&e, "SET", "t:k", "changed", NULL);
    OK(rsdk_async_txn_add(t, rcore_set_encode(rsdk_async_txn_buf(t), "t:w", "1", NULL, &err)));
    memset(&o, 0, sizeof o);
    OK(rsdk_async_txn_exec(e.a, t, on_exec, &o));
    wait_for(&e, &o);
    assert_int_equal(o.st, RSDK_ERR_TXN_ABORTED);
    OK(rcore_get(e.c, "t:w", &w));
    assert_true(w.nil);
    rsdk_string_deinit(&w);

    rsdk_async_txn_free(t);
    ag_close(&e);
}

RSDK_TEST_SERVER_CASE(test_txn_resp2, run, 2)
RSDK_TEST_SERVER_CASE(test_txn_resp3, run, 3)

static void bad_input_is_refused_without_a_callback(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    ag_env e;
    ag_open(&e, *state, 3);
    rsdk_async_txn *t;
    rsdk_error err;
    OK(rsdk_async_txn_new(&t));
    outcome o = {0};
    assert_int_equal(rsdk_async_txn_exec(e.a, t, on_exec, &o), RSDK_ERR_INVALID_ARG); /* empty */
    assert_non_null(strstr(rsdk_async_error(e.a)->message, "transaction"));
    /* a bad argument is not queued */
    assert_int_equal(rsdk_async_txn_add(t, rcore_get_encode(rsdk_async_txn_buf(t), rsdk_str_n(NULL, 2), &err)),
                     RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_txn_count(t), 0);
    OK(rsdk_async_txn_add(t, rcore_incr_encode(rsdk_async_txn_buf(t), "t:x", &err)));
    assert_int_equal(rsdk_async_txn_exec(e.a, t, NULL, &o), RSDK_ERR_INVALID_ARG); /* no callback */
    assert_int_equal(rsdk_async_txn_exec(NULL, t, on_exec, &o), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_txn_new(NULL), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_txn_add_argv(t, 0, NULL, NULL), RSDK_ERR_INVALID_ARG);
    assert_int_equal(o.calls, 0);
    assert_int_equal(rsdk_async_pending(e.a), 0);
    rsdk_async_txn_free(t);
    rsdk_async_txn_free(NULL);
    ag_close(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_txn_resp2),
        cmocka_unit_test(test_txn_resp3),
        cmocka_unit_test(bad_input_is_refused_without_a_callback),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
