/* Vector sets with typed results against Redis 8.0 (vector sets built in),
 * each body on RESP2 and on RESP3 with the same C results: float vectors
 * in (FP32 blob and VALUES), VSIM members and member/score pairs (the
 * scored view: RESP3's map, RESP2's flat pairs regrouped), VEMB as numbers,
 * attributes as json_t; and bad input (empty or NULL vector, non-finite
 * component, REDUCE at or above the dimension, NULL json_t) refused with
 * nothing sent. WITHATTRIBS came with Redis 8.2 and is not exercised. */
#include <math.h>

#include "rsdk/vectorset_floats.h"
#include "typed_common.h"

static void add_and_search(rsdk_client *c, int proto) {
    (void)proto;
    bool added = false;
    OK(rvset_add_floats(c, "v:s", "a", (float[]){1, 0, 0}, 3, &(rvset_add_opts){.quant_type = RVSET_ADD_QUANT_TYPE_NOQUANT}, &added));
    assert_true(added);
    OK(rvset_add_floats(c, "v:s", "a", (float[]){1, 0, 0}, 3, &(rvset_add_opts){.quant_type = RVSET_ADD_QUANT_TYPE_NOQUANT}, &added));
    assert_false(added); /* already there: updated */
    /* VALUES through the generated call: doubles, the count filled in */
    OK(rvset_add(c, "v:s", ((rvset_add_vector){.kind = RVSET_ADD_VECTOR_VALUES, .values = {(double[]){0, 1, 0}, 3}}), "b",
                 &(rvset_add_opts){.quant_type = RVSET_ADD_QUANT_TYPE_NOQUANT}, &added));
    assert_true(added);
    OK(rvset_add_floats(c, "v:s", "c", (float[]){0.6f, 0.8f, 0}, 3, &(rvset_add_opts){.quant_type = RVSET_ADD_QUANT_TYPE_NOQUANT}, NULL));
    int64_t n = 0;
    OK(rvset_card(c, "v:s", &n));
    assert_int_equal(n, 3);
    OK(rvset_dim(c, "v:s", &n));
    assert_int_equal(n, 3);

    rsdk_scored sc;
    OK(rvset_sim_floats(c, "v:s", (float[]){1, 0, 0}, 3, &(rvset_sim_opts){.withscores = true}, &sc));
    assert_int_equal(sc.count, 3);
    rsdk_scored_member m0 = rsdk_scored_at(&sc, 0), m2 = rsdk_scored_at(&sc, 2);
    assert_memory_equal(m0.member.ptr, "a", 1);
    assert_true(m0.has_score && fabs(m0.score - 1.0) < 1e-6);
    assert_memory_equal(m2.member.ptr, "b", 1);
    assert_true(m2.has_score && fabs(m2.score - 0.5) < 1e-6); /* (1 + cos 90°) / 2 */
    rsdk_scored_deinit(&sc);
    OK(rvset_sim(c, "v:s", ((rvset_sim_query){.kind = RVSET_SIM_QUERY_ELE, .ele = RSDK_S("b")}),
                 &(rvset_sim_opts){.has_count = true, .count = 2}, &sc));
    assert_int_equal(sc.count, 2);
    assert_memory_equal(rsdk_scored_at(&sc, 0).member.ptr, "b", 1);
    assert_false(rsdk_scored_at(&sc, 0).has_score);
    rsdk_scored_deinit(&sc);
    OK(rvset_sim(c, "v:s", ((rvset_sim_query){.kind = RVSET_SIM_QUERY_VALUES, .values = {(double[]){0.6, 0.8, 0}, 3}}),
                 &(rvset_sim_opts){.withscores = true, .has_count = true, .count = 1}, &sc));
    assert_int_equal(sc.count, 1);
    assert_memory_equal(rsdk_scored_at(&sc, 0).member.ptr, "c", 1);
    rsdk_scored_deinit(&sc);

    rsdk_doubles d;
    OK(rvset_emb(c, "v:s", "c", NULL, &d));
    assert_int_equal(d.count, 3);
    assert_true(fabs(rsdk_doubles_at(&d, 0).value - 0.6) < 1e-6);
    assert_true(fabs(rsdk_doubles_at(&d, 1).value - 0.8) < 1e-6);
    rsdk_doubles_deinit(&d);
    OK(rvset_emb(c, "v:s", "none", NULL, &d));
    assert_true(d.nil);
    rsdk_doubles_deinit(&d);

    rsdk_strings l;
    OK(rvset_randmember(c, "v:s", &(rvset_randmember_opts){.has_count = true, .count = 5}, &l));
    tc_assert_list_set(&l, 3, "a", "b", "c");
    rsdk_strings_deinit(&l);
    bool removed = false;
    OK(rvset_rem(c, "v:s", (rsdk_str[]){RSDK_S("c")}, 1, &removed)); /* Redis 8.0 takes one element */
    assert_true(removed);
    rsdk_reply *info = NULL;
    OK(rvset_info(c, "v:s", &info));
    const rsdk_reply *size = rsdk_reply_map_get(info, "size");
    assert_non_null(size);
    assert_int_equal(size->integer, 2);
    rsdk_reply_free(info);
}

