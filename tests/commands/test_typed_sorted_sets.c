/* Sorted-set commands through their typed calls, on RESP2 and RESP3:
 * ZADD with its option struct, scores as doubles (inf included), ZRANGE
 * WITHSCORES on both protocols (RESP3 nests [member, score] pairs, RESP2
 * sends a flat list with scores as strings: the typed call gives RESP3's
 * [[member, DOUBLE], ...] on both), ranks, pops, stores with weights. */
#include <math.h>

#include "typed_common.h"

typedef struct pair {
    const char *member;
    double score;
} pair;

/* The pairs of RESP3's form, [[member, DOUBLE score], ...], which the typed
 * calls give on both protocols. */
static size_t pairs_of(const rsdk_reply *r, pair *out, size_t cap) {
    assert_int_equal(r->type, RSDK_REPLY_ARRAY);
    size_t n = 0;
    for (size_t i = 0; i < r->elements && n < cap; i++) {
        const rsdk_reply *p = &r->element[i];
        assert_int_equal(p->type, RSDK_REPLY_ARRAY);
        assert_int_equal(p->elements, 2);
        assert_int_equal(p->element[0].type, RSDK_REPLY_STRING);
        assert_int_equal(p->element[1].type, RSDK_REPLY_DOUBLE);
        out[n].member = p->element[0].str;
        out[n++].score = p->element[1].dval;
    }
    return n;
}

static void scores(rsdk_client *c, int proto) {
    (void)proto; /* the same assertions hold on both */
    rcore_zadd_data m[] = {{1.5, RSDK_S("a")}, {-INFINITY, RSDK_S("lo")}, {2, RSDK_S("b")}, {INFINITY, RSDK_S("hi")}};
    rsdk_reply *r = NULL;
    OK(rcore_zadd(c, "z:s", m, 4, NULL, &r));
    assert_int_equal(r->integer, 4);
    rsdk_reply_free(r);
    /* XX + GT + CH: only raises existing scores, counts changes */
    rcore_zadd_data up[] = {{1.0, RSDK_S("a")}, {3.0, RSDK_S("b")}, {9.0, RSDK_S("new")}};
    OK(rcore_zadd(c, "z:s", up, 3,
                  &(rcore_zadd_opts){.condition = RCORE_ZADD_CONDITION_XX, .comparison = RCORE_ZADD_COMPARISON_GT,
                                     .change = true},
                  &r));
    assert_int_equal(r->integer, 1);
    rsdk_reply_free(r);
    /* INCR: the new score, a DOUBLE on both (RESP2 sends a string) */
    OK(rcore_zadd(c, "z:s", (rcore_zadd_data[]){{0.25, RSDK_S("a")}}, 1, &(rcore_zadd_opts){.increment = true}, &r));
    assert_int_equal(r->type, RSDK_REPLY_DOUBLE);
    assert_true(r->dval == 1.75);
    rsdk_reply_free(r);
    rsdk_double_or_nil sc;
    OK(rcore_zscore(c, "z:s", "hi", &sc));
    assert_true(isinf(sc.value) && sc.value > 0);
    OK(rcore_zmscore(c, "z:s", (rsdk_str[]){RSDK_S("b"), RSDK_S("none"), RSDK_S("lo")}, 3, &r));
    /* normalised: DOUBLE or NIL on both protocols */
    assert_int_equal(r->element[0].type, RSDK_REPLY_DOUBLE);
    assert_true(r->element[0].dval == 3.0);
    assert_int_equal(r->element[1].type, RSDK_REPLY_NIL);
    assert_true(isinf(r->element[2].dval) && r->element[2].dval < 0);
    rsdk_reply_free(r);
    int64_t n = 0;
    OK(rcore_zcount(c, "z:s", "(1.75", "+inf", &n));
    assert_int_equal(n, 2);
    OK(rcore_zcard(c, "z:s", &n));
    assert_int_equal(n, 4);

    /* WITHSCORES */
    OK(rcore_zrange(c, "z:s", "0", "-1", &(rcore_zrange_opts){.withscores = true}, &r));
    pair p[8];
    size_t np = pairs_of(r, p, 8);
    assert_int_equal(r->elements, 4); /* nested on both protocols */
    assert_int_equal(np, 4);
    assert_string_equal(p[0].member, "lo");
    assert_true(isinf(p[0].score) && p[0].score < 0);
    assert_string_equal(p[1].member, "a");
    assert_true(p[1].score == 1.75);
    assert_string_equal(p[2].member, "b");
    assert_true(p[2].score == 3.0);
    assert_string_equal(p[3].member, "hi");
    assert_true(isinf(p[3].score) && p[3].score > 0);
    rsdk_reply_free(r);
    /* BYSCORE REV LIMIT, without scores: the same plain array on both */
    OK(rcore_zrange(c, "z:s", "+inf", "(1", &(rcore_zrange_opts){.sortby = RCORE_ZRANGE_SORTBY_BYSCORE, .rev = true,
                                                                 .limit = &(rcore_zrange_limit){1, 2}},
                    &r));
    tc_assert_strings(r, 2, "b", "a");
    rsdk_reply_free(r);
    OK(rcore_zrangebyscore(c, "z:s", "-inf", "2", &(rcore_zrangebyscore_opts){.withscores = true}, &r));
    np = pairs_of(r, p, 8);
    assert_int_equal(np, 2);
    assert_string_equal(p[1].member, "a");
    rsdk_reply_free(r);
}

