/* Generic key commands through their typed calls, on RESP2 and RESP3:
 * expirations with conditions, TYPE and OBJECT ENCODING, RENAME/COPY,
 * TOUCH/UNLINK, DUMP and RESTORE of a binary payload, SCAN with MATCH and
 * TYPE, KEYS, SORT with LIMIT, ALPHA and DESC. */
#include <stdlib.h>

#include "typed_common.h"

static void expiry_and_types(rsdk_client *c, int proto) {
    (void)proto;
    OK(rcore_set(c, "k:a", "1", NULL, NULL));
    bool b = false;
    OK(rcore_expire(c, "k:a", 100, &(rcore_expire_opts){.condition = RCORE_EXPIRE_CONDITION_NX}, &b));
    assert_true(b);
    OK(rcore_expire(c, "k:a", 50, &(rcore_expire_opts){.condition = RCORE_EXPIRE_CONDITION_GT}, &b));
    assert_false(b); /* 50 is not greater */
    int64_t n = 0;
    OK(rcore_ttl(c, "k:a", &n));
    assert_true(n > 90);
    OK(rcore_expiretime(c, "k:a", &n));
    assert_true(n > 1600000000);
    OK(rcore_persist(c, "k:a", &b));
    assert_true(b);
    OK(rcore_ttl(c, "k:a", &n));
    assert_int_equal(n, -1);
    OK(rcore_ttl(c, "k:none", &n));
    assert_int_equal(n, -2);
    rsdk_string s;
    OK(rcore_type(c, "k:a", &s));
    tc_assert_string(&s, "string"); /* a status reply, read as text */
    rsdk_string_deinit(&s);
    OK(rcore_type(c, "k:none", &s));
    tc_assert_string(&s, "none");
    rsdk_string_deinit(&s);
    OK(rcore_object_encoding(c, "k:a", &s));
    tc_assert_string(&s, "int");
    rsdk_string_deinit(&s);
    OK(rcore_object_encoding(c, "k:none", &s));
    assert_true(s.nil);
    rsdk_string_deinit(&s);
}

static void move_and_copy(rsdk_client *c, int proto) {
    (void)proto;
    OK(rcore_set(c, "k:src", rsdk_str_n("bin\0ary", 7), NULL, NULL));
    bool b = false;
    OK(rcore_copy(c, "k:src", "k:copy", NULL, &b));
    assert_true(b);
    OK(rcore_copy(c, "k:src", "k:copy", NULL, &b));
    assert_false(b); /* exists, no REPLACE */
    OK(rcore_copy(c, "k:src", "k:copy", &(rcore_copy_opts){.replace = true}, &b));
    assert_true(b);
    OK(rcore_rename(c, "k:copy", "k:renamed"));
    FAILS(RSDK_ERR_RESPONSE, rcore_rename(c, "k:copy", "k:x")); /* ERR no such key */
    int64_t n = 0;
    OK(rcore_touch(c, (rsdk_str[]){RSDK_S("k:src"), RSDK_S("k:renamed"), RSDK_S("k:none")}, 3, &n));
    assert_int_equal(n, 2);
    rsdk_string dump;
    OK(rcore_dump(c, "k:src", &dump));
    assert_false(dump.nil);
    OK(rcore_unlink(c, (rsdk_str[]){RSDK_S("k:src")}, 1, &n));
    assert_int_equal(n, 1);
    OK(rcore_restore(c, "k:src", 0, rsdk_str_n(dump.ptr, dump.len), NULL));
    FAILS(RSDK_ERR_RESPONSE, rcore_restore(c, "k:src", 0, rsdk_str_n(dump.ptr, dump.len), NULL)); /* BUSYKEY */
    assert_string_equal(rsdk_client_error(c)->prefix, "BUSYKEY");
    OK(rcore_restore(c, "k:src", 60000, rsdk_str_n(dump.ptr, dump.len), &(rcore_restore_opts){.replace = true}));
    rsdk_string_deinit(&dump);
    rsdk_string v;
    OK(rcore_get(c, "k:src", &v));
    assert_int_equal(v.len, 7);
    assert_memory_equal(v.ptr, "bin\0ary", 7);
    rsdk_string_deinit(&v);
    OK(rcore_ttl(c, "k:src", &n));
    assert_true(n > 50);
}

static void scan_keys_sort(rsdk_client *c, int proto) {
    (void)proto;
    for (int i = 0; i < 20; i++) {
        char k[16];
        snprintf(k, sizeof k, "k:s%d", i);
        OK(rcore_set(c, rsdk_str_c(k), "v", NULL, NULL));
    }
    OK(rcore_rpush(c, "k:list", (rsdk_str[]){RSDK_S("3"), RSDK_S("1"), RSDK_S("2")}, 3, NULL));
    uint64_t cursor = 0;
    size_t strings = 0, rounds = 0;
    do {
        rsdk_scan_page pg;
        OK(rcore_scan(c, cursor, &(rcore_scan_opts){.pattern = RSDK_S("k:*"), .has_count = true, .count = 5,
                                                   .type = RSDK_S("string")},
                      &pg));
        cursor = pg.cursor;
        strings += pg.count;
        for (size_t i = 0; i < pg.count; i++) assert_int_equal(rsdk_scan_page_at(&pg, i).ptr[0], 'k');
        rsdk_scan_page_deinit(&pg);
        assert_true(++rounds < 100);
    } while (cursor != 0);
    assert_int_equal(strings, 20);
    rsdk_reply *r = NULL;
    rsdk_strings l;
    OK(rcore_keys(c, "k:l*", &l));
    tc_assert_list(&l, 1, "k:list");
    rsdk_strings_deinit(&l);
    OK(rcore_sort(c, "k:list", NULL, &r));
    tc_assert_strings(r, 3, "1", "2", "3");
    rsdk_reply_free(r);
    OK(rcore_sort(c, "k:list", &(rcore_sort_opts){.limit = &(rcore_sort_limit){0, 2}, .order = RCORE_SORT_ORDER_DESC,
                                                  .sorting = true},
                  &r));
    tc_assert_strings(r, 2, "3", "2");
    rsdk_reply_free(r);
    OK(rcore_sort(c, "k:list", &(rcore_sort_opts){.destination = RSDK_S("k:sorted")}, &r));
    assert_int_equal(r->type, RSDK_REPLY_INTEGER); /* STORE: the count */
    assert_int_equal(r->integer, 3);
    rsdk_reply_free(r);
}

static void expirations_and_types(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, expiry_and_types);
}
static void rename_copy_dump_restore(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, move_and_copy);
}
static void scan_keys_and_sort(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, scan_keys_sort);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(expirations_and_types),
        cmocka_unit_test(rename_copy_dump_restore),
        cmocka_unit_test(scan_keys_and_sort),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
