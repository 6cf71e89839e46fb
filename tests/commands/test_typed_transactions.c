/* Transactions with typed commands, on RESP2 and RESP3:
 *   - a transaction pipeline: X_queue wrappers, one write, and each
 *     command's result read from EXEC's array with its X_decode (HGETALL a
 *     MAP on both protocols);
 *   - interactive rcore_multi / rcore_exec, with commands queued through
 *     their generated encoders (the server answers QUEUED) and EXEC's
 *     array decoded element by element;
 *   - WATCH: a key changed by another client makes EXEC answer nil;
 *   - DISCARD, and EXECABORT when a queued command is refused. */
#include "rsdk/txn.h"
#include "typed_common.h"

static void pipeline_txn(rsdk_client *c, int proto) {
    (void)proto;
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_non_null(p);
    assert_int_equal(rsdk_pipeline_set_transaction(p, true), RSDK_OK);
    rsdk_error err;
    assert_int_equal(rcore_set_queue(p, "m:k", "1", &(rcore_set_opts){.get = true}, &err), RSDK_OK);
    assert_int_equal(rcore_incrby_queue(p, "m:k", 41, &err), RSDK_OK);
    rcore_hset_data f[] = {{RSDK_S("a"), RSDK_S("x")}};
    assert_int_equal(rcore_hset_queue(p, "m:h", f, 1, &err), RSDK_OK);
    assert_int_equal(rcore_hgetall_queue(p, "m:h", &err), RSDK_OK);
    assert_int_equal(rcore_incr_queue(p, "m:h", &err), RSDK_OK); /* fails at run time: WRONGTYPE */
    assert_int_equal(rsdk_pipeline_count(p), 5);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    rsdk_string old;
    assert_int_equal(rcore_set_decode(rsdk_pipeline_reply(p, 0), &old, NULL), RSDK_OK);
    assert_true(old.nil);
    int64_t n = 0;
    assert_int_equal(rcore_incrby_decode(rsdk_pipeline_reply(p, 1), &n, NULL), RSDK_OK);
    assert_int_equal(n, 42);
    assert_int_equal(rcore_hset_decode(rsdk_pipeline_reply(p, 2), &n, NULL), RSDK_OK);
    assert_int_equal(n, 1);
    rsdk_pairs all;
    assert_int_equal(rcore_hgetall_decode(rsdk_pipeline_reply(p, 3), &all, NULL), RSDK_OK);
    assert_null(all.owner); /* borrowed from the transaction's EXEC reply */
    tc_assert_pairs(&all, 1, "a", "x");
    n = 7;
    assert_int_equal(rcore_incr_decode(rsdk_pipeline_reply(p, 4), &n, NULL), RSDK_ERR_WRONGTYPE);
    assert_int_equal(n, 7);
    rsdk_pipeline_free(p);
    assert_false(rsdk_client_in_multi(c));
}

static void interactive(rsdk_client *c, int proto) {
    (void)proto;
    OK(rcore_multi(c));
    rsdk_buf b;
    rsdk_buf_init(&b);
    assert_int_equal(rcore_incrby_encode(&b, "m:n", 5, NULL), RSDK_OK);
    assert_int_equal(rcore_zadd_encode(&b, "m:z", (rcore_zadd_data[]){{2.5, RSDK_S("m")}}, 1, NULL, NULL), RSDK_OK);
    assert_int_equal(rcore_zscore_encode(&b, "m:z", "m", NULL), RSDK_OK);
    rsdk_reply *queued[3] = {NULL, NULL, NULL};
    OK(rsdk_client_send_encoded(c, &b, 3, queued));
    for (int i = 0; i < 3; i++) {
        assert_int_equal(queued[i]->type, RSDK_REPLY_STATUS);
        assert_string_equal(queued[i]->str, "QUEUED");
        rsdk_reply_free(queued[i]);
    }
    rsdk_buf_deinit(&b);
    rsdk_reply *r = NULL;
    OK(rcore_exec(c, &r));
    assert_int_equal(r->elements, 3);
    int64_t n = 0;
    assert_int_equal(rcore_incrby_decode(&r->element[0], &n, NULL), RSDK_OK);
    assert_int_equal(n, 5);
    rsdk_double_or_nil sc;
    assert_int_equal(rcore_zscore_decode(&r->element[2], &sc, NULL), RSDK_OK); /* "2.5" on RESP2, a double on RESP3 */
    assert_true(sc.value == 2.5);
    rsdk_reply_free(r);
    /* DISCARD drops what was queued */
    OK(rcore_multi(c));
    rsdk_reply *q = NULL;
    OK(rsdk_client_command(c, &q, "INCR", "m:n", NULL));
    rsdk_reply_free(q);
    OK(rcore_discard(c));
    rsdk_string v;
    OK(rcore_get(c, "m:n", &v));
    tc_assert_string(&v, "5");
    rsdk_string_deinit(&v);
    FAILS(RSDK_ERR_RESPONSE, rcore_exec(c, &r)); /* ERR EXEC without MULTI */
}

static void watch(rsdk_client *c, int proto) {
    OK(rcore_set(c, "m:w", "1", NULL, NULL));
    OK(rcore_watch(c, (rsdk_str[]){RSDK_S("m:w")}, 1));
    /* another connection changes the watched key */
    rsdk_client *other = rsdk_test_client(tc_server(), proto, false);
    OK(rcore_set(other, "m:w", "2", NULL, NULL));
    rsdk_client_close(other);
    OK(rcore_multi(c));
    rsdk_reply *q = NULL;
    OK(rsdk_client_command(c, &q, "SET", "m:w", "3", NULL));
    rsdk_reply_free(q);
    rsdk_reply *r = NULL;
    /* EXEC answers nil (RESP2 *-1, RESP3 _): the typed call gives a NIL tree */
    OK(rcore_exec(c, &r));
    assert_int_equal(r->type, RSDK_REPLY_NIL);
    rsdk_reply_free(r);
    rsdk_string v;
    OK(rcore_get(c, "m:w", &v));
    tc_assert_string(&v, "2");
    rsdk_string_deinit(&v);
    OK(rcore_unwatch(c));
    /* EXECABORT: a command refused while queueing dooms the EXEC */
    OK(rcore_multi(c));
    FAILS(RSDK_ERR_RESPONSE, rsdk_client_command(c, &q, "SET", "m:w", NULL));
    FAILS(RSDK_ERR_EXECABORT, rcore_exec(c, &r));
}

static void transaction_pipeline_with_typed_decoders(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, pipeline_txn);
}
static void multi_exec_with_encoded_commands(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, interactive);
}
static void watch_conflict_and_execabort(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, watch);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(transaction_pipeline_with_typed_decoders),
        cmocka_unit_test(multi_exec_with_encoded_commands),
        cmocka_unit_test(watch_conflict_and_execabort),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
