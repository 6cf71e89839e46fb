/* Typed decoders give the same C result for the RESP2 and the RESP3 form of
 * a reply; reply trees are normalised to the RESP3 form the schema
 * describes. Replies are built by hand (plain public structs). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/fix.h"
#include "support/replies.h"

static void doubles_agree_across_protocols(void **st) {
    (void)st;
    rsdk_reply resp3 = rt_dbl(2.5, "2.5"), resp2 = rt_str("2.5"), inf2 = rt_str("-inf");
    double a = 0, b = 0, c = 0;
    assert_int_equal(rfix_blk_decode(&resp3, &a, NULL), RSDK_OK);
    assert_int_equal(rfix_blk_decode(&resp2, &b, NULL), RSDK_OK);
    assert_int_equal(rfix_blk_decode(&inf2, &c, NULL), RSDK_OK);
    assert_true(a == 2.5 && b == 2.5);
    assert_true(isinf(c) && c < 0);
    rsdk_reply junk = rt_str("2.5x");
    assert_int_equal(rfix_blk_decode(&junk, &a, NULL), RSDK_ERR_UNEXPECTED_REPLY);
    /* a schema "string" overridden to double parses the text */
    rsdk_reply txt = rt_str("10.5");
    assert_int_equal(rfix_fltxt_decode(&txt, &a, NULL), RSDK_OK);
    assert_true(a == 10.5);
}

static void nil_forms_give_nil(void **st) {
    (void)st;
    rsdk_reply nil = rt_nil();
    rsdk_double_or_nil d = {1, false};
    assert_int_equal(rfix_numk_decode(&nil, &d, NULL), RSDK_OK);
    assert_true(d.nil);
    rsdk_reply s2 = rt_str("1.25");
    assert_int_equal(rfix_numk_decode(&s2, &d, NULL), RSDK_OK);
    assert_false(d.nil);
    assert_true(d.value == 1.25);
    rsdk_int_or_nil i = {5, false};
    assert_int_equal(rfix_pairs_decode(&nil, &i, NULL), RSDK_OK);
    assert_true(i.nil);
    rsdk_reply n = rt_num(3);
    assert_int_equal(rfix_pairs_decode(&n, &i, NULL), RSDK_OK);
    assert_false(i.nil);
    assert_int_equal(i.value, 3);
    rsdk_string s = {0};
    assert_int_equal(rfix_strs_decode(&nil, &s, NULL), RSDK_OK);
    assert_true(s.nil);
    assert_null(s.ptr);
    int64_t v = 0;
    assert_int_equal(rfix_nums_decode(&nil, &v, NULL), RSDK_ERR_NIL);
}

static void booleans_agree_across_protocols(void **st) {
    (void)st;
    /* FLAG's schema says boolean: RESP3 #t or RESP2's 0/1 */
    rsdk_reply resp2 = rt_num(1), resp3 = {.type = RSDK_REPLY_BOOL, .integer = 1}, zero = rt_num(0);
    bool a = false, b = false, c = true;
    assert_int_equal(rfix_flag_decode(&resp2, &a, NULL), RSDK_OK);
    assert_int_equal(rfix_flag_decode(&resp3, &b, NULL), RSDK_OK);
    assert_int_equal(rfix_flag_decode(&zero, &c, NULL), RSDK_OK);
    assert_true(a && b && !c);
    /* CHOOSE's says the integers 0 and 1, which both protocols send */
    assert_int_equal(rfix_choose_decode(&resp2, &a, NULL), RSDK_OK);
    assert_int_equal(rfix_choose_decode(&zero, &a, NULL), RSDK_OK);
    assert_false(a);
    assert_int_equal(rfix_choose_decode(&resp3, &a, NULL), RSDK_ERR_UNEXPECTED_REPLY);
}

