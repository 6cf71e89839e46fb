/* String commands through their typed calls, on RESP2 and RESP3: SET with
 * its option struct (conditions, GET, expirations), GET/GETEX/GETDEL,
 * counters, ranges, MSET/MGET/MSETNX, LCS. */
#include <math.h>

#include "typed_common.h"

static void set_options(rsdk_client *c, int proto) {
    (void)proto;
    rsdk_string v;
    OK(rcore_set(c, "s:k", "v1", NULL, &v));
    tc_assert_string(&v, "OK"); /* without GET the reply is the status OK */
    rsdk_string_deinit(&v);
    /* NX on an existing key: nil */
    OK(rcore_set(c, "s:k", "v2", &(rcore_set_opts){.condition = {.kind = RCORE_SET_CONDITION_NX}}, &v));
    assert_true(v.nil);
    rsdk_string_deinit(&v);
    /* XX with GET and EX: the old value comes back, the TTL is set */
    OK(rcore_set(c, "s:k", "v3",
                 &(rcore_set_opts){.condition = {.kind = RCORE_SET_CONDITION_XX},
                                   .get = true,
                                   .expiration = {.kind = RCORE_SET_EXPIRATION_SECONDS, .seconds = 100}},
                 &v));
    tc_assert_string(&v, "v1");
    rsdk_string_deinit(&v);
    int64_t ttl = 0;
    OK(rcore_ttl(c, "s:k", &ttl));
    assert_true(ttl > 90 && ttl <= 100);
    /* KEEPTTL keeps it, PXAT sets an absolute one */
    OK(rcore_set(c, "s:k", "v4", &(rcore_set_opts){.expiration = {.kind = RCORE_SET_EXPIRATION_KEEPTTL}}, NULL));
    OK(rcore_ttl(c, "s:k", &ttl));
    assert_true(ttl > 90);
    int64_t now_ms = 0;
    rsdk_strings t;
    OK(rcore_time(c, &t));
    now_ms = (int64_t)tc_num(&t.item[0]) * 1000;
    rsdk_strings_deinit(&t);
    OK(rcore_set(c, "s:k", "v5",
                 &(rcore_set_opts){.expiration = {.kind = RCORE_SET_EXPIRATION_UNIX_TIME_MILLISECONDS,
                                                  .unix_time_milliseconds = now_ms + 50000}},
                 NULL));
    int64_t pttl = 0;
    OK(rcore_pttl(c, "s:k", &pttl));
    assert_true(pttl > 40000 && pttl <= 51000);
    OK(rcore_get(c, "s:k", &v));
    tc_assert_string(&v, "v5");
    rsdk_string_deinit(&v);
}

static void get_family(rsdk_client *c, int proto) {
    (void)proto;
    rsdk_string v;
    OK(rcore_get(c, "s:none", &v));
    assert_true(v.nil);
    assert_null(v.ptr);
    rsdk_string_deinit(&v);
    OK(rcore_set(c, "s:g", "hello", NULL, NULL));
    OK(rcore_getex(c, "s:g", &(rcore_getex_opts){.expiration = {.kind = RCORE_GETEX_EXPIRATION_MILLISECONDS,
                                                                 .milliseconds = 60000}},
                   &v));
    tc_assert_string(&v, "hello");
    rsdk_string_deinit(&v);
    int64_t pttl = 0;
    OK(rcore_pttl(c, "s:g", &pttl));
    assert_true(pttl > 50000);
    OK(rcore_getex(c, "s:g", &(rcore_getex_opts){.expiration = {.kind = RCORE_GETEX_EXPIRATION_PERSIST}}, &v));
    rsdk_string_deinit(&v);
    OK(rcore_pttl(c, "s:g", &pttl));
    assert_int_equal(pttl, -1);
    OK(rcore_getrange(c, "s:g", 1, 3, &v));
    tc_assert_string(&v, "ell");
    rsdk_string_deinit(&v);
    int64_t n = 0;
    OK(rcore_setrange(c, "s:g", 5, " world", &n));
    assert_int_equal(n, 11);
    OK(rcore_append(c, "s:g", "!", &n));
    assert_int_equal(n, 12);
    OK(rcore_strlen(c, "s:g", &n));
    assert_int_equal(n, 12);
    OK(rcore_getdel(c, "s:g", &v));
    tc_assert_string(&v, "hello world!");
    rsdk_string_deinit(&v);
    OK(rcore_exists(c, (rsdk_str[]){RSDK_S("s:g")}, 1, &n));
    assert_int_equal(n, 0);
}

