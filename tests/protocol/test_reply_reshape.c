/* rsdk_reply_reshape brings RESP2 layouts to RESP3's (flat pairs regrouped,
 * a [key, value] pair list made a map) in a new tree, equal to what RESP3
 * sends; rsdk_reply_normalize only retags, never allocates; a reply already
 * in RESP3 form is left alone; odd input stays as received; running out of
 * memory leaves the reply usable. The wire bytes are Redis 7.0's replies to
 * the same commands on each protocol. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "support/resp_fixture.h"
#include "support/shapes.h"
#include "rsdk/error.h"
#include "rsdk/reply_shape.h"
#include "support/fail_alloc.h"

/* ZRANGE z 0 -1 WITHSCORES */
static const char ZRANGE2[] = "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n$1\r\nc\r\n$3\r\ninf\r\n";
static const char ZRANGE3[] = "*3\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n*2\r\n$1\r\nc\r\n,inf\r\n";
/* XREAD STREAMS s t 0 0 */
static const char XREAD2[] = "*2\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
                             "*2\r\n$1\r\nt\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n";
static const char XREAD3[] = "%2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
                             "$1\r\nt\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n";
/* A map of anything to arrays. */
static const rsdk_shape STREAMS[] = {
    {RSDK_SHAPE_ANY, 0, 0, 0, NULL},
    {RSDK_SHAPE_MAP, 0, 0, 2, NULL},
    {RSDK_SHAPE_ARRAY, 0, 0, 0, NULL},
};

/* A map whose "pop" value is score pairs and whose "n" is a number, around
 * both RESP2 layouts at once. */
static const char NESTED2[] = "*6\r\n$3\r\npop\r\n*2\r\n$1\r\nm\r\n$3\r\n0.5\r\n$1\r\nn\r\n$1\r\n7\r\n"
                              "$3\r\nmap\r\n*1\r\n*2\r\n$1\r\nk\r\n$3\r\n1.5\r\n";
static const char NESTED3[] = "%3\r\n$3\r\npop\r\n*1\r\n*2\r\n$1\r\nm\r\n,0.5\r\n$1\r\nn\r\n,7\r\n"
                              "$3\r\nmap\r\n%1\r\n$1\r\nk\r\n,1.5\r\n";
static const char *const NESTED_KEYS[] = {"pop", "n", "map"};
static const rsdk_shape NESTED[] = {
    {RSDK_SHAPE_ANY, 0, 0, 0, NULL},
    {RSDK_SHAPE_MAP, 3, 2, 0, NESTED_KEYS},
    {RSDK_SHAPE_PAIRS, 0, 0, 5, NULL}, /* pop */
    {RSDK_SHAPE_DOUBLE, 0, 0, 0, NULL}, /* n */
    {RSDK_SHAPE_MAP, 0, 0, 7, NULL},    /* map: anything -> number */
    {RSDK_SHAPE_TUPLE, 2, 6, 0, NULL},
    {RSDK_SHAPE_ANY, 0, 0, 0, NULL},
    {RSDK_SHAPE_DOUBLE, 0, 0, 0, NULL},
};

static rsdk_reply *parse(const char *wire) {
    rsdk_reply *r = NULL;
    assert_int_equal(fx_parse(wire, strlen(wire), 0, 0, &r, 1, true), 1);
    return r;
}

/* Reshapes the RESP2 and the RESP3 reply and checks both end equal. */
static void check_same(const char *wire2, const char *wire3, const rsdk_shape *table, const char *want) {
    rsdk_reply *r2 = parse(wire2), *r3 = parse(wire3), *out2 = NULL, *out3 = (rsdk_reply *)1;
    assert_int_equal(rsdk_reply_reshape(r2, table, 1, &out2), RSDK_OK);
    assert_non_null(out2); /* RESP2's layout needed new nodes */
    assert_int_equal(rsdk_reply_reshape(r3, table, 1, &out3), RSDK_OK);
    assert_null(out3); /* already the RESP3 form */
    char a[512], b[512];
    if (!fx_tree_equal(out2, r3))
        fail_msg("RESP2 %s\n  vs RESP3 %s", fx_dump(out2, a, sizeof a), fx_dump(r3, b, sizeof b));
    assert_string_equal(fx_dump(out2, a, sizeof a), want);
    /* the result is in the RESP3 form: reshaping it again changes nothing */
    rsdk_reply *again = (rsdk_reply *)1;
    assert_int_equal(rsdk_reply_reshape(out2, table, 1, &again), RSDK_OK);
    assert_null(again);
    assert_true(fx_tree_equal(out2, r3));
    rsdk_reply_free(out2);
    rsdk_reply_free(r2);
    rsdk_reply_free(r3);
}

static void flat_pairs_are_regrouped_with_double_scores(void **st) {
    (void)st;
    check_same(ZRANGE2, ZRANGE3, RT_SCORE_PAIRS, "*[*[\"a\",,1],*[\"b\",,2.5],*[\"c\",,inf]]");
}

static void a_pair_list_becomes_a_map(void **st) {
    (void)st;
    check_same(XREAD2, XREAD3, STREAMS,
               "%{\"s\":*[*[\"1-1\",*[\"f\",\"v\"]]],\"t\":*[*[\"1-1\",*[\"a\",\"b\"]]]}");
}

static void layouts_inside_a_map_follow_its_keys(void **st) {
    (void)st;
    check_same(NESTED2, NESTED3, NESTED, "%{\"pop\":*[*[\"m\",,0.5]],\"n\":,7,\"map\":%{\"k\":,1.5}}");
}

