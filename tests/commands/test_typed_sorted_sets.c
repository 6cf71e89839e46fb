/* Sorted-set commands through their typed calls, on RESP2 and RESP3:
 * ZADD with its option struct (a count, or the INCR score), scores as
 * doubles (inf included), ZRANGE WITHSCORES on both protocols (RESP3 nests
 * [member, score] pairs, RESP2 sends a flat list with scores as strings:
 * the rsdk_scored view reads the same members and scores from both),
 * ranks with and without their score, pops, stores with weights. */
#include <math.h>

#include "typed_common.h"

typedef struct pair {
    const char *member;
    double score;
} pair;

/* The members of a scored view, each with its score; checks that every
 * member has one and that the view points into its own reply. */
static size_t pairs_of(const rsdk_scored *v, pair *out, size_t cap) {
    assert_non_null(v->reply);
    assert_ptr_equal(v->owner, v->reply);
    size_t n = 0;
    for (size_t i = 0; i < v->count && n < cap; i++) {
        rsdk_scored_member m = rsdk_scored_at(v, i);
        assert_true(m.has_score);
        assert_non_null(m.member.ptr);
        out[n].member = m.member.ptr;
        out[n++].score = m.score;
    }
    return n;
}

static void scores(rsdk_client *c, int proto) {
    (void)proto; /* the same assertions hold on both */
    rcore_zadd_data m[] = {{1.5, RSDK_S("a")}, {-INFINITY, RSDK_S("lo")}, {2, RSDK_S("b")}, {INFINITY, RSDK_S("hi")}};
    rsdk_int_or_double za;
    OK(rcore_zadd(c, "z:s", m, 4, NULL, &za));
    assert_false(za.is_double || za.nil);
    assert_int_equal(za.integer, 4);
    /* XX + GT + CH: only raises existing scores, counts changes */
    rcore_zadd_data up[] = {{1.0, RSDK_S("a")}, {3.0, RSDK_S("b")}, {9.0, RSDK_S("new")}};
    OK(rcore_zadd(c, "z:s", up, 3,
                  &(rcore_zadd_opts){.condition = RCORE_ZADD_CONDITION_XX, .comparison = RCORE_ZADD_COMPARISON_GT,
                                     .change = true},
                  &za));
    assert_int_equal(za.integer, 1);
    /* INCR: the new score, a double on both (RESP2 sends a string) */
    OK(rcore_zadd(c, "z:s", (rcore_zadd_data[]){{0.25, RSDK_S("a")}}, 1, &(rcore_zadd_opts){.increment = true}, &za));
    assert_true(za.is_double && !za.nil);
    assert_true(za.dval == 1.75);
    /* INCR stopped by NX: nil */
    OK(rcore_zadd(c, "z:s", (rcore_zadd_data[]){{1, RSDK_S("a")}}, 1,
                  &(rcore_zadd_opts){.condition = RCORE_ZADD_CONDITION_NX, .increment = true}, &za));
    assert_true(za.nil && !za.is_double);
    rsdk_double_or_nil sc;
    OK(rcore_zscore(c, "z:s", "hi", &sc));
    assert_true(isinf(sc.value) && sc.value > 0);
    rsdk_doubles ds;
    OK(rcore_zmscore(c, "z:s", (rsdk_str[]){RSDK_S("b"), RSDK_S("none"), RSDK_S("lo")}, 3, &ds));
    assert_int_equal(ds.count, 3);
    assert_true(rsdk_doubles_at(&ds, 0).value == 3.0 && !rsdk_doubles_at(&ds, 0).nil);
    assert_true(rsdk_doubles_at(&ds, 1).nil);
    assert_true(isinf(rsdk_doubles_at(&ds, 2).value) && rsdk_doubles_at(&ds, 2).value < 0);
    rsdk_doubles_deinit(&ds);
    int64_t n = 0;
    OK(rcore_zcount(c, "z:s", "(1.75", "+inf", &n));
    assert_int_equal(n, 2);
    OK(rcore_zcard(c, "z:s", &n));
    assert_int_equal(n, 4);

    /* WITHSCORES */
    rsdk_scored z;
    OK(rcore_zrange(c, "z:s", "0", "-1", &(rcore_zrange_opts){.withscores = true}, &z));
    pair p[8];
    size_t np = pairs_of(&z, p, 8);
    assert_int_equal(z.count, 4); /* four members on both protocols */
    assert_int_equal(np, 4);
    assert_string_equal(p[0].member, "lo");
    assert_true(isinf(p[0].score) && p[0].score < 0);
    assert_string_equal(p[1].member, "a");
    assert_true(p[1].score == 1.75);
    assert_string_equal(p[2].member, "b");
    assert_true(p[2].score == 3.0);
    assert_string_equal(p[3].member, "hi");
    assert_true(isinf(p[3].score) && p[3].score > 0);
    rsdk_scored_deinit(&z);
    assert_null(z.owner);
    /* BYSCORE REV LIMIT, without scores: members only */
    OK(rcore_zrange(c, "z:s", "+inf", "(1", &(rcore_zrange_opts){.sortby = RCORE_ZRANGE_SORTBY_BYSCORE, .rev = true,
                                                                 .limit = &(rcore_zrange_limit){1, 2}},
                    &z));
    assert_int_equal(z.count, 2);
    assert_string_equal(rsdk_scored_at(&z, 0).member.ptr, "b");
    assert_false(rsdk_scored_at(&z, 0).has_score);
    assert_string_equal(rsdk_scored_at(&z, 1).member.ptr, "a");
    rsdk_scored_deinit(&z);
    OK(rcore_zrangebyscore(c, "z:s", "-inf", "2", &(rcore_zrangebyscore_opts){.withscores = true}, &z));
    np = pairs_of(&z, p, 8);
    assert_int_equal(np, 2);
    assert_string_equal(p[1].member, "a");
    rsdk_scored_deinit(&z);
}

