/* Hash commands through their typed calls, on RESP2 and RESP3: HSET with a
 * field/value array, HGETALL as a MAP on both protocols, counters, HSCAN,
 * and field expiry (HEXPIRE/HTTL/HPERSIST) where the server has it. */
#include <stdlib.h>

#include "typed_common.h"

static void fields(rsdk_client *c, int proto) {
    (void)proto;
    rcore_hset_data f[] = {{RSDK_S("name"), RSDK_S("ann")}, {RSDK_S("age"), RSDK_S("41")}};
    int64_t n = 0;
    OK(rcore_hset(c, "h:u", f, 2, &n));
    assert_int_equal(n, 2);
    rsdk_string v;
    OK(rcore_hget(c, "h:u", "name", &v));
    tc_assert_string(&v, "ann");
    rsdk_string_deinit(&v);
    OK(rcore_hget(c, "h:u", "none", &v));
    assert_true(v.nil);
    rsdk_string_deinit(&v);
    bool b = false;
    OK(rcore_hsetnx(c, "h:u", "name", "bob", &b));
    assert_false(b);
    OK(rcore_hexists(c, "h:u", "age", &b));
    assert_true(b);
    OK(rcore_hstrlen(c, "h:u", "name", &n));
    assert_int_equal(n, 3);
    OK(rcore_hincrby(c, "h:u", "age", 1, &n));
    assert_int_equal(n, 42);
    double d = 0;
    OK(rcore_hincrbyfloat(c, "h:u", "score", 2.5, &d));
    assert_true(d == 2.5);
    OK(rcore_hlen(c, "h:u", &n));
    assert_int_equal(n, 3);

    rsdk_strings l;
    OK(rcore_hmget(c, "h:u", (rsdk_str[]){RSDK_S("name"), RSDK_S("none"), RSDK_S("age")}, 3, &l));
    tc_assert_list(&l, 3, "ann", NULL, "42"); /* a missing field: a nil item */
    rsdk_strings_deinit(&l);
    /* a MAP on both protocols (RESP2's flat array is retagged), read as pairs */
    rsdk_pairs pr;
    OK(rcore_hgetall(c, "h:u", &pr));
    assert_int_equal(pr.reply->type, RSDK_REPLY_MAP);
    tc_assert_pairs(&pr, 3, "name", "ann", "age", "42", "score", "2.5");
    rsdk_pairs_deinit(&pr);
    OK(rcore_hkeys(c, "h:u", &l));
    tc_assert_list_set(&l, 3, "name", "age", "score");
    rsdk_strings_deinit(&l);
    OK(rcore_hvals(c, "h:u", &l));
    tc_assert_list_set(&l, 3, "ann", "42", "2.5");
    rsdk_strings_deinit(&l);
    OK(rcore_hrandfield(c, "h:u", &(rcore_hrandfield_opts){.options = &(rcore_hrandfield_options){.count = 2}}, &pr));
    assert_int_equal(pr.count, 2); /* fields only: no values */
    assert_true(rsdk_pairs_at(&pr, 0).value.nil);
    rsdk_pairs_deinit(&pr);
    OK(rcore_hrandfield(c, "h:u",
                        &(rcore_hrandfield_opts){.options = &(rcore_hrandfield_options){.count = 2, .withvalues = true}},
                        &pr));
    assert_int_equal(pr.count, 2); /* [[field, value], ...] on both protocols */
    for (size_t i = 0; i < pr.count; i++) assert_false(rsdk_pairs_at(&pr, i).value.nil);
    rsdk_pairs_deinit(&pr);
    OK(rcore_hdel(c, "h:u", (rsdk_str[]){RSDK_S("score"), RSDK_S("none")}, 2, &n));
    assert_int_equal(n, 1);
}

static void scan(rsdk_client *c, int proto) {
    (void)proto;
    rcore_hset_data f[] = {{RSDK_S("a1"), RSDK_S("1")}, {RSDK_S("a2"), RSDK_S("2")}, {RSDK_S("b1"), RSDK_S("3")}};
    OK(rcore_hset(c, "h:s", f, 3, NULL));
    uint64_t cursor = 0;
    size_t seen = 0;
    do {
        rsdk_scan_page pg;
        OK(rcore_hscan(c, "h:s", cursor, &(rcore_hscan_opts){.pattern = RSDK_S("a*"), .has_count = true, .count = 1},
                       &pg));
        cursor = pg.cursor;
        assert_int_equal(pg.count % 2, 0);
        for (size_t i = 0; i < pg.count; i += 2) {
            assert_int_equal(rsdk_scan_page_at(&pg, i).ptr[0], 'a');
            seen++;
        }
        rsdk_scan_page_deinit(&pg);
    } while (cursor != 0);
    assert_int_equal(seen, 2);
}

static void field_expiry(rsdk_client *c, int proto) {
    (void)proto;
    rcore_hset_data f[] = {{RSDK_S("f1"), RSDK_S("1")}, {RSDK_S("f2"), RSDK_S("2")}};
    OK(rcore_hset(c, "h:e", f, 2, NULL));
    rsdk_ints r;
    rsdk_status st = rcore_hexpire(c, "h:e", 100, (rcore_hexpire_fields){(rsdk_str[]){RSDK_S("f1"), RSDK_S("none")}, 2},
                                   &(rcore_hexpire_opts){.condition = RCORE_HEXPIRE_CONDITION_NX}, &r);
    if (tc_unknown_command(c, st, "HEXPIRE/HTTL/HPERSIST (since 7.4.0)")) return;
    OK(st);
    tc_assert_ints(&r, 2, (int64_t)1, (int64_t)-2); /* set; no such field */
    rsdk_ints_deinit(&r);
    OK(rcore_httl(c, "h:e", (rcore_httl_fields){(rsdk_str[]){RSDK_S("f1"), RSDK_S("f2")}, 2}, &r));
    assert_int_equal(r.count, 2);
    assert_true(rsdk_ints_at(&r, 0).value > 90 && rsdk_ints_at(&r, 0).value <= 100);
    assert_int_equal(rsdk_ints_at(&r, 1).value, -1); /* no TTL */
    rsdk_ints_deinit(&r);
    OK(rcore_hpersist(c, "h:e", (rcore_hpersist_fields){(rsdk_str[]){RSDK_S("f1")}, 1}, &r));
    tc_assert_ints(&r, 1, (int64_t)1);
    rsdk_ints_deinit(&r);
}

static void hash_fields_and_maps(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, fields);
}
static void hscan_pages_with_match(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, scan);
}
static void hash_field_expiry_where_supported(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, field_expiry);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_fields_and_maps),
        cmocka_unit_test(hscan_pages_with_match),
        cmocka_unit_test(hash_field_expiry_where_supported),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
