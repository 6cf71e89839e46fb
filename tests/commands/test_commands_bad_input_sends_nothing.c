/* Bad input to generated calls, on RESP2 and RESP3: a NULL required
 * argument, a NULL array with a count, an empty required array, a NULL
 * inside an array element, a choice set to no valid value (the C form of a
 * forbidden option combination: a oneof can hold one choice only), and
 * arrays whose counts must match but do not. Each is RSDK_ERR_INVALID_ARG
 * with a message naming the argument by its C path, and nothing reaches
 * the server: its total_commands_processed, read on a second connection,
 * moves only by that reading itself, the connection stays usable and
 * answers the next command correctly, and queue wrappers leave the
 * pipeline (and a transaction) exactly as it was. */
#include <stdlib.h>

#include "rsdk/txn.h"
#include "typed_common.h"

#define BAD(call, want)                                                            \
    do {                                                                              \
        FAILS(RSDK_ERR_INVALID_ARG, call);                                            \
        assert_string_equal(rsdk_client_error(c)->message, want);                    \
        assert_int_equal(rsdk_client_error(c)->code, RSDK_ERR_INVALID_ARG);           \
        assert_false(rsdk_client_broken(c));                                          \
        bad++;                                                                        \
    } while (0)

static void sync_calls(rsdk_client *c, int proto) {
    rsdk_client *observer = rsdk_test_client(tc_server(), proto, false);
    OK(rcore_set(c, "b:k", "v", NULL, NULL));
    int64_t before = tc_commands_processed(observer);
    size_t bad = 0;
    rsdk_string v = {"untouched", 9, false, NULL};
    int64_t n = 77;
    rsdk_reply *r = NULL;
    rsdk_int_or_double za = {77, 0, false, false};
    rsdk_streams xs = {NULL, NULL, NULL, 77, false, false};

    BAD(rcore_get(c, rsdk_str_n(NULL, 3), &v), "GET: key: NULL pointer with non-zero length");
    BAD(rcore_set(c, "b:k", rsdk_str_n(NULL, 1), NULL, &v), "SET: value: NULL pointer with non-zero length");
    BAD(rcore_del(c, NULL, 2, &n), "DEL: key: NULL array with non-zero count");
    BAD(rcore_mset(c, NULL, 0), "MSET: data: needs at least one element");
    BAD(rcore_zadd(c, "b:z", (rcore_zadd_data[]){{1, RSDK_S("a")}, {2, rsdk_str_n(NULL, 1)}}, 2, NULL, &za),
        "ZADD: data[].member: NULL pointer with non-zero length");
    /* a choice outside its enum: NX and XX at once cannot be written, this
     * is what a corrupted or mis-cast option looks like */
    BAD(rcore_set(c, "b:k", "v", &(rcore_set_opts){.condition = {.kind = (rcore_set_condition_kind)42}}, &v),
        "SET: condition: no valid choice");
    BAD(rcore_bitop(c, RCORE_BITOP_OPERATION_UNSET, "b:d", (rsdk_str[]){RSDK_S("b:k")}, 1, &n),
        "BITOP: operation: no valid choice");
    BAD(rcore_getex(c, "b:k", &(rcore_getex_opts){.expiration = {.kind = (rcore_getex_expiration_kind)-1}}, &v),
        "GETEX: expiration: no valid choice");
    /* counts that must match */
    BAD(rcore_xread(c, (rcore_xread_streams){(rsdk_str[]){RSDK_S("s1"), RSDK_S("s2")}, 2, (rsdk_str[]){RSDK_S("0")}, 1},
                    NULL, &xs),
        "XREAD: streams.id: 1 elements, but streams.key has 2");
    BAD(rcore_zunionstore(c, "b:u", (rsdk_str[]){RSDK_S("z1"), RSDK_S("z2")}, 2,
                          &(rcore_zunionstore_opts){.weight = (double[]){1, 2, 3}, .weight_count = 3}, &n),
        "ZUNIONSTORE: weight: 3 elements, but key has 2");
    BAD(rcore_eval(c, "return 1", &(rcore_eval_opts){.key = NULL, .key_count = 1}, &r),
        "EVAL: key: NULL array with non-zero count");

    /* out-parameters untouched */
    assert_string_equal(v.ptr, "untouched");
    assert_int_equal(n, 77);
    assert_null(r);
    assert_int_equal(za.integer, 77);
    assert_int_equal(xs.count, 77);
    /* nothing reached the server: only the observer's own INFO counted */
    int64_t after = tc_commands_processed(observer);
    assert_int_equal(after - before, 1);
    printf("RESP%d: %zu bad calls, server commands processed meanwhile: %lld (the observer's INFO)\n", proto, bad,
           (long long)(after - before));
    /* and the connection answers the next command with its own reply */
    OK(rcore_get(c, "b:k", &v));
    tc_assert_string(&v, "v");
    rsdk_string_deinit(&v);
    rsdk_client_close(observer);
}

static void queued(rsdk_client *c, int proto) {
    (void)proto;
    for (int txn = 0; txn <= 1; txn++) {
        rsdk_pipeline *p = NULL;
        assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
        assert_int_equal(rsdk_pipeline_set_transaction(p, txn == 1), RSDK_OK);
        rsdk_error err;
        assert_int_equal(rcore_set_queue(p, "b:q", "1", NULL, &err), RSDK_OK);
        assert_int_equal(rcore_incr_queue(p, rsdk_str_n(NULL, 4), &err), RSDK_ERR_INVALID_ARG);
        assert_string_equal(err.message, "INCR: key: NULL pointer with non-zero length");
        assert_int_equal(rcore_xread_queue(p, (rcore_xread_streams){(rsdk_str[]){RSDK_S("s")}, 1, NULL, 0}, NULL, &err),
                         RSDK_ERR_INVALID_ARG);
        assert_int_equal(rcore_incr_queue(p, "b:q", &err), RSDK_OK);
        assert_int_equal(rsdk_pipeline_count(p), 2); /* the refused ones left no trace */
        assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
        int64_t n = 0;
        assert_int_equal(rcore_incr_decode(rsdk_pipeline_reply(p, 1), &n, NULL), RSDK_OK);
        assert_int_equal(n, 2);
        rsdk_pipeline_free(p);
    }
    /* the encoder leaves the buffer as it was */
    rsdk_buf b;
    rsdk_buf_init(&b);
    assert_int_equal(rcore_ping_encode(&b, NULL, NULL), RSDK_OK);
    size_t len = b.len;
    rsdk_error err;
    assert_int_equal(rcore_hset_encode(&b, "h", (rcore_hset_data[]){{rsdk_str_n(NULL, 1), RSDK_S("v")}}, 1, &err),
                     RSDK_ERR_INVALID_ARG);
    assert_string_equal(err.message, "HSET: data[].field: NULL pointer with non-zero length");
    assert_int_equal(b.len, len);
    rsdk_buf_deinit(&b);
}

static void invalid_arguments_are_refused_before_sending(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, sync_calls);
}
static void invalid_arguments_leave_pipelines_and_buffers_as_they_were(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, queued);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(invalid_arguments_are_refused_before_sending),
        cmocka_unit_test(invalid_arguments_leave_pipelines_and_buffers_as_they_were),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