static void ranks_and_pops(rsdk_client *c, int proto) {
    (void)proto;
    rcore_zadd_data m[] = {{1, RSDK_S("a")}, {2, RSDK_S("b")}, {3, RSDK_S("c")}, {4, RSDK_S("d")}};
    OK(rcore_zadd(c, "z:r", m, 4, NULL, NULL));
    rsdk_rank rk;
    OK(rcore_zrank(c, "z:r", "c", NULL, &rk));
    assert_false(rk.nil || rk.has_score);
    assert_int_equal(rk.rank, 2);
    OK(rcore_zrevrank(c, "z:r", "none", NULL, &rk));
    assert_true(rk.nil);
    rsdk_scored z;
    OK(rcore_zpopmin(c, "z:r", &(rcore_zpopmin_opts){.has_count = true, .count = 2}, &z));
    pair p[4];
    assert_int_equal(pairs_of(&z, p, 4), 2);
    assert_string_equal(p[0].member, "a");
    assert_true(p[1].score == 2.0);
    rsdk_scored_deinit(&z);
    OK(rcore_zmpop(c, (rsdk_str[]){RSDK_S("z:none"), RSDK_S("z:r")}, 2, RCORE_ZMPOP_WHERE_MAX, NULL, &z));
    assert_int_equal(z.key.len, 3);
    assert_memory_equal(z.key.ptr, "z:r", 3);
    assert_int_equal(pairs_of(&z, p, 4), 1);
    assert_string_equal(p[0].member, "d");
    assert_true(p[0].score == 4.0);
    rsdk_scored_deinit(&z);
    OK(rcore_bzpopmin(c, (rsdk_str[]){RSDK_S("z:r")}, 1, 0.01, &z));
    assert_string_equal(z.key.ptr, "z:r"); /* key, then one member with its score */
    assert_int_equal(pairs_of(&z, p, 4), 1);
    assert_string_equal(p[0].member, "c");
    assert_true(p[0].score == 3.0);
    rsdk_scored_deinit(&z);
    OK(rcore_bzpopmin(c, (rsdk_str[]){RSDK_S("z:r")}, 1, 0.01, &z)); /* z:r is empty now: times out */
    assert_true(z.nil);
    assert_int_equal(z.count, 0);
    rsdk_scored_deinit(&z);
}

static void stores(rsdk_client *c, int proto) {
    (void)proto;
    OK(rcore_zadd(c, "z:1", (rcore_zadd_data[]){{1, RSDK_S("x")}, {2, RSDK_S("y")}}, 2, NULL, NULL));
    OK(rcore_zadd(c, "z:2", (rcore_zadd_data[]){{10, RSDK_S("y")}, {20, RSDK_S("z")}}, 2, NULL, NULL));
    int64_t n = 0;
    rsdk_str keys[] = {RSDK_S("z:1"), RSDK_S("z:2")};
    OK(rcore_zunionstore(c, "z:u", keys, 2,
                         &(rcore_zunionstore_opts){.weight = (double[]){2, 0.5}, .weight_count = 2,
                                                   .aggregate = RCORE_ZUNIONSTORE_AGGREGATE_MAX},
                         &n));
    assert_int_equal(n, 3);
    rsdk_double_or_nil sc;
    OK(rcore_zscore(c, "z:u", "y", &sc));
    assert_true(sc.value == 5.0); /* max(2*2, 0.5*10) */
    rsdk_scored z;
    OK(rcore_zinter(c, keys, 2, &(rcore_zinter_opts){.withscores = true}, &z));
    pair p[4];
    assert_int_equal(pairs_of(&z, p, 4), 1);
    assert_string_equal(p[0].member, "y");
    assert_true(p[0].score == 12.0);
    rsdk_scored_deinit(&z);
    OK(rcore_zrangestore(c, "z:st", "z:u", "0", "1", NULL, &n));
    assert_int_equal(n, 2);
    OK(rcore_zrandmember(c, "z:u", &(rcore_zrandmember_opts){.options = &(rcore_zrandmember_options){.count = 2,
                                                                                                   .withscores = true}},
                         &z));
    assert_int_equal(pairs_of(&z, p, 4), 2);
    rsdk_scored_deinit(&z);
    /* without COUNT: one member, no score */
    OK(rcore_zrandmember(c, "z:st", NULL, &z));
    assert_int_equal(z.count, 1);
    assert_false(rsdk_scored_at(&z, 0).has_score);
    rsdk_scored_deinit(&z);
    OK(rcore_zrem(c, "z:u", (rsdk_str[]){RSDK_S("x")}, 1, &n));
    assert_int_equal(n, 1);
}

static void scores_and_withscores(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, scores);
}
static void ranks_pops_and_blocking_pop(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, ranks_and_pops);
}
static void union_inter_store_with_weights(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, stores);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scores_and_withscores),
        cmocka_unit_test(ranks_pops_and_blocking_pop),
        cmocka_unit_test(union_inter_store_with_weights),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