static void strings_accept_bulk_and_verbatim_not_status(void **st) {
    (void)st;
    rsdk_reply bulk = rt_str("v"), status = rt_typed(RSDK_REPLY_STATUS, "OK"), verb = rt_typed(RSDK_REPLY_VERB, "txt");
    rsdk_string s = {0};
    assert_int_equal(rfix_strs_decode(&bulk, &s, NULL), RSDK_OK);
    assert_int_equal(s.len, 1);
    assert_ptr_equal(s.ptr, bulk.str); /* borrowed */
    assert_null(s.owner);
    assert_int_equal(rfix_strs_decode(&verb, &s, NULL), RSDK_OK);
    assert_string_equal(s.ptr, "txt");
    /* a status is no bulk string: no server sends STRS one */
    rsdk_error e;
    assert_int_equal(rfix_strs_decode(&status, &s, &e), RSDK_ERR_UNEXPECTED_REPLY);
    assert_string_equal(e.message, "STRS: unexpected reply type status (expected string or nil)");
    assert_string_equal(s.ptr, "txt"); /* untouched */
    rsdk_reply arr = rt_agg(RSDK_REPLY_ARRAY, NULL, 0);
    assert_int_equal(rfix_strs_decode(&arr, &s, NULL), RSDK_ERR_UNEXPECTED_REPLY);
    rsdk_string_deinit(&s); /* borrowed: frees nothing */
    assert_true(s.nil);
}

static void status_commands_check_the_reply(void **st) {
    (void)st;
    rsdk_reply ok = rt_typed(RSDK_REPLY_STATUS, "OK"), n = rt_num(1);
    assert_int_equal(rfix_toks_decode(&ok, NULL), RSDK_OK);
    assert_int_equal(rfix_toks_decode(&n, NULL), RSDK_ERR_UNEXPECTED_REPLY);
    assert_int_equal(rfix_toks_decode(NULL, NULL), RSDK_ERR_INVALID_ARG);
}

static void error_replies_map_to_their_codes(void **st) {
    (void)st;
    rsdk_reply e = rt_typed(RSDK_REPLY_ERROR, "WRONGTYPE Operation against a key holding the wrong kind of value");
    int64_t v = 0;
    assert_int_equal(rfix_nums_decode(&e, &v, NULL), RSDK_ERR_WRONGTYPE);
    const rsdk_reply *t = NULL;
    assert_int_equal(rfix_ops_decode(&e, &t, NULL), RSDK_ERR_WRONGTYPE);
    assert_null(t);
    rsdk_reply other = rt_typed(RSDK_REPLY_ERROR, "ERR something");
    assert_int_equal(rfix_toks_decode(&other, NULL), RSDK_ERR_RESPONSE);
}

/* GRP STATS: a map with a double, a boolean, a nested map of doubles, an
 * array of (string, double) pairs and a set. */