/* RESP3 attributes ride along with their node into the new tree. */
static void attributes_are_copied(void **st) {
    (void)st;
    rsdk_reply *r = parse("|1\r\n+ttl\r\n:3\r\n*2\r\n*2\r\n$1\r\nk\r\n$1\r\n1\r\n*2\r\n$1\r\nj\r\n$1\r\n2\r\n");
    rsdk_reply *out = NULL;
    assert_int_equal(rsdk_reply_reshape(r, STREAMS, 1, &out), RSDK_OK);
    assert_non_null(out);
    char a[256];
    assert_string_equal(fx_dump(out, a, sizeof a), "|%{+\"ttl\"::3}%{\"k\":\"1\",\"j\":\"2\"}");
    rsdk_reply_free(out);
    rsdk_reply_free(r);
}

/* Without new nodes: tags only, the layout as received, no allocation. */
static void normalize_alone_only_retags(void **st) {
    (void)st;
    rsdk_reply *r = parse(ZRANGE2);
    rsdk_test_alloc_install();
    rsdk_test_alloc_fail_after(0);
    rsdk_reply_normalize(r, RT_SCORE_PAIRS, 1);
    assert_int_equal(rsdk_test_alloc_stats_get().failed, 0); /* nothing even asked */
    rsdk_test_alloc_remove();
    char a[256];
    assert_string_equal(fx_dump(r, a, sizeof a), "*[\"a\",,1,\"b\",,2.5,\"c\",,inf]");
    rsdk_reply_normalize(r, RT_SCORE_PAIRS, 1); /* twice: the same */
    assert_string_equal(fx_dump(r, a, sizeof a), "*[\"a\",,1,\"b\",,2.5,\"c\",,inf]");
    rsdk_reply_free(r);
    rsdk_reply_normalize(NULL, RT_SCORE_PAIRS, 1);
}

static void without_memory_the_reply_stays_usable(void **st) {
    (void)st;
    rsdk_reply *r = parse(XREAD2);
    rsdk_reply *out = (rsdk_reply *)1;
    rsdk_test_alloc_install();
    rsdk_test_alloc_fail_nth(1);
    assert_int_equal(rsdk_reply_reshape(r, STREAMS, 1, &out), RSDK_ERR_NOMEM);
    assert_int_equal(rsdk_test_alloc_refused(), 1);
    rsdk_test_alloc_remove();
    assert_ptr_equal(out, (rsdk_reply *)1); /* untouched */
    assert_int_equal(r->type, RSDK_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    assert_int_equal(rsdk_reply_reshape(r, STREAMS, 1, &out), RSDK_OK); /* and works later */
    assert_non_null(out);
    assert_int_equal(out->type, RSDK_REPLY_MAP);
    rsdk_reply_free(out);
    rsdk_reply_free(r);
    assert_int_equal(rsdk_reply_reshape(NULL, STREAMS, 1, &out), RSDK_ERR_INVALID_ARG);
}

/* What does not have the layout the shape expects is left as received:
 * an odd flat list, an array whose elements are not all pairs. */
static void other_layouts_stay_as_received(void **st) {
    (void)st;
    static const char *const wires[] = {
        "*3\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n",
        "*2\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n$1\r\nx\r\n",
        "*0\r\n",
    };
    const rsdk_shape *tables[] = {RT_SCORE_PAIRS, STREAMS, RT_SCORE_PAIRS};
    for (size_t i = 0; i < 3; i++) {
        rsdk_reply *r = parse(wires[i]), *copy = parse(wires[i]), *out = (rsdk_reply *)1;
        assert_int_equal(rsdk_reply_reshape(r, tables[i], 1, &out), RSDK_OK);
        assert_null(out);
        assert_int_equal(r->type, RSDK_REPLY_ARRAY);
        assert_int_equal(r->elements, copy->elements);
        rsdk_reply_free(r);
        rsdk_reply_free(copy);
    }
    /* no table: only the shape-free rules (sets and verbatim strings) */
    rsdk_reply *r = parse("~2\r\n=7\r\ntxt:abc\r\n:1\r\n"), *out = (rsdk_reply *)1;
    assert_int_equal(rsdk_reply_reshape(r, NULL, 1, &out), RSDK_OK);
    assert_null(out);
    char a[128];
    assert_string_equal(fx_dump(r, a, sizeof a), "*[\"abc\",:1]");
    rsdk_reply_free(r);
}

static void numbers_from_any_protocol(void **st) {
    (void)st;
    rsdk_reply *r = parse("*6\r\n,2.5\r\n:7\r\n$4\r\n-inf\r\n+0.25\r\n$3\r\n1.x\r\n_\r\n");
    double d = 0;
    assert_true(rsdk_reply_number(&r->element[0], &d) && d == 2.5);
    assert_true(rsdk_reply_number(&r->element[1], &d) && d == 7);
    assert_true(rsdk_reply_number(&r->element[2], &d) && isinf(d) && d < 0);
    assert_true(rsdk_reply_number(&r->element[3], &d) && d == 0.25);
    d = 9;
    assert_false(rsdk_reply_number(&r->element[4], &d));
    assert_false(rsdk_reply_number(&r->element[5], &d));
    assert_false(rsdk_reply_number(r, &d)); /* an array */
    assert_false(rsdk_reply_number(NULL, &d));
    assert_true(d == 9); /* untouched on failure */
    rsdk_reply_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flat_pairs_are_regrouped_with_double_scores),
        cmocka_unit_test(a_pair_list_becomes_a_map),
        cmocka_unit_test(layouts_inside_a_map_follow_its_keys),
        cmocka_unit_test(attributes_are_copied),
        cmocka_unit_test(normalize_alone_only_retags),
        cmocka_unit_test(without_memory_the_reply_stays_usable),
        cmocka_unit_test(other_layouts_stay_as_received),
        cmocka_unit_test(numbers_from_any_protocol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
