/* Set commands through their typed calls, on RESP2 and RESP3: RESP3 sets
 * come back as arrays like RESP2's, SMISMEMBER's 0/1 list, algebra and
 * cardinality, SPOP/SRANDMEMBER with and without COUNT. */
#include "typed_common.h"

static void members(rsdk_client *c, int proto) {
    (void)proto;
    int64_t n = 0;
    OK(rcore_sadd(c, "t:a", (rsdk_str[]){RSDK_S("x"), RSDK_S("y"), RSDK_S("z"), RSDK_S("x")}, 4, &n));
    assert_int_equal(n, 3);
    OK(rcore_sadd(c, "t:b", (rsdk_str[]){RSDK_S("y"), RSDK_S("w")}, 2, &n));
    rsdk_strings v;
    OK(rcore_smembers(c, "t:a", &v));
    tc_assert_list_set(&v, 3, "x", "y", "z"); /* a RESP3 set arrives as an array */
    rsdk_strings_deinit(&v);
    bool b = false;
    OK(rcore_sismember(c, "t:a", "y", &b));
    assert_true(b);
    rsdk_bools yes;
    OK(rcore_smismember(c, "t:a", (rsdk_str[]){RSDK_S("x"), RSDK_S("q")}, 2, &yes));
    assert_int_equal(yes.count, 2);
    assert_true(rsdk_bools_at(&yes, 0));
    assert_false(rsdk_bools_at(&yes, 1));
    rsdk_bools_deinit(&yes);
    OK(rcore_scard(c, "t:a", &n));
    assert_int_equal(n, 3);
    rsdk_str ab[] = {RSDK_S("t:a"), RSDK_S("t:b")};
    OK(rcore_sinter(c, ab, 2, &v));
    tc_assert_list(&v, 1, "y");
    rsdk_strings_deinit(&v);
    OK(rcore_sunion(c, ab, 2, &v));
    tc_assert_list_set(&v, 4, "x", "y", "z", "w");
    rsdk_strings_deinit(&v);
    OK(rcore_sdiff(c, ab, 2, &v));
    tc_assert_list_set(&v, 2, "x", "z");
    rsdk_strings_deinit(&v);
    OK(rcore_sintercard(c, ab, 2, &(rcore_sintercard_opts){.has_limit = true, .limit = 1}, &n));
    assert_int_equal(n, 1);
    OK(rcore_sunionstore(c, "t:u", ab, 2, &n));
    assert_int_equal(n, 4);
    OK(rcore_smove(c, "t:a", "t:b", "z", &b));
    assert_true(b);
    OK(rcore_srem(c, "t:b", (rsdk_str[]){RSDK_S("z"), RSDK_S("none")}, 2, &n));
    assert_int_equal(n, 1);
}

static void random_members(rsdk_client *c, int proto) {
    (void)proto;
    OK(rcore_sadd(c, "t:r", (rsdk_str[]){RSDK_S("1"), RSDK_S("2"), RSDK_S("3")}, 3, NULL));
    rsdk_strings r;
    OK(rcore_srandmember(c, "t:r", NULL, &r)); /* one: a list of one */
    assert_int_equal(r.count, 1);
    assert_false(rsdk_strings_at(&r, 0).nil);
    rsdk_strings_deinit(&r);
    OK(rcore_srandmember(c, "t:r", &(rcore_srandmember_opts){.has_count = true, .count = -5}, &r));
    assert_int_equal(r.count, 5); /* negative count: repeats allowed */
    for (size_t i = 0; i < r.count; i++) assert_int_equal(rsdk_strings_at(&r, i).len, 1);
    rsdk_strings_deinit(&r);
    OK(rcore_spop(c, "t:r", &(rcore_spop_opts){.has_count = true, .count = 2}, &r));
    assert_int_equal(r.count, 2); /* a RESP3 set, normalised */
    rsdk_strings_deinit(&r);
    OK(rcore_spop(c, "t:r", NULL, &r));
    assert_int_equal(r.count, 1);
    assert_false(r.nil);
    rsdk_strings_deinit(&r);
    OK(rcore_spop(c, "t:r", NULL, &r));
    assert_true(r.nil);
    assert_int_equal(r.count, 0);
    rsdk_strings_deinit(&r);
}

static void set_members_and_algebra(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, members);
}
static void random_members_and_pops(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, random_members);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_members_and_algebra),
        cmocka_unit_test(random_members_and_pops),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
