/* The SCAN-family iterator visits every element across many pages, on RESP2
 * and RESP3, pairs fields with values, and reports server errors through
 * the client. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/core_scan.h"
#include "support/server.h"

#define N 250

static char names[N][32];

static void fill(rsdk_client *c) {
    rcore_hset_data h[N];
    rcore_zadd_data z[N];
    rsdk_str members[N];
    char key[32];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "m%03d", i);
        members[i] = rsdk_str_c(names[i]);
        h[i] = (rcore_hset_data){members[i], members[i]};
        z[i] = (rcore_zadd_data){(double)i, members[i]};
        snprintf(key, sizeof key, "it:key:%03d", i);
        assert_int_equal(rcore_set(c, key, "x", NULL, NULL), RSDK_OK);
    }
    assert_int_equal(rcore_sadd(c, "it:set", members, N, NULL), RSDK_OK);
    assert_int_equal(rcore_hset(c, "it:hash", h, N, NULL), RSDK_OK);
    assert_int_equal(rcore_zadd(c, "it:zset", z, N, NULL, NULL), RSDK_OK);
}

/* The number in the last three characters ("m042", "it:key:042"). */
static int index_of(rsdk_str s) {
    assert_true(s.len >= 3);
    int v = 0;
    for (size_t i = s.len - 3; i < s.len; i++) {
        assert_true(s.ptr[i] >= '0' && s.ptr[i] <= '9');
        v = v * 10 + (s.ptr[i] - '0');
    }
    assert_true(v < N);
    return v;
}

static void check(rsdk_client *c, rcore_scan_kind kind, const char *key, const char *match) {
    bool seen[N] = {false};
    rcore_scan_iter it;
    rcore_scan_iter_opts o = {.match = rsdk_str_c(match), .count = 10};
    rcore_scan_iter_init(&it, c, kind, rsdk_str_c(key), &o);
    rsdk_str item, value;
    bool more = true;
    for (;;) {
        assert_int_equal(rcore_scan_iter_next(&it, &item, &value, &more), RSDK_OK);
        if (!more) break;
        int i = index_of(item);
        seen[i] = true;
        if (kind == RCORE_SCAN_HASH) {
            assert_int_equal(value.len, item.len);
            assert_memory_equal(value.ptr, item.ptr, item.len);
        } else if (kind == RCORE_SCAN_ZSET) {
            char want[16];
            int n = snprintf(want, sizeof want, "%d", i);
            assert_int_equal(value.len, (size_t)n);
            assert_memory_equal(value.ptr, want, (size_t)n);
        } else {
            assert_null(value.ptr);
        }
    }
    /* the end is sticky */
    assert_int_equal(rcore_scan_iter_next(&it, &item, NULL, &more), RSDK_OK);
    assert_false(more);
    for (int i = 0; i < N; i++) assert_true(seen[i]);
    rcore_scan_iter_deinit(&it);
}

static void every_element_is_visited(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, true);
        if (proto == 2) fill(c);
        check(c, RCORE_SCAN_KEYS, "", "it:key:*");
        check(c, RCORE_SCAN_SET, "it:set", NULL);
        check(c, RCORE_SCAN_HASH, "it:hash", NULL);
        check(c, RCORE_SCAN_ZSET, "it:zset", "m*");
        rsdk_client_close(c);
    }
}

static void wrong_type_is_reported(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    assert_int_equal(rcore_set(c, "it:str", "x", NULL, NULL), RSDK_OK);
    rcore_scan_iter it;
    rcore_scan_iter_init(&it, c, RCORE_SCAN_HASH, rsdk_str_c("it:str"), NULL);
    rsdk_str item = {0};
    bool more = true;
    assert_int_equal(rcore_scan_iter_next(&it, &item, NULL, &more), RSDK_ERR_WRONGTYPE);
    assert_string_equal(rsdk_client_error(c)->prefix, "WRONGTYPE");
    rcore_scan_iter_deinit(&it);
    rcore_scan_iter_deinit(NULL);
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_element_is_visited),
        cmocka_unit_test(wrong_type_is_reported),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
