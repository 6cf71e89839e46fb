/* HyperLogLog commands through their typed calls, on RESP2 and RESP3: PFADD
 * as a boolean (changed or not), PFCOUNT over one and several keys, PFMERGE
 * with and without sources. */
#include "typed_common.h"

static void hll(rsdk_client *c, int proto) {
    (void)proto;
    bool changed = false;
    rsdk_str a[] = {RSDK_S("a"), RSDK_S("b"), RSDK_S("c")};
    OK(rcore_pfadd(c, "p:1", &(rcore_pfadd_opts){a, 3}, &changed));
    assert_true(changed);
    OK(rcore_pfadd(c, "p:1", &(rcore_pfadd_opts){a, 2}, &changed));
    assert_false(changed);
    OK(rcore_pfadd(c, "p:empty", NULL, &changed)); /* creates an empty HLL */
    assert_true(changed);
    rsdk_str b[] = {RSDK_S("c"), RSDK_S("d")};
    OK(rcore_pfadd(c, "p:2", &(rcore_pfadd_opts){b, 2}, NULL));
    int64_t n = 0;
    OK(rcore_pfcount(c, (rsdk_str[]){RSDK_S("p:1")}, 1, &n));
    assert_int_equal(n, 3);
    OK(rcore_pfcount(c, (rsdk_str[]){RSDK_S("p:1"), RSDK_S("p:2")}, 2, &n));
    assert_int_equal(n, 4);
    OK(rcore_pfmerge(c, "p:m", &(rcore_pfmerge_opts){(rsdk_str[]){RSDK_S("p:1"), RSDK_S("p:2")}, 2}));
    OK(rcore_pfcount(c, (rsdk_str[]){RSDK_S("p:m")}, 1, &n));
    assert_int_equal(n, 4);
    OK(rcore_pfmerge(c, "p:alone", NULL));
    OK(rcore_pfcount(c, (rsdk_str[]){RSDK_S("p:alone")}, 1, &n));
    assert_int_equal(n, 0);
    OK(rcore_set(c, "p:str", "x", NULL, NULL));
    FAILS(RSDK_ERR_WRONGTYPE, rcore_pfcount(c, (rsdk_str[]){RSDK_S("p:str")}, 1, &n));
}

static void pfadd_pfcount_pfmerge(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, hll);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pfadd_pfcount_pfmerge),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
