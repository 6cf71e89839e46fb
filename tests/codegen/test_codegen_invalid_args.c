/* Bad input at run time: the encoder rejects it with RSDK_ERR_INVALID_ARG,
 * names the argument in the error, and writes nothing (queue wrappers leave
 * the pipeline untouched, sync calls send nothing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/fix.h"

static rsdk_buf buf;
static rsdk_error err;

static int setup(void **st) {
    (void)st;
    rsdk_buf_init(&buf);
    rsdk_error_clear(&err);
    /* something queued before: must survive a rejected encode */
    assert_int_equal(rfix_info_encode(&buf, "before", NULL), RSDK_OK);
    return 0;
}

static int teardown(void **st) {
    (void)st;
    rsdk_buf_deinit(&buf);
    return 0;
}

static size_t before_len(void) { return strlen("*2\r\n$8\r\nTST.INFO\r\n$6\r\nbefore\r\n"); }

static void assert_rejected(rsdk_status s, const char *msg) {
    assert_int_equal(s, RSDK_ERR_INVALID_ARG);
    assert_int_equal(err.code, RSDK_ERR_INVALID_ARG);
    assert_string_equal(err.message, msg);
    assert_int_equal(buf.len, before_len());
    assert_int_equal(buf.failed, RSDK_OK);
}

static void null_data_with_length_names_the_argument(void **st) {
    (void)st;
    assert_rejected(rfix_strs_encode(&buf, "k", rsdk_str_n(NULL, 3), "p", &err),
                    "STRS: value: NULL pointer with non-zero length");
}

static void null_data_inside_a_struct_names_the_path(void **st) {
    (void)st;
    rfix_pairs_member m[] = {{1, RSDK_S("a")}, {2, {NULL, 1}}};
    assert_rejected(rfix_pairs_encode(&buf, "z", m, 2, &err),
                    "PAIRS: data[].member: NULL pointer with non-zero length");
    rfix_choose_opts o = {.expiration = {.kind = RFIX_CHOOSE_EXPIRATION_LABEL, .label = {NULL, 2}}};
    assert_rejected(rfix_choose_encode(&buf, "k", RFIX_CHOOSE_OP_OR, &o, &err),
                    "CHOOSE: expiration.label: NULL pointer with non-zero length");
}

static void null_array_with_count_is_rejected(void **st) {
    (void)st;
    assert_rejected(rfix_numk_encode(&buf, NULL, 2, NULL, &err),
                    "NUMK: key: NULL array with non-zero count");
    rsdk_str k[] = {RSDK_S("a")};
    rfix_numk_opts o = {.get = NULL, .get_count = 1};
    assert_rejected(rfix_numk_encode(&buf, k, 1, &o, &err), "NUMK: get: NULL array with non-zero count");
}

static void empty_required_array_is_rejected(void **st) {
    (void)st;
    assert_rejected(rfix_numk_encode(&buf, NULL, 0, NULL, &err), "NUMK: key: needs at least one element");
    assert_rejected(rfix_pairs_encode(&buf, "z", NULL, 0, &err), "PAIRS: data: needs at least one element");
}

static void unset_or_unknown_choice_is_rejected(void **st) {
    (void)st;
    assert_rejected(rfix_choose_encode(&buf, "k", RFIX_CHOOSE_OP_UNSET, NULL, &err),
                    "CHOOSE: op: no valid choice");
    assert_rejected(rfix_choose_encode(&buf, "k", (rfix_choose_op)77, NULL, &err),
                    "CHOOSE: op: no valid choice");
    rfix_choose_opts o = {.condition = (rfix_choose_condition)9};
    assert_rejected(rfix_choose_encode(&buf, "k", RFIX_CHOOSE_OP_OR, &o, &err),
                    "CHOOSE: condition: no valid choice");
    rfix_ops_operation ops[] = {{.kind = RFIX_OPS_OPERATION_UNSET}};
    assert_rejected(rfix_ops_encode(&buf, "k", ops, 1, &err), "OPS: operation[]: no valid choice");
}

static void mismatched_counts_are_rejected(void **st) {
    (void)st;
    rsdk_str k[] = {RSDK_S("a"), RSDK_S("b")};
    double w[] = {1, 2, 3};
    rfix_numk_opts o = {.weight = w, .weight_count = 3};
    assert_rejected(rfix_numk_encode(&buf, k, 2, &o, &err),
                    "NUMK: weight: 3 elements, but key has 2");
    o.weight_count = 0; /* optional: leaving it out is fine */
    assert_int_equal(rfix_numk_encode(&buf, k, 2, &o, &err), RSDK_OK);
}

static void err_may_be_null(void **st) {
    (void)st;
    assert_int_equal(rfix_strs_encode(&buf, "k", rsdk_str_n(NULL, 3), "p", NULL), RSDK_ERR_INVALID_ARG);
    assert_int_equal(buf.len, before_len());
}

static void null_buffer_and_failed_buffer_are_reported(void **st) {
    (void)st;
    assert_int_equal(rfix_info_encode(NULL, "k", &err), RSDK_ERR_INVALID_ARG);
    assert_string_equal(err.message, "TST.INFO: NULL output buffer");
    buf.failed = RSDK_ERR_NOMEM;
    assert_int_equal(rfix_info_encode(&buf, "k", &err), RSDK_ERR_NOMEM);
    assert_int_equal(buf.len, before_len());
    buf.failed = RSDK_OK;
}

static void queue_on_null_pipeline_is_rejected(void **st) {
    (void)st;
    assert_int_equal(rfix_info_queue(NULL, "k", &err), RSDK_ERR_INVALID_ARG);
    assert_string_equal(err.message, "TST.INFO: NULL pipeline");
}

static void sync_call_on_null_client_is_rejected(void **st) {
    (void)st;
    rsdk_string out = {0};
    assert_int_equal(rfix_strs(NULL, "k", "v", "p", &out), RSDK_ERR_INVALID_ARG);
    assert_null(out.ptr);
}

int main(void) {
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(null_data_with_length_names_the_argument),
        T(null_data_inside_a_struct_names_the_path),
        T(null_array_with_count_is_rejected),
        T(empty_required_array_is_rejected),
        T(unset_or_unknown_choice_is_rejected),
        T(mismatched_counts_are_rejected),
        T(err_may_be_null),
        T(null_buffer_and_failed_buffer_are_reported),
        T(queue_on_null_pipeline_is_rejected),
        T(sync_call_on_null_client_is_rejected),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
