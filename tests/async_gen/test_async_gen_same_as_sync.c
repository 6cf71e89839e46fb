/* Generated _async calls decode exactly as the sync calls do, on RESP2
 * and RESP3: one command of every result kind runs both ways on the same
 * server and the values are compared (the async values moved out of their
 * callbacks, which the keep rule allows). Failures come back as the sync
 * call's status with an empty value, once. */
#include <stdio.h>

#include "agen.h"
#include "rsdk/core.h"

#define OK(x) assert_int_equal((x), RSDK_OK)

static void seed(ag_env *e) {
    ag_do(e, "FLUSHALL", NULL);
    ag_do(e, "SET", "s", "hello", NULL);
    ag_do(e, "SET", "n", "41", NULL);
    ag_do(e, "RPUSH", "l", "a", "b", "c", NULL);
    ag_do(e, "HSET", "h", "f1", "v1", "f2", "v2", NULL);
    ag_do(e, "ZADD", "z", "1.5", "m1", "2.5", "m2", NULL);
    ag_do(e, "SADD", "set", "x", "y", NULL);
    ag_do(e, "XADD", "x", "1-1", "k", "v", NULL);
    ag_do(e, "XADD", "x", "2-1", "k2", "v2", NULL);
    ag_do(e, "XGROUP", "CREATE", "x", "g", "0", NULL);
    ag_do(e, "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "x", ">", NULL);
    ag_do(e, "GEOADD", "geo", "13.361389", "38.115556", "Palermo", NULL);
}

static void scalars(ag_env *e) {
    ag_slot s = {0};
    /* int */
    int64_t i = 0;
    OK(rcore_incr(e->c, "n", &i));
    OK(rcore_incr_async(e->a, "n", ag_int, &s));
    ag_wait(e, &s);
    assert_int_equal(s.st, RSDK_OK);
    assert_int_equal(s.i, i + 1);
    /* double */
    double d = 0;
    ag_reset(&s);
    OK(rcore_incrbyfloat(e->c, "f", 0.5, &d));
    OK(rcore_incrbyfloat_async(e->a, "f", 0.5, ag_double, &s));
    ag_wait(e, &s);
    assert_true(s.d == d + 0.5);
    /* double or nil, both ways */
    rsdk_double_or_nil dn = {0};
    ag_reset(&s);
    OK(rcore_zscore(e->c, "z", "m2", &dn));
    OK(rcore_zscore_async(e->a, "z", "m2", ag_double_or_nil, &s));
    ag_wait(e, &s);
    assert_false(s.dn.nil);
    assert_true(s.dn.value == dn.value && dn.value == 2.5);
    ag_reset(&s);
    OK(rcore_zscore_async(e->a, "z", "nobody", ag_double_or_nil, &s));
    ag_wait(e, &s);
    assert_int_equal(s.st, RSDK_OK);
    assert_true(s.dn.nil);
    /* bool */
    bool b = false;
    ag_reset(&s);
    OK(rcore_getbit(e->c, "s", 1, &b));
    OK(rcore_getbit_async(e->a, "s", 1, ag_bool, &s));
    ag_wait(e, &s);
    assert_int_equal(s.b, b);
    /* int or nil: ZRANK's plain form is a rank; MEMORY USAGE a count or nil */
    rsdk_int_or_nil in = {0};
    ag_reset(&s);
    OK(rcore_memory_usage(e->c, "nokey", NULL, &in));
    OK(rcore_memory_usage_async(e->a, "nokey", NULL, ag_int_or_nil, &s));
    ag_wait(e, &s);
    assert_true(in.nil && s.in.nil);
    /* rank */
    rsdk_rank rank = {0};
    ag_reset(&s);
    OK(rcore_zrank(e->c, "z", "m2", NULL, &rank));
    OK(rcore_zrank_async(e->a, "z", "m2", NULL, ag_rank, &s));
    ag_wait(e, &s);
    assert_int_equal(s.rank.rank, rank.rank);
    assert_int_equal(s.rank.nil, rank.nil);
    /* int or double: ZADD INCR answers the new score */
    rcore_zadd_data m = {.score = 1, .member = RSDK_S("m1")};
    rsdk_int_or_double iod = {0};
    ag_reset(&s);
    OK(rcore_zadd(e->c, "z", &m, 1, &(rcore_zadd_opts){.increment = true}, &iod));
    OK(rcore_zadd_async(e->a, "z", &m, 1, &(rcore_zadd_opts){.increment = true}, ag_int_or_double,
                        &s));
    ag_wait(e, &s);
    assert_true(iod.is_double && s.iod.is_double);
    assert_true(s.iod.dval == iod.dval + 1);
    /* status */
    ag_reset(&s);
    OK(rcore_flushdb_async(e->a, NULL, ag_status, &s));
    ag_wait(e, &s);
    assert_int_equal(s.st, RSDK_OK);
}

static void strings_and_trees(ag_env *e) {
    ag_slot s = {0};
    /* string, and nil */
    rsdk_string str;
    OK(rcore_get(e->c, "s", &str));
    OK(rcore_get_async(e->a, "s", ag_string, &s));
    ag_wait(e, &s);
    assert_false(s.s.nil);
    ag_assert_str_equal(rsdk_str_n(s.s.ptr, s.s.len), rsdk_str_n(str.ptr, str.len));
    rsdk_string_deinit(&str);
    ag_reset(&s);
    OK(rcore_get_async(e->a, "missing", ag_string, &s));
    ag_wait(e, &s);
    assert_int_equal(s.st, RSDK_OK);
    assert_true(s.s.nil);
    /* reply tree: XINFO STREAM is a map on both protocols */
    rsdk_reply *tree = NULL;
    ag_reset(&s);
    OK(rcore_xinfo_stream(e->c, "x", NULL, &tree));
    OK(rcore_xinfo_stream_async(e->a, "x", NULL, ag_reply, &s));
    ag_wait(e, &s);
    assert_int_equal(s.reply_type, RSDK_REPLY_MAP);
    assert_int_equal(s.reply_type, tree->type);
    assert_int_equal(s.reply_elements, tree->elements);
    rsdk_reply_free(tree);
}

static void views(ag_env *e) {
    ag_slot s = {0};
    /* strings */
    rsdk_strings strs;
    OK(rcore_lrange(e->c, "l", 0, -1, &strs));
    OK(rcore_lrange_async(e->a, "l", 0, -1, ag_strings, &s));
    ag_wait(e, &s);
    assert_int_equal(s.strs.count, 3);
    assert_int_equal(s.strs.count, strs.count);
    for (size_t i = 0; i < strs.count; i++) {
        rsdk_string x = rsdk_strings_at(&strs, i), y = rsdk_strings_at(&s.strs, i);
        ag_assert_str_equal(rsdk_str_n(x.ptr, x.len), rsdk_str_n(y.ptr, y.len));
    }
    rsdk_strings_deinit(&strs);
    /* pairs: a map on RESP3, a flat list on RESP2 */
    rsdk_pairs pairs;
    OK(rcore_hgetall(e->c, "h", &pairs));
    ag_reset(&s);
    OK(rcore_hgetall_async(e->a, "h", ag_pairs, &s));
    ag_wait(e, &s);
    assert_int_equal(s.pairs.count, 2);
    assert_int_equal(s.pairs.count, pairs.count);
    for (size_t i = 0; i < pairs.count; i++) {
        rsdk_pair x = rsdk_pairs_at(&pairs, i), y = rsdk_pairs_at(&s.pairs, i);
        ag_assert_str_equal(x.key, y.key);
        ag_assert_str_equal(rsdk_str_n(x.value.ptr, x.value.len), rsdk_str_n(y.value.ptr, y.value.len));
    }
    rsdk_pairs_deinit(&pairs);
    /* scored: WITHSCORES comes flat on RESP2 and is regrouped (a rebuilt tree) */
    rsdk_scored sc;
    const rcore_zrange_opts ws = {.withscores = true};
    OK(rcore_zrange(e->c, "z", "0", "-1", &ws, &sc));
    ag_reset(&s);
    OK(rcore_zrange_async(e->a, "z", "0", "-1", &ws, ag_scored, &s));
    ag_wait(e, &s);
    assert_int_equal(s.scored.count, 2);
    assert_int_equal(s.scored.count, sc.count);
    for (size_t i = 0; i < sc.count; i++) {
        rsdk_scored_member x = rsdk_scored_at(&sc, i), y = rsdk_scored_at(&s.scored, i);
        ag_assert_str_equal(x.member, y.member);
        assert_true(x.has_score && y.has_score && x.score == y.score);
    }
    rsdk_scored_deinit(&sc);
    /* doubles and bools */
    rsdk_str members[] = {RSDK_S("m1"), RSDK_S("none")};
    rsdk_doubles dd;
    OK(rcore_zmscore(e->c, "z", members, 2, &dd));
    ag_reset(&s);
    OK(rcore_zmscore_async(e->a, "z", members, 2, ag_doubles, &s));
    ag_wait(e, &s);
    assert_int_equal(s.dbls.count, 2);
    assert_true(rsdk_doubles_at(&s.dbls, 0).value == rsdk_doubles_at(&dd, 0).value);
    assert_true(rsdk_doubles_at(&s.dbls, 1).nil && rsdk_doubles_at(&dd, 1).nil);
    rsdk_doubles_deinit(&dd);
    rsdk_str sm[] = {RSDK_S("x"), RSDK_S("q")};
    ag_reset(&s);
    OK(rcore_smismember_async(e->a, "set", sm, 2, ag_bools, &s));
    ag_wait(e, &s);
    assert_int_equal(s.bools.count, 2);
    assert_true(rsdk_bools_at(&s.bools, 0));
    assert_false(rsdk_bools_at(&s.bools, 1));
    /* scan page */
    ag_reset(&s);
    OK(rcore_scan_async(e->a, 0, &(rcore_scan_opts){.has_count = true, .count = 1000}, ag_scan_page, &s));
    ag_wait(e, &s);
    assert_int_equal(s.page.cursor, 0);
    assert_true(s.page.count >= 8);
    /* stream entries, streams (RESP2's pair list is rebuilt as a map) */
    rsdk_stream_entries ent;
    OK(rcore_xrange(e->c, "x", "-", "+", NULL, &ent));
    ag_reset(&s);
    OK(rcore_xrange_async(e->a, "x", "-", "+", NULL, ag_stream_entries, &s));
    ag_wait(e, &s);
    assert_int_equal(s.entries.count, 2);
    for (size_t i = 0; i < ent.count; i++) {
        rsdk_stream_entry x = rsdk_stream_entries_at(&ent, i), y = rsdk_stream_entries_at(&s.entries, i);
        ag_assert_str_equal(x.id, y.id);
        assert_int_equal(x.count, y.count);
        ag_assert_str_equal(rsdk_stream_entry_at(&x, 0).key, rsdk_stream_entry_at(&y, 0).key);
    }
    rsdk_stream_entries_deinit(&ent);
    rcore_xread_streams xs = {.key = (rsdk_str[]){RSDK_S("x")}, .key_count = 1,
                              .id = (rsdk_str[]){RSDK_S("0")}, .id_count = 1};
    rsdk_streams streams;
    OK(rcore_xread(e->c, xs, NULL, &streams));
    ag_reset(&s);
    OK(rcore_xread_async(e->a, xs, NULL, ag_streams, &s));
    ag_wait(e, &s);
    assert_int_equal(s.streams.count, 1);
    assert_int_equal(s.streams.count, streams.count);
    assert_int_equal(rsdk_streams_at(&s.streams, 0).count, rsdk_streams_at(&streams, 0).count);
    rsdk_streams_deinit(&streams);
    /* geo, pending */
    rsdk_geo geo;
    rcore_geopos_opts gp = {.member = (rsdk_str[]){RSDK_S("Palermo")}, .member_count = 1};
    OK(rcore_geopos(e->c, "geo", &gp, &geo));
    ag_reset(&s);
    OK(rcore_geopos_async(e->a, "geo", &gp, ag_geo, &s));
    ag_wait(e, &s);
    assert_int_equal(s.geo.count, 1);
    assert_true(rsdk_geo_at(&s.geo, 0).longitude == rsdk_geo_at(&geo, 0).longitude);
    rsdk_geo_deinit(&geo);
    ag_reset(&s);
    OK(rcore_xpending_async(e->a, "x", "g", NULL, ag_pending, &s));
    ag_wait(e, &s);
    assert_true(s.pending.summary);
    assert_int_equal(s.pending.total, 2);
    ag_slot_deinit(&s);
}

/* A server error, a nil where the kind has none, a reply of the wrong
 * type: the sync call's status, an empty value, one call. */
static void failures(ag_env *e) {
    ag_slot s = {0};
    OK(rcore_incr_async(e->a, "l", ag_int, &s)); /* a list */
    ag_wait(e, &s);
    assert_int_equal(s.st, RSDK_ERR_WRONGTYPE);
    assert_int_equal(rcore_incr(e->c, "l", NULL), RSDK_ERR_WRONGTYPE);
    assert_int_equal(s.i, 0);
    assert_non_null(strstr(s.msg, "WRONGTYPE"));
    ag_reset(&s);
    OK(rcore_lrange_async(e->a, "s", 0, -1, ag_strings, &s));
    ag_wait(e, &s);
    assert_int_equal(s.st, RSDK_ERR_WRONGTYPE);
    assert_int_equal(s.strs.count, 0);
    assert_null(s.strs.owner);
    /* fire and forget: no callback, the reply is read and dropped */
    OK(rcore_set_async(e->a, "ff", "1", NULL, NULL, NULL));
    ag_reset(&s);
    OK(rcore_get_async(e->a, "ff", ag_string, &s));
    ag_wait(e, &s);
    ag_assert_str_equal(rsdk_str_n(s.s.ptr, s.s.len), RSDK_S("1"));
    ag_slot_deinit(&s);
}

static void run(rsdk_test_server *srv, int protocol) {
    ag_env e;
    ag_open(&e, srv, protocol);
    seed(&e);
    strings_and_trees(&e);
    views(&e);
    failures(&e);
    scalars(&e); /* last: it flushes */
    ag_close(&e);
}

RSDK_TEST_SERVER_CASE(test_same_as_sync_resp2, run, 2)
RSDK_TEST_SERVER_CASE(test_same_as_sync_resp3, run, 3)

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_sync_resp2),
        cmocka_unit_test(test_same_as_sync_resp3),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
