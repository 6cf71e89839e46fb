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

    rsdk_reply *r = NULL;
    OK(rcore_hmget(c, "h:u", (rsdk_str[]){RSDK_S("name"), RSDK_S("none"), RSDK_S("age")}, 3, &r));
    assert_int_equal(r->elements, 3);
    assert_string_equal(r->element[0].str, "ann");
    assert_int_equal(r->element[1].type, RSDK_REPLY_NIL);
    assert_string_equal(r->element[2].str, "42");
    rsdk_reply_free(r);
    /* a MAP on both protocols (RESP2's flat array is retagged) */
    OK(rcore_hgetall(c, "h:u", &r));
    assert_int_equal(r->type, RSDK_REPLY_MAP);
    assert_int_equal(r->elements, 6);
    assert_string_equal(rsdk_reply_map_get(r, "age")->str, "42");
    assert_string_equal(rsdk_reply_map_get(r, "score")->str, "2.5");
    rsdk_reply_free(r);
    OK(rcore_hkeys(c, "h:u", &r));
    tc_assert_string_set(r, 3, "name", "age", "score");
    rsdk_reply_free(r);
    OK(rcore_hvals(c, "h:u", &r));
    tc_assert_string_set(r, 3, "ann", "42", "2.5");
    rsdk_reply_free(r);
    OK(rcore_hrandfield(c, "h:u", &(rcore_hrandfield_opts){.options = &(rcore_hrandfield_options){.count = 2}}, &r));
    assert_int_equal(r->type, RSDK_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    rsdk_reply_free(r);
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
        rsdk_reply *r = NULL;
        OK(rcore_hscan(c, "h:s", cursor, &(rcore_hscan_opts){.pattern = RSDK_S("a*"), .has_count = true, .count = 1},
                       &r));
        assert_int_equal(r->type, RSDK_REPLY_ARRAY);
        assert_int_equal(r->elements, 2);
        cursor = strtoull(r->element[0].str, NULL, 10);
        const rsdk_reply *page = &r->element[1];
        assert_int_equal(page->elements % 2, 0);
        for (size_t i = 0; i < page->elements; i += 2) {
            assert_int_equal(page->element[i].str[0], 'a');
            seen++;
        }
        rsdk_reply_free(r);
    } while (cursor != 0);
    assert_int_equal(seen, 2);
}

static void field_expiry(rsdk_client *c, int proto) {
    (void)proto;
    rcore_hset_data f[] = {{RSDK_S("f1"), RSDK_S("1")}, {RSDK_S("f2"), RSDK_S("2")}};
    OK(rcore_hset(c, "h:e", f, 2, NULL));
    rsdk_reply *r = NULL;
    rsdk_status st = rcore_hexpire(c, "h:e", 100, (rcore_hexpire_fields){(rsdk_str[]){RSDK_S("f1"), RSDK_S("none")}, 2},
                                   &(rcore_hexpire_opts){.condition = RCORE_HEXPIRE_CONDITION_NX}, &r);
    if (tc_unknown_command(c, st, "HEXPIRE/HTTL/HPERSIST (since 7.4.0)")) return;
    OK(st);
    assert_int_equal(r->elements, 2);
    assert_int_equal(r->element[0].integer, 1);  /* set */
    assert_int_equal(r->element[1].integer, -2); /* no such field */
    rsdk_reply_free(r);
    OK(rcore_httl(c, "h:e", (rcore_httl_fields){(rsdk_str[]){RSDK_S("f1"), RSDK_S("f2")}, 2}, &r));
    assert_true(r->element[0].integer > 90 && r->element[0].integer <= 100);
    assert_int_equal(r->element[1].integer, -1); /* no TTL */
    rsdk_reply_free(r);
    OK(rcore_hpersist(c, "h:e", (rcore_hpersist_fields){(rsdk_str[]){RSDK_S("f1")}, 1}, &r));
    assert_int_equal(r->element[0].integer, 1);
    rsdk_reply_free(r);
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