static void ranks_and_pops(rsdk_client *c, int proto) {
    (void)proto;
    rcore_zadd_data m[] = {{1, RSDK_S("a")}, {2, RSDK_S("b")}, {3, RSDK_S("c")}, {4, RSDK_S("d")}};
    OK(rcore_zadd(c, "z:r", m, 4, NULL, NULL));
    rsdk_reply *r = NULL;
    OK(rcore_zrank(c, "z:r", "c", NULL, &r));
    assert_int_equal(r->type, RSDK_REPLY_INTEGER);
    assert_int_equal(r->integer, 2);
    rsdk_reply_free(r);
    OK(rcore_zrevrank(c, "z:r", "none", NULL, &r));
    assert_int_equal(r->type, RSDK_REPLY_NIL);
    rsdk_reply_free(r);
    OK(rcore_zpopmin(c, "z:r", &(rcore_zpopmin_opts){.has_count = true, .count = 2}, &r));
    pair p[4];
    assert_int_equal(pairs_of(r, p, 4), 2);
    assert_string_equal(p[0].member, "a");
    assert_true(p[1].score == 2.0);
    rsdk_reply_free(r);
    OK(rcore_zmpop(c, (rsdk_str[]){RSDK_S("z:none"), RSDK_S("z:r")}, 2, RCORE_ZMPOP_WHERE_MAX, NULL, &r));
    assert_string_equal(tc_str_at(r, 0), "z:r");
    const rsdk_reply *popped = &r->element[1];
    assert_int_equal(popped->elements, 1);
    assert_string_equal(popped->element[0].element[0].str, "d");
    assert_int_equal(popped->element[0].element[1].type, RSDK_REPLY_DOUBLE); /* normalised */
    assert_true(popped->element[0].element[1].dval == 4.0);
    rsdk_reply_free(r);
    OK(rcore_bzpopmin(c, (rsdk_str[]){RSDK_S("z:r")}, 1, 0.01, &r));
    assert_int_equal(r->elements, 3); /* key, member, score */
    assert_string_equal(r->element[1].str, "c");
    assert_int_equal(r->element[2].type, RSDK_REPLY_DOUBLE);
    assert_true(r->element[2].dval == 3.0);
    rsdk_reply_free(r);
    OK(rcore_bzpopmin(c, (rsdk_str[]){RSDK_S("z:r")}, 1, 0.01, &r));
    assert_int_equal(r->type, RSDK_REPLY_NIL);
    rsdk_reply_free(r);
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
    rsdk_reply *r = NULL;
    OK(rcore_zinter(c, keys, 2, &(rcore_zinter_opts){.withscores = true}, &r));
    pair p[4];
    assert_int_equal(pairs_of(r, p, 4), 1);
    assert_string_equal(p[0].member, "y");
    assert_true(p[0].score == 12.0);
    rsdk_reply_free(r);
    OK(rcore_zrangestore(c, "z:st", "z:u", "0", "1", NULL, &n));
    assert_int_equal(n, 2);
    OK(rcore_zrandmember(c, "z:u", &(rcore_zrandmember_opts){.options = &(rcore_zrandmember_options){.count = 2,
                                                                                                   .withscores = true}},
                         &r));
    assert_int_equal(pairs_of(r, p, 4), 2);
    rsdk_reply_free(r);
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
