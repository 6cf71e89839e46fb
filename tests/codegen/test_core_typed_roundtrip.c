/* Generated core calls against a real redis-server, on RESP2 and RESP3: the
 * same typed call gives the same C result on both; argument errors and
 * server errors land in rsdk_client_error(); queue wrappers plus typed
 * decoders work on pipelines. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/core.h"
#include "support/live.h"

/* Needs a client named `c` in scope. */
#define OK(call) live_ok(c, (call), #call)

static void strings_and_nil(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, proto == 3);
        OK(rcore_set(c, "rt:k", "v1", NULL, NULL));
        rsdk_string v;
        OK(rcore_get(c, "rt:k", &v));
        assert_false(v.nil);
        assert_int_equal(v.len, 2);
        assert_memory_equal(v.ptr, "v1", 2);
        rsdk_string_deinit(&v);
        OK(rcore_get(c, "rt:missing", &v));
        assert_true(v.nil);
        rsdk_string_deinit(&v);
        /* NX on an existing key: nil; with GET: the old value */
        rcore_set_opts nx = {.condition = {.kind = RCORE_SET_CONDITION_NX}};
        OK(rcore_set(c, "rt:k", "v2", &nx, &v));
        assert_true(v.nil);
        rsdk_string_deinit(&v);
        OK(rcore_set(c, rsdk_str_n("rt:k", 4), rsdk_str_n("v\0b", 3), &(rcore_set_opts){.get = true}, &v));
        assert_string_equal(v.ptr, "v1");
        rsdk_string_deinit(&v);
        OK(rcore_get(c, "rt:k", &v));
        assert_int_equal(v.len, 3);
        assert_memory_equal(v.ptr, "v\0b", 3);
        rsdk_string_deinit(&v);
        rsdk_str keys[] = {RSDK_S("rt:k")};
        int64_t n = 0;
        OK(rcore_del(c, keys, 1, &n));
        assert_int_equal(n, 1);
        rsdk_client_close(c);
    }
}

static void numbers_and_booleans(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, false);
        double d = 0;
        OK(rcore_incrbyfloat(c, "rt:f", 1.5, &d));
        assert_true(d == 1.5);
        OK(rcore_incrbyfloat(c, "rt:f", 1.0, &d));
        assert_true(d == 2.5);
        bool b = true;
        OK(rcore_expire(c, "rt:none", 100, NULL, &b));
        assert_false(b);
        OK(rcore_expire(c, "rt:f", 100, NULL, &b));
        assert_true(b);
        rcore_zadd_data m[] = {{1.5, RSDK_S("a")}, {-INFINITY, RSDK_S("b")}};
        rsdk_int_or_double added;
        OK(rcore_zadd(c, "rt:z", m, 2, NULL, &added));
        assert_false(added.is_double || added.nil);
        assert_int_equal(added.integer, 2);
        rsdk_double_or_nil sc;
        OK(rcore_zscore(c, "rt:z", "a", &sc));
        assert_false(sc.nil);
        assert_true(sc.value == 1.5);
        OK(rcore_zscore(c, "rt:z", "b", &sc));
        assert_true(isinf(sc.value) && sc.value < 0);
        OK(rcore_zscore(c, "rt:z", "zz", &sc));
        assert_true(sc.nil);
        OK(rcore_zincrby(c, "rt:z", 0.25, "a", &d));
        assert_true(d == 1.75);
        int64_t cnt = 0;
        OK(rcore_zcount(c, "rt:z", "(1", "+inf", &cnt));
        assert_int_equal(cnt, 1);
        rsdk_str keys[] = {RSDK_S("rt:f"), RSDK_S("rt:z")};
        OK(rcore_del(c, keys, 2, &cnt));
        rsdk_client_close(c);
    }
}