static void attributes_as_json(rsdk_client *c, int proto) {
    (void)proto;
    OK(rvset_add_floats(c, "v:a", "e", (float[]){1, 2}, 2, NULL, NULL));
    json_t *v = json_true();
    OK(rvset_getattr_json(c, "v:a", "e", &v));
    assert_null(v); /* none yet */
    json_t *attrs = json_pack("{s:s, s:i}", "genre", "jazz", "year", 1959);
    bool set = false;
    OK(rvset_setattr_json(c, "v:a", "e", attrs, &set));
    assert_true(set);
    OK(rvset_getattr_json(c, "v:a", "e", &v));
    assert_true(json_equal(v, attrs));
    json_decref(v);
    rsdk_scored sc;
    OK(rvset_sim_floats(c, "v:a", (float[]){1, 2}, 2, &(rvset_sim_opts){.expression = RSDK_S(".year < 1960")}, &sc));
    assert_int_equal(sc.count, 1);
    rsdk_scored_deinit(&sc);
    OK(rvset_setattr_json(c, "v:a", "nobody", attrs, &set));
    assert_false(set);
    json_decref(attrs);
}

static void bad_input_sends_nothing(rsdk_client *c, int proto) {
    OK(rvset_add_floats(c, "v:b", "e", (float[]){1, 2}, 2, NULL, NULL));
    rsdk_client *observer = rsdk_test_client(tc_server(), proto, false);
    int64_t before = tc_commands_processed(observer);
    bool added = true;
    rsdk_scored sc = {.count = 77};
    TC_BAD(rvset_add_floats(c, "v:b", "e", (float[]){1}, 0, NULL, &added), "VADD: v: empty vector");
    TC_BAD(rvset_add_floats(c, "v:b", "e", NULL, 2, NULL, &added), "VADD: v: NULL vector");
    TC_BAD(rvset_add_floats(c, "v:b", "e", (float[]){1, NAN}, 2, NULL, &added), "VADD: v[]: not a finite number");
    TC_BAD(rvset_add_floats(c, "v:b", "e", (float[]){1, 2}, 2, &(rvset_add_opts){.has_reduce = true, .reduce = 2}, &added),
        "VADD: reduce: must be at least 1 and below the vector's dimension");
    TC_BAD(rvset_add(c, "v:b", ((rvset_add_vector){.kind = RVSET_ADD_VECTOR_VALUES, .values = {NULL, 0}}), "e", NULL, &added),
        "VADD: vector.values.value: needs at least one element");
    TC_BAD(rvset_add(c, "v:b", ((rvset_add_vector){.kind = RVSET_ADD_VECTOR_VALUES, .values = {(double[]){1, INFINITY}, 2}}), "e",
                  NULL, &added),
        "VADD: vector.values.value[]: needs a finite number (not inf or -inf)");
    TC_BAD(rvset_sim_floats(c, "v:b", (float[]){1}, 0, NULL, &sc), "VSIM: v: empty vector");
    TC_BAD(rvset_sim(c, "v:b", ((rvset_sim_query){.kind = RVSET_SIM_QUERY_ELE, .ele = RSDK_S("e")}),
                  &(rvset_sim_opts){.has_max_distance = true, .max_distance = NAN}, &sc),
        "VSIM: max_distance: NaN is not accepted here");
    TC_BAD(rvset_setattr_json(c, "v:b", "e", NULL, NULL), "VSETATTR: attrs: NULL json_t");
    assert_true(added);
    assert_int_equal(sc.count, 77);
    assert_int_equal(tc_commands_processed(observer) - before, 1); /* the observer's own INFO */
    rsdk_client_close(observer);
    /* a dimension only the server knows (the set has 2): its error reply */
    FAILS(RSDK_ERR_RESPONSE, rvset_add_floats(c, "v:b", "f", (float[]){1, 2, 3}, 3, NULL, &added));
    OK(rvset_add_floats(c, "v:b", "f", (float[]){2, 1}, 2, NULL, &added));
}

TC_BOTH(add_and_search)
TC_BOTH(attributes_as_json)
TC_BOTH(bad_input_sends_nothing)

static int setup(void **state) { return rsdk_test_module_group_setup(state, "redis-8.0-trixie", NULL); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_and_search_both),
        cmocka_unit_test(attributes_as_json_both),
        cmocka_unit_test(bad_input_sends_nothing_both),
    };
    return cmocka_run_group_tests(tests, setup, rsdk_test_server_group_teardown);
}