static void counters(rsdk_client *c, int proto) {
    (void)proto;
    int64_t n = 0;
    OK(rcore_incr(c, "s:n", &n));
    assert_int_equal(n, 1);
    OK(rcore_incrby(c, "s:n", 41, &n));
    assert_int_equal(n, 42);
    OK(rcore_decrby(c, "s:n", 50, &n));
    assert_int_equal(n, -8);
    OK(rcore_incrby(c, "s:n", INT64_MAX - 10, &n));
    assert_int_equal(n, INT64_MAX - 18);
    FAILS(RSDK_ERR_RESPONSE, rcore_incrby(c, "s:n", 100, &n)); /* overflow: ERR increment or decrement would overflow */
    assert_int_equal(n, INT64_MAX - 18);                       /* untouched on failure */
    double d = 0;
    OK(rcore_incrbyfloat(c, "s:f", 0.1, &d));
    OK(rcore_incrbyfloat(c, "s:f", 0.2, &d));
    assert_true(fabs(d - 0.3) < 1e-12);
    OK(rcore_incrbyfloat(c, "s:f", -1e3, &d));
    assert_true(fabs(d + 999.7) < 1e-9);
}

static void multi_key(rsdk_client *c, int proto) {
    (void)proto;
    rcore_mset_data kv[] = {{RSDK_S("s:a"), RSDK_S("1")}, {RSDK_S("s:b"), rsdk_str_n("x\0y", 3)}};
    OK(rcore_mset(c, kv, 2));
    rsdk_strings r;
    OK(rcore_mget(c, (rsdk_str[]){RSDK_S("s:a"), RSDK_S("s:missing"), RSDK_S("s:b")}, 3, &r));
    assert_int_equal(r.count, 3);
    tc_assert_string((rsdk_string[]){rsdk_strings_at(&r, 0)}, "1");
    assert_true(rsdk_strings_at(&r, 1).nil); /* a missing key: a nil item */
    rsdk_string b = rsdk_strings_at(&r, 2); /* binary-safe */
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.ptr, "x\0y", 3);
    rsdk_strings_deinit(&r);
    bool set = true;
    rcore_msetnx_data nx[] = {{RSDK_S("s:a"), RSDK_S("2")}, {RSDK_S("s:c"), RSDK_S("3")}};
    OK(rcore_msetnx(c, nx, 2, &set));
    assert_false(set);
    rcore_msetnx_data nx2[] = {{RSDK_S("s:c"), RSDK_S("3")}, {RSDK_S("s:d"), RSDK_S("4")}};
    OK(rcore_msetnx(c, nx2, 2, &set));
    assert_true(set);
}

static void lcs(rsdk_client *c, int proto) {
    (void)proto;
    rcore_mset_data kv[] = {{RSDK_S("s:l1"), RSDK_S("ohmytext")}, {RSDK_S("s:l2"), RSDK_S("mynewtext")}};
    OK(rcore_mset(c, kv, 2));
    rsdk_reply *r = NULL;
    OK(rcore_lcs(c, "s:l1", "s:l2", NULL, &r));
    assert_int_equal(r->type, RSDK_REPLY_STRING);
    assert_string_equal(r->str, "mytext");
    rsdk_reply_free(r);
    OK(rcore_lcs(c, "s:l1", "s:l2", &(rcore_lcs_opts){.len = true}, &r));
    assert_int_equal(r->type, RSDK_REPLY_INTEGER);
    assert_int_equal(r->integer, 6);
    rsdk_reply_free(r);
    /* IDX: a map on RESP3, a flat field/value array on RESP2, made a MAP
     * (the other alternatives, text and integer, cannot be arrays) */
    OK(rcore_lcs(c, "s:l1", "s:l2", &(rcore_lcs_opts){.idx = true, .has_min_match_len = true, .min_match_len = 4},
                 &r));
    assert_int_equal(r->type, RSDK_REPLY_MAP);
    const rsdk_reply *len = rsdk_reply_map_get(r, "len");
    assert_non_null(len);
    assert_int_equal(len->integer, 6);
    const rsdk_reply *matches = rsdk_reply_map_get(r, "matches");
    assert_non_null(matches);
    assert_int_equal(matches->elements, 1);
    rsdk_reply_free(r);
}

static void set_with_options_on_both_protocols(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, set_options);
}
static void get_getex_getdel_and_ranges(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, get_family);
}
static void counters_are_int64_and_double(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, counters);
}
static void mset_mget_msetnx(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, multi_key);
}
static void lcs_forms(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, lcs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_with_options_on_both_protocols),
        cmocka_unit_test(get_getex_getdel_and_ranges),
        cmocka_unit_test(counters_are_int64_and_double),
        cmocka_unit_test(mset_mget_msetnx),
        cmocka_unit_test(lcs_forms),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
