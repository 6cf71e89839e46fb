/* Bitmap commands through their typed calls, on RESP2 and RESP3: SETBIT and
 * GETBIT as booleans, BITCOUNT and BITPOS with BYTE/BIT ranges, BITOP, and
 * BITFIELD with a mixed list of GET, SET, INCRBY and OVERFLOW operations. */
#include "typed_common.h"

static void bits(rsdk_client *c, int proto) {
    (void)proto;
    bool old = true;
    OK(rcore_setbit(c, "b:a", 7, 1, &old));
    assert_false(old);
    OK(rcore_setbit(c, "b:a", 7, 1, &old));
    assert_true(old);
    OK(rcore_setbit(c, "b:a", 12, 1, NULL));
    bool bit = false;
    OK(rcore_getbit(c, "b:a", 12, &bit));
    assert_true(bit);
    OK(rcore_getbit(c, "b:a", 1000, &bit));
    assert_false(bit);
    int64_t n = 0;
    OK(rcore_bitcount(c, "b:a", NULL, &n));
    assert_int_equal(n, 2);
    OK(rcore_bitcount(c, "b:a", &(rcore_bitcount_opts){.range = &(rcore_bitcount_range){8, 15, RCORE_BITCOUNT_UNIT_BIT}},
                      &n));
    assert_int_equal(n, 1);
    OK(rcore_bitcount(c, "b:a", &(rcore_bitcount_opts){.range = &(rcore_bitcount_range){.start = 0, .end = 0}}, &n));
    assert_int_equal(n, 1); /* byte 0 holds bit 7 */
    OK(rcore_bitpos(c, "b:a", 1, NULL, &n));
    assert_int_equal(n, 7);
    OK(rcore_bitpos(c, "b:a", 1,
                    &(rcore_bitpos_opts){.range = &(rcore_bitpos_range){
                                             .start = 8,
                                             .end_unit_block = &(rcore_bitpos_end_unit_block){
                                                 -1, RCORE_BITPOS_UNIT_BIT}}},
                    &n));
    assert_int_equal(n, 12);
    OK(rcore_setbit(c, "b:b", 7, 1, NULL));
    OK(rcore_bitop(c, RCORE_BITOP_OPERATION_AND, "b:and", (rsdk_str[]){RSDK_S("b:a"), RSDK_S("b:b")}, 2, &n));
    assert_int_equal(n, 2); /* the longest input's length */
    OK(rcore_bitcount(c, "b:and", NULL, &n));
    assert_int_equal(n, 1);
    FAILS(RSDK_ERR_INVALID_ARG, rcore_bitop(c, RCORE_BITOP_OPERATION_UNSET, "b:x", (rsdk_str[]){RSDK_S("b:a")}, 1, &n));
}

static void bitfield(rsdk_client *c, int proto) {
    (void)proto;
    rcore_bitfield_operation ops[] = {
        {.kind = RCORE_BITFIELD_OPERATION_WRITE,
         .write = {.write_operation = {.kind = RCORE_BITFIELD_WRITE_OPERATION_SET_BLOCK,
                                       .set_block = {RSDK_S("u8"), 0, 200}}}},
        {.kind = RCORE_BITFIELD_OPERATION_WRITE,
         .write = {.overflow_block = RCORE_BITFIELD_OVERFLOW_BLOCK_SAT,
                   .write_operation = {.kind = RCORE_BITFIELD_WRITE_OPERATION_INCRBY_BLOCK,
                                       .incrby_block = {RSDK_S("u8"), 0, 100}}}},
        {.kind = RCORE_BITFIELD_OPERATION_GET_BLOCK, .get_block = {RSDK_S("u4"), 0}},
    };
    rsdk_ints r;
    OK(rcore_bitfield(c, "b:f", &(rcore_bitfield_opts){ops, 3}, &r));
    tc_assert_ints(&r, 3, (int64_t)0, (int64_t)255, (int64_t)15); /* old value, saturated, read */
    rsdk_ints_deinit(&r);
    /* OVERFLOW FAIL: nil where the write would overflow */
    rcore_bitfield_operation fail[] = {
        {.kind = RCORE_BITFIELD_OPERATION_WRITE,
         .write = {.overflow_block = RCORE_BITFIELD_OVERFLOW_BLOCK_FAIL,
                   .write_operation = {.kind = RCORE_BITFIELD_WRITE_OPERATION_INCRBY_BLOCK,
                                       .incrby_block = {RSDK_S("u8"), 0, 1}}}},
    };
    OK(rcore_bitfield(c, "b:f", &(rcore_bitfield_opts){fail, 1}, &r));
    tc_assert_ints(&r, 1, TC_NIL);
    rsdk_ints_deinit(&r);
    OK(rcore_bitfield_ro(c, "b:f", &(rcore_bitfield_ro_opts){(rcore_bitfield_ro_get_block[]){{RSDK_S("i8"), 0}}, 1}, &r));
    tc_assert_ints(&r, 1, (int64_t)-1);
    rsdk_ints_deinit(&r);
}

static void setbit_getbit_count_pos_op(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, bits);
}
static void bitfield_operations_in_one_call(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, bitfield);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(setbit_getbit_count_pos_op),
        cmocka_unit_test(bitfield_operations_in_one_call),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