static void maps_take_the_same_form(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, proto == 2);
        rcore_hset_data f[] = {{RSDK_S("f1"), RSDK_S("a")}, {RSDK_S("f2"), RSDK_S("b")}};
        int64_t n = 0;
        OK(rcore_hset(c, "rt:h", f, 2, &n));
        assert_int_equal(n, 2);
        rsdk_pairs all;
        OK(rcore_hgetall(c, "rt:h", &all));
        assert_int_equal(all.reply->type, RSDK_REPLY_MAP);
        assert_int_equal(all.count, 2);
        rsdk_pair p1 = rsdk_pairs_at(&all, 1);
        assert_string_equal(p1.key.ptr, "f2");
        assert_string_equal(p1.value.ptr, "b");
        rsdk_pairs_deinit(&all);
        rsdk_pairs cfg;
        OK(rcore_config_get(c, (rsdk_str[]){RSDK_S("maxmemory")}, 1, &cfg));
        assert_int_equal(cfg.count, 1);
        assert_string_equal(rsdk_pairs_at(&cfg, 0).key.ptr, "maxmemory");
        rsdk_pairs_deinit(&cfg);
        rsdk_str keys[] = {RSDK_S("rt:h")};
        OK(rcore_del(c, keys, 1, &n));
        rsdk_client_close(c);
    }
}

static void argument_errors_send_nothing(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    rsdk_string v = {0};
    assert_int_equal(rcore_get(c, rsdk_str_n(NULL, 2), &v), RSDK_ERR_INVALID_ARG);
    assert_string_equal(rsdk_client_error(c)->message, "GET: key: NULL pointer with non-zero length");
    assert_null(v.ptr);
    assert_int_equal(rcore_mset(c, NULL, 0), RSDK_ERR_INVALID_ARG);
    assert_string_equal(rsdk_client_error(c)->message, "MSET: data: needs at least one element");
    /* the connection is untouched: the next call works */
    assert_false(rsdk_client_broken(c));
    OK(rcore_ping(c, NULL, &v));
    assert_string_equal(v.ptr, "PONG");
    rsdk_string_deinit(&v);
    rsdk_client_close(c);
}

static void server_errors_are_mapped(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 2, true);
    rcore_hset_data f[] = {{RSDK_S("x"), RSDK_S("1")}};
    OK(rcore_hset(c, "rt:wt", f, 1, NULL));
    int64_t n = 7;
    assert_int_equal(rcore_incr(c, "rt:wt", &n), RSDK_ERR_WRONGTYPE);
    assert_int_equal(n, 7);
    assert_string_equal(rsdk_client_error(c)->prefix, "WRONGTYPE");
    rsdk_str keys[] = {RSDK_S("rt:wt")};
    OK(rcore_del(c, keys, 1, NULL));
    rsdk_client_close(c);
}

static void queued_commands_decode_from_the_pipeline(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, true);
        rsdk_pipeline *p = NULL;
        assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
        rsdk_error err;
        rcore_mset_data kv[] = {{RSDK_S("rt:p1"), RSDK_S("x")}, {RSDK_S("rt:p2"), RSDK_S("y")}};
        assert_int_equal(rcore_mset_queue(p, kv, 2, &err), RSDK_OK);
        assert_int_equal(rcore_get_queue(p, "rt:p2", &err), RSDK_OK);
        assert_int_equal(rcore_get_queue(p, rsdk_str_n(NULL, 1), &err), RSDK_ERR_INVALID_ARG);
        assert_int_equal(rcore_incrbyfloat_queue(p, "rt:pf", 0.5, &err), RSDK_OK);
        rsdk_str keys[] = {RSDK_S("rt:p1"), RSDK_S("rt:p2"), RSDK_S("rt:pf")};
        assert_int_equal(rcore_del_queue(p, keys, 3, &err), RSDK_OK);
        assert_int_equal(rsdk_pipeline_count(p), 4);
        assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
        assert_int_equal(rcore_mset_decode(rsdk_pipeline_reply(p, 0), NULL), RSDK_OK);
        rsdk_string v;
        assert_int_equal(rcore_get_decode(rsdk_pipeline_reply(p, 1), &v, NULL), RSDK_OK);
        assert_string_equal(v.ptr, "y");
        double d = 0;
        assert_int_equal(rcore_incrbyfloat_decode(rsdk_pipeline_reply(p, 2), &d, NULL), RSDK_OK);
        assert_true(d == 0.5);
        int64_t n = 0;
        assert_int_equal(rcore_del_decode(rsdk_pipeline_reply(p, 3), &n, NULL), RSDK_OK);
        assert_int_equal(n, 3);
        rsdk_pipeline_free(p);
        rsdk_client_close(c);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strings_and_nil),
        cmocka_unit_test(numbers_and_booleans),
        cmocka_unit_test(maps_take_the_same_form),
        cmocka_unit_test(argument_errors_send_nothing),
        cmocka_unit_test(server_errors_are_mapped),
        cmocka_unit_test(queued_commands_decode_from_the_pipeline),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
