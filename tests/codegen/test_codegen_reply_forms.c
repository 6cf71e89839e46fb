/* Reply schemas with alternatives (forms/forms.json): the generator
 * merges them into one shape where RESP2 can still tell the alternatives
 * apart (a number beside an integer, a map beside text), and gives none
 * where it cannot (a number beside text, a map beside an array). With
 * "rsdk": {"pairs_option"} the decoder reads the reply the command gives
 * without the option; the option's pairs form is the calls' business
 * (tests/commands/test_typed_same_on_both_protocols.c). Replies are built by
 * hand (plain public structs), so no server is needed. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/forms.h"
#include "support/replies.h"

/* TST.ALTS: text | integer | {matches: [int], score: number}. */
static void a_map_beside_text_and_integers_is_normalised(void **st) {
    (void)st;
    rsdk_reply matches[] = {rt_num(4), rt_num(7)};
    rsdk_reply flat[] = {rt_str("matches"), rt_agg(RSDK_REPLY_ARRAY, matches, 2), rt_str("score"), rt_str("1.5")};
    rsdk_reply resp2 = rt_agg(RSDK_REPLY_ARRAY, flat, 4);
    const rsdk_reply *out = NULL;
    assert_int_equal(rforms_alts_decode(&resp2, &out, NULL), RSDK_OK);
    assert_int_equal(out->type, RSDK_REPLY_MAP);
    const rsdk_reply *score = rsdk_reply_map_get(out, "score");
    assert_int_equal(score->type, RSDK_REPLY_DOUBLE);
    assert_true(score->dval == 1.5);
    assert_int_equal(rsdk_reply_map_get(out, "matches")->type, RSDK_REPLY_ARRAY);
    /* the other alternatives pass untouched: "1.5" as text is no number here */
    rsdk_reply text = rt_str("1.5"), n = rt_num(3);
    assert_int_equal(rforms_alts_decode(&text, &out, NULL), RSDK_OK);
    assert_int_equal(text.type, RSDK_REPLY_STRING);
    assert_int_equal(rforms_alts_decode(&n, &out, NULL), RSDK_OK);
    assert_int_equal(n.type, RSDK_REPLY_INTEGER);
}

/* TST.INCR: null | integer | number (ZADD with and without INCR). */
static void a_number_beside_an_integer_is_normalised(void **st) {
    (void)st;
    rsdk_reply resp2 = rt_str("2.5"), resp3 = rt_dbl(2.5, "2.5"), n = rt_num(1), nil = {.type = RSDK_REPLY_NIL};
    const rsdk_reply *out = NULL;
    assert_int_equal(rforms_incr_decode(&resp2, &out, NULL), RSDK_OK);
    assert_int_equal(resp2.type, RSDK_REPLY_DOUBLE);
    assert_true(resp2.dval == 2.5);
    assert_int_equal(rforms_incr_decode(&resp3, &out, NULL), RSDK_OK);
    assert_int_equal(resp3.type, RSDK_REPLY_DOUBLE);
    assert_int_equal(rforms_incr_decode(&n, &out, NULL), RSDK_OK);
    assert_int_equal(n.type, RSDK_REPLY_INTEGER);
    assert_int_equal(rforms_incr_decode(&nil, &out, NULL), RSDK_OK);
    assert_int_equal(nil.type, RSDK_REPLY_NIL);
}

/* TST.CLASH: text | number | [text] | {text}: on RESP2 "2.5" may be either
 * text or number, and a flat array either list or map, so nothing changes. */
static void alternatives_resp2_cannot_tell_apart_stay_as_received(void **st) {
    (void)st;
    rsdk_reply text = rt_str("2.5");
    const rsdk_reply *out = NULL;
    assert_int_equal(rforms_clash_decode(&text, &out, NULL), RSDK_OK);
    assert_int_equal(text.type, RSDK_REPLY_STRING);
    rsdk_reply el[] = {rt_str("a"), rt_str("b")};
    rsdk_reply arr = rt_agg(RSDK_REPLY_ARRAY, el, 2);
    assert_int_equal(rforms_clash_decode(&arr, &out, NULL), RSDK_OK);
    assert_int_equal(arr.type, RSDK_REPLY_ARRAY);
}

/* TST.POP: [member, score] without the option, [[member, score], ...] with
 * it. The decoder reads the first form; the second, already in RESP3 form,
 * passes through unchanged. */
static void pairs_option_decoders_read_the_form_without_the_option(void **st) {
    (void)st;
    rsdk_reply one[] = {rt_str("m"), rt_str("1.5")};
    rsdk_reply resp2 = rt_agg(RSDK_REPLY_ARRAY, one, 2);
    const rsdk_reply *out = NULL;
    assert_int_equal(rforms_pop_decode(&resp2, &out, NULL), RSDK_OK);
    assert_int_equal(one[0].type, RSDK_REPLY_STRING);
    assert_int_equal(one[1].type, RSDK_REPLY_DOUBLE);
    assert_true(one[1].dval == 1.5);
    rsdk_reply p1[] = {rt_str("a"), rt_dbl(1, "1")}, p2[] = {rt_str("b"), rt_dbl(2, "2")};
    rsdk_reply pairs[] = {rt_agg(RSDK_REPLY_ARRAY, p1, 2), rt_agg(RSDK_REPLY_ARRAY, p2, 2)};
    rsdk_reply resp3 = rt_agg(RSDK_REPLY_ARRAY, pairs, 2);
    rsdk_reply before[2];
    memcpy(before, pairs, sizeof before);
    assert_int_equal(rforms_pop_decode(&resp3, &out, NULL), RSDK_OK);
    assert_memory_equal(before, pairs, sizeof before);
    assert_int_equal(p2[1].type, RSDK_REPLY_DOUBLE);
    /* TST.ZR and TST.RAND have nothing to normalise without their option:
     * RESP2's flat pairs stay flat (regrouping needs the option) */
    rsdk_reply flat[] = {rt_str("a"), rt_str("1"), rt_str("b"), rt_str("2")};
    rsdk_reply zr = rt_agg(RSDK_REPLY_ARRAY, flat, 4);
    assert_int_equal(rforms_zr_decode(&zr, &out, NULL), RSDK_OK);
    assert_int_equal(zr.elements, 4);
    assert_int_equal(flat[1].type, RSDK_REPLY_STRING);
    rsdk_pairs rv;
    assert_int_equal(rforms_rand_decode(&zr, &rv, NULL), RSDK_OK);
    assert_int_equal(zr.elements, 4);
    assert_int_equal(rv.count, 4); /* read as four fields without values */
    assert_true(rsdk_pairs_at(&rv, 0).value.nil);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_map_beside_text_and_integers_is_normalised),
        cmocka_unit_test(a_number_beside_an_integer_is_normalised),
        cmocka_unit_test(alternatives_resp2_cannot_tell_apart_stay_as_received),
        cmocka_unit_test(pairs_option_decoders_read_the_form_without_the_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
