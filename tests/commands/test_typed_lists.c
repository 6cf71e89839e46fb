/* List commands through their typed calls, on RESP2 and RESP3: pushes,
 * ranges, LPOP with and without COUNT, LINSERT/LPOS/LSET, LMOVE/LMPOP and
 * the blocking forms with a 10 ms timeout (nil when nothing arrives). */
#include "typed_common.h"

static void push_and_read(rsdk_client *c, int proto) {
    (void)proto;
    int64_t n = 0;
    OK(rcore_rpush(c, "l:a", (rsdk_str[]){RSDK_S("b"), RSDK_S("c"), RSDK_S("d")}, 3, &n));
    assert_int_equal(n, 3);
    OK(rcore_lpush(c, "l:a", (rsdk_str[]){RSDK_S("a")}, 1, &n));
    assert_int_equal(n, 4);
    OK(rcore_rpushx(c, "l:none", (rsdk_str[]){RSDK_S("x")}, 1, &n));
    assert_int_equal(n, 0);
    rsdk_strings l;
    OK(rcore_lrange(c, "l:a", 0, -1, &l));
    tc_assert_list(&l, 4, "a", "b", "c", "d");
    assert_ptr_equal(l.reply, l.owner); /* the sync call hands the reply over with the view */
    assert_ptr_equal(l.item, &l.reply->element[0]); /* items are the reply's own nodes */
    rsdk_strings_deinit(&l);
    assert_null(l.owner);
    OK(rcore_llen(c, "l:a", &n));
    assert_int_equal(n, 4);
    rsdk_string v;
    OK(rcore_lindex(c, "l:a", -1, &v));
    tc_assert_string(&v, "d");
    rsdk_string_deinit(&v);
    OK(rcore_lindex(c, "l:a", 99, &v));
    assert_true(v.nil);
    rsdk_string_deinit(&v);
    OK(rcore_lset(c, "l:a", 1, "B"));
    FAILS(RSDK_ERR_RESPONSE, rcore_lset(c, "l:a", 99, "x")); /* ERR index out of range */
    OK(rcore_linsert(c, "l:a", RCORE_LINSERT_WHERE_AFTER, "B", "b2", &n));
    assert_int_equal(n, 5);
    rsdk_ints pos;
    OK(rcore_lpos(c, "l:a", "c", NULL, &pos)); /* one position: a list of one */
    tc_assert_ints(&pos, 1, (int64_t)3);
    rsdk_ints_deinit(&pos);
    OK(rcore_lpos(c, "l:a", "zz", NULL, &pos)); /* no match: empty, nil */
    assert_true(pos.nil);
    assert_int_equal(pos.count, 0);
    rsdk_ints_deinit(&pos);
    OK(rcore_rpush(c, "l:a", (rsdk_str[]){RSDK_S("c")}, 1, NULL));
    OK(rcore_lpos(c, "l:a", "c", &(rcore_lpos_opts){.has_num_matches = true, .num_matches = 0}, &pos));
    assert_false(pos.nil);
    tc_assert_ints(&pos, 2, (int64_t)3, (int64_t)5);
    rsdk_ints_deinit(&pos);
    OK(rcore_lrem(c, "l:a", 0, "c", &n));
    assert_int_equal(n, 2);
    OK(rcore_ltrim(c, "l:a", 0, 2));
    OK(rcore_lrange(c, "l:a", 0, -1, &l));
    tc_assert_list(&l, 3, "a", "B", "b2");
    rsdk_strings_deinit(&l);
}

static void pops(rsdk_client *c, int proto) {
    (void)proto;
    OK(rcore_rpush(c, "l:p", (rsdk_str[]){RSDK_S("1"), RSDK_S("2"), RSDK_S("3"), RSDK_S("4")}, 4, NULL));
    rsdk_strings r;
    OK(rcore_lpop(c, "l:p", NULL, &r)); /* one element: a list of one */
    assert_false(r.nil);
    tc_assert_list(&r, 1, "1");
    rsdk_strings_deinit(&r);
    OK(rcore_rpop(c, "l:p", &(rcore_rpop_opts){.has_count = true, .count = 2}, &r)); /* COUNT: an array */
    tc_assert_list(&r, 2, "4", "3");
    rsdk_strings_deinit(&r);
    rsdk_string v;
    OK(rcore_lmove(c, "l:p", "l:q", RCORE_LMOVE_WHEREFROM_LEFT, RCORE_LMOVE_WHERETO_RIGHT, &v));
    tc_assert_string(&v, "2");
    rsdk_string_deinit(&v);
    OK(rcore_lpop(c, "l:p", NULL, &r)); /* empty now: nil */
    assert_true(r.nil);
    assert_int_equal(r.count, 0);
    rsdk_strings_deinit(&r);
    OK(rcore_rpush(c, "l:m", (rsdk_str[]){RSDK_S("x"), RSDK_S("y")}, 2, NULL));
    OK(rcore_lmpop(c, (rsdk_str[]){RSDK_S("l:none"), RSDK_S("l:m")}, 2, RCORE_LMPOP_WHERE_RIGHT,
                   &(rcore_lmpop_opts){.has_count = true, .count = 5}, &r));
    /* [key, [elements...]]: the key, and the elements as the items */
    assert_int_equal(r.key.len, 3);
    assert_memory_equal(r.key.ptr, "l:m", 3);
    tc_assert_list(&r, 2, "y", "x");
    rsdk_strings_deinit(&r);
}

static void blocking(rsdk_client *c, int proto) {
    (void)proto;
    rsdk_strings r;
    OK(rcore_blpop(c, (rsdk_str[]){RSDK_S("l:empty")}, 1, 0.01, &r));
    assert_true(r.nil);
    rsdk_strings_deinit(&r);
    OK(rcore_rpush(c, "l:b", (rsdk_str[]){RSDK_S("v")}, 1, NULL));
    OK(rcore_brpop(c, (rsdk_str[]){RSDK_S("l:empty"), RSDK_S("l:b")}, 2, 0.01, &r));
    tc_assert_list(&r, 2, "l:b", "v");
    rsdk_strings_deinit(&r);
    OK(rcore_blmpop(c, 0.01, (rsdk_str[]){RSDK_S("l:empty")}, 1, RCORE_BLMPOP_WHERE_LEFT, NULL, &r));
    assert_true(r.nil);
    rsdk_strings_deinit(&r);
}

static void push_range_insert_pos(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, push_and_read);
}
static void pops_with_and_without_count(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, pops);
}
static void blocking_pops_time_out_to_nil(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, blocking);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(push_range_insert_pos),
        cmocka_unit_test(pops_with_and_without_count),
        cmocka_unit_test(blocking_pops_time_out_to_nil),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