static void reply_trees_take_the_resp3_form(void **st) {
    (void)st;
    /* RESP2 form: flat arrays, doubles as bulk strings, boolean as 0/1 */
    rsdk_reply perdb2[] = {rt_str("db0"), rt_str("1.5"), rt_str("db1"), rt_str("inf")};
    rsdk_reply pair2[] = {rt_str("m"), rt_str("0.25")};
    rsdk_reply pairs2[] = {rt_agg(RSDK_REPLY_ARRAY, pair2, 2)};
    rsdk_reply members2[] = {rt_str("x")};
    rsdk_reply top2[] = {rt_str("score"),  rt_str("3.5"),
                         rt_str("flag"),   rt_num(1),
                         rt_str("per-db"), rt_agg(RSDK_REPLY_ARRAY, perdb2, 4),
                         rt_str("pairs"),  rt_agg(RSDK_REPLY_ARRAY, pairs2, 1),
                         rt_str("members"), rt_agg(RSDK_REPLY_ARRAY, members2, 1)};
    rsdk_reply root2 = rt_agg(RSDK_REPLY_ARRAY, top2, 10);
    /* RESP3 form */
    rsdk_reply perdb3[] = {rt_str("db0"), rt_dbl(1.5, "1.5"), rt_str("db1"), rt_dbl(INFINITY, "inf")};
    rsdk_reply pair3[] = {rt_str("m"), rt_dbl(0.25, "0.25")};
    rsdk_reply pairs3[] = {rt_agg(RSDK_REPLY_ARRAY, pair3, 2)};
    rsdk_reply members3[] = {rt_typed(RSDK_REPLY_VERB, "x")};
    rsdk_reply flag3 = {.type = RSDK_REPLY_BOOL, .integer = 1};
    rsdk_reply top3[] = {rt_str("score"),  rt_dbl(3.5, "3.5"),
                         rt_str("flag"),   flag3,
                         rt_str("per-db"), rt_agg(RSDK_REPLY_MAP, perdb3, 4),
                         rt_str("pairs"),  rt_agg(RSDK_REPLY_ARRAY, pairs3, 1),
                         rt_str("members"), rt_agg(RSDK_REPLY_SET, members3, 1)};
    rsdk_reply root3 = rt_agg(RSDK_REPLY_MAP, top3, 10);

    const rsdk_reply *roots[2] = {NULL, NULL};
    assert_int_equal(rfix_grp_stats_decode(&root2, &roots[0], NULL), RSDK_OK);
    assert_int_equal(rfix_grp_stats_decode(&root3, &roots[1], NULL), RSDK_OK);
    for (int i = 0; i < 2; i++) {
        const rsdk_reply *r = roots[i];
        assert_int_equal(r->type, RSDK_REPLY_MAP);
        const rsdk_reply *score = rsdk_reply_map_get(r, "score");
        assert_non_null(score);
        assert_int_equal(score->type, RSDK_REPLY_DOUBLE);
        assert_true(score->dval == 3.5);
        assert_int_equal(rsdk_reply_map_get(r, "flag")->type, RSDK_REPLY_BOOL);
        const rsdk_reply *perdb = rsdk_reply_map_get(r, "per-db");
        assert_int_equal(perdb->type, RSDK_REPLY_MAP);
        assert_int_equal(perdb->element[1].type, RSDK_REPLY_DOUBLE);
        assert_true(isinf(perdb->element[3].dval));
        const rsdk_reply *pair = &rsdk_reply_map_get(r, "pairs")->element[0];
        assert_int_equal(pair->element[0].type, RSDK_REPLY_STRING);
        assert_int_equal(pair->element[1].type, RSDK_REPLY_DOUBLE);
        assert_true(pair->element[1].dval == 0.25);
        const rsdk_reply *members = rsdk_reply_map_get(r, "members");
        assert_int_equal(members->type, RSDK_REPLY_ARRAY);
        assert_int_equal(members->element[0].type, RSDK_REPLY_STRING);
    }
    /* normalising again changes nothing */
    rsdk_reply before[10];
    memcpy(before, top2, sizeof before);
    assert_int_equal(rfix_grp_stats_decode(&root2, &roots[0], NULL), RSDK_OK);
    assert_memory_equal(before, top2, sizeof before);
}

static void shape_free_trees_only_lose_sets_and_verbatim(void **st) {
    (void)st;
    rsdk_reply inner[] = {rt_typed(RSDK_REPLY_VERB, "w")};
    rsdk_reply el[] = {rt_num(1), rt_nil(), rt_typed(RSDK_REPLY_VERB, "v"), rt_agg(RSDK_REPLY_SET, inner, 1)};
    rsdk_reply root = rt_agg(RSDK_REPLY_ARRAY, el, 4);
    const rsdk_reply *out = NULL;
    assert_int_equal(rfix_ops_decode(&root, &out, NULL), RSDK_OK);
    assert_ptr_equal(out, &root);
    assert_int_equal(el[0].type, RSDK_REPLY_INTEGER);
    assert_int_equal(el[2].type, RSDK_REPLY_STRING);
    assert_int_equal(el[3].type, RSDK_REPLY_ARRAY);
    assert_int_equal(inner[0].type, RSDK_REPLY_STRING);
    /* OPS's schema is an array without uniqueItems: a set on top is refused */
    rsdk_reply set = rt_agg(RSDK_REPLY_SET, inner, 1);
    rsdk_error e;
    assert_int_equal(rfix_ops_decode(&set, &out, &e), RSDK_ERR_UNEXPECTED_REPLY);
    assert_string_equal(e.message, "OPS: unexpected reply type set (expected array)");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(doubles_agree_across_protocols),
        cmocka_unit_test(nil_forms_give_nil),
        cmocka_unit_test(booleans_agree_across_protocols),
        cmocka_unit_test(strings_accept_bulk_and_verbatim_not_status),
        cmocka_unit_test(status_commands_check_the_reply),
        cmocka_unit_test(error_replies_map_to_their_codes),
        cmocka_unit_test(reply_trees_take_the_resp3_form),
        cmocka_unit_test(shape_free_trees_only_lose_sets_and_verbatim),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
