/* JSON commands with typed results against valkey-json (Valkey named by
 * argv[1]), each body on RESP2 and on RESP3 with the same C results:
 * json_t in and out, legacy and "$" paths, JSON.MGET with missing keys,
 * typed numbers, per-match integer and string views, a pipeline; and bad
 * input (NULL json_t, non-finite number) refused with nothing sent.
 *
 * Where valkey-json differs from RedisJSON: it has no JSON.MERGE (tested
 * to be refused as an unknown command, not by its grammar); a product or
 * sum that is whole comes back as a JSON integer (2.5 * 2 -> 5); and it
 * sends the same reply forms on RESP2 and RESP3, where RedisJSON's RESP3
 * replies to "$" paths of JSON.NUMINCRBY may be RESP arrays of numbers,
 * which rjson_numbers_decode reads as well (docs/json.md). */
#include <math.h>

#include "rsdk/json_value.h"
#include "rsdk/txn.h"
#include "typed_common.h"

static const char *server = "valkey-9.1-sid";

static json_t *doc(void) {
    return json_pack("{s:s, s:i, s:[i,i], s:{s:f}, s:b}", "s", "x", "n", 1, "a", 1, 2, "o", "k", 2.5, "b", 1);
}

static void assert_json(const json_t *v, const char *want) {
    json_t *w = json_loads(want, JSON_DECODE_ANY, NULL);
    assert_non_null(w);
    if (!json_equal(v, w)) {
        char *got = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        fail_msg("got %s, want %s", got ? got : "NULL", want);
    }
    json_decref(w);
}

static void set_and_get(rsdk_client *c, int proto) {
    (void)proto;
    json_t *d = doc();
    bool applied = false;
    OK(rjson_set(c, "j:d", "$", d, NULL, &applied));
    assert_true(applied);
    /* NX on an existing document: the server's nil, applied false */
    OK(rjson_set(c, "j:d", "$", d, &(rjson_set_str_opts){.condition = RJSON_SET_STR_CONDITION_NX}, &applied));
    assert_false(applied);
    json_t *v = NULL;
    OK(rjson_get(c, "j:d", (rsdk_str){0}, &v)); /* no path: the document */
    assert_true(json_equal(v, d));
    json_decref(v);
    OK(rjson_get(c, "j:d", ".o", &v)); /* legacy: the value */
    assert_json(v, "{\"k\":2.5}");
    json_decref(v);
    OK(rjson_get(c, "j:d", "$.o.k", &v)); /* JSONPath: the array of matches */
    assert_json(v, "[2.5]");
    json_decref(v);
    OK(rjson_get(c, "j:d", "$.nothing", &v));
    assert_json(v, "[]");
    json_decref(v);
    OK(rjson_get_paths(c, "j:d", (rsdk_str[]){RSDK_S("$.s"), RSDK_S("$.n")}, 2, &v));
    assert_json(v, "{\"$.s\":[\"x\"],\"$.n\":[1]}");
    json_decref(v);
    OK(rjson_get(c, "j:missing", "$", &v));
    assert_null(v);
    /* scalars, unicode and big integers survive the round trip */
    json_t *s = json_pack("{s:s, s:I, s:f, s:n}", "u", "\xc3\xa9t\xc3\xa9 \"q\"", "big", (json_int_t)9007199254740993LL,
                          "f", 0.1, "z");
    OK(rjson_set(c, "j:s", "$", s, NULL, NULL));
    OK(rjson_get(c, "j:s", (rsdk_str){0}, &v));
    assert_true(json_equal(v, s));
    json_decref(v);
    json_decref(s);
    /* the text form: what the _str variants send and return */
    rsdk_string text;
    OK(rjson_get_str(c, "j:d", &(rjson_get_str_opts){.path = (rsdk_str[]){RSDK_S(".a")}, .path_count = 1}, &text));
    tc_assert_string(&text, "[1,2]");
    rsdk_string_deinit(&text);
    OK(rjson_set_str(c, "j:t", "$", "{\"x\":[true]}", NULL, NULL));
    OK(rjson_get(c, "j:t", "$.x[0]", &v));
    assert_json(v, "[true]");
    json_decref(v);
    json_decref(d);
}

static void mget_with_missing_keys(rsdk_client *c, int proto) {
    (void)proto;
    json_t *a = json_pack("{s:i}", "v", 1), *b = json_pack("{s:i}", "v", 2);
    OK(rjson_set(c, "j:a", "$", a, NULL, NULL));
    OK(rjson_set(c, "j:b", "$", b, NULL, NULL));
    json_t *out[3];
    OK(rjson_mget(c, ((rsdk_str[]){RSDK_S("j:a"), RSDK_S("j:none"), RSDK_S("j:b")}), 3, "$.v", out));
    assert_json(out[0], "[1]");
    assert_null(out[1]);
    assert_json(out[2], "[2]");
    json_decref(out[0]);
    json_decref(out[2]);
    OK(rjson_mget(c, ((rsdk_str[]){RSDK_S("j:a"), RSDK_S("j:b")}), 2, ".v", out));
    assert_json(out[0], "1");
    assert_json(out[1], "2");
    json_decref(out[0]);
    json_decref(out[1]);
    json_decref(a);
    json_decref(b);
}

static void numbers_are_typed(rsdk_client *c, int proto) {
    (void)proto;
    OK(rjson_set_str(c, "j:n", "$", "{\"i\":1,\"f\":1.5,\"s\":\"x\",\"o\":{\"i\":10}}", NULL, NULL));
    rjson_numbers n;
    OK(rjson_numincrby(c, "j:n", ".i", 2, &n)); /* legacy: one number */
    assert_false(n.multi);
    assert_int_equal(n.count, 1);
    assert_false(n.item[0].is_double);
    assert_int_equal(n.item[0].integer, 3);
    rjson_numbers_deinit(&n);
    OK(rjson_numincrby(c, "j:n", "$.f", 1, &n));
    assert_true(n.multi);
    assert_int_equal(n.count, 1);
    assert_true(n.item[0].is_double && n.item[0].dval == 2.5);
    rjson_numbers_deinit(&n);
    OK(rjson_numincrby(c, "j:n", "$..i", 1, &n)); /* two matches */
    assert_int_equal(n.count, 2);
    assert_int_equal(n.item[0].integer + n.item[1].integer, 4 + 11);
    rjson_numbers_deinit(&n);
    OK(rjson_nummultby(c, "j:n", "$.*", 2, &n)); /* nil where the match is no number */
    assert_int_equal(n.count, 4);
    assert_int_equal(n.item[0].integer, 8);
    /* 2.5 * 2: valkey-json answers 5 (a JSON integer), so read either form */
    assert_true((n.item[1].is_double ? n.item[1].dval : (double)n.item[1].integer) == 5.0);
    assert_true(n.item[2].nil);
    assert_true(n.item[3].nil);
    rjson_numbers_deinit(&n);
    /* counts: one for a legacy path, one per match (nil: no such type) */
    rsdk_ints iv;
    OK(rjson_strlen(c, "j:n", &(rjson_strlen_opts){.path = RSDK_S(".s")}, &iv));
    tc_assert_ints(&iv, 1, (int64_t)1);
    rsdk_ints_deinit(&iv);
    OK(rjson_strlen(c, "j:n", &(rjson_strlen_opts){.path = RSDK_S("$.*")}, &iv));
    tc_assert_ints(&iv, 4, TC_NIL, TC_NIL, (int64_t)1, TC_NIL);
    rsdk_ints_deinit(&iv);
    OK(rjson_arrappend(c, "j:n", "$.o", (rsdk_str[]){RSDK_S("1")}, 1, &iv)); /* not an array */
    tc_assert_ints(&iv, 1, TC_NIL);
    rsdk_ints_deinit(&iv);
    OK(rjson_set_str(c, "j:n", "$.arr", "[]", NULL, NULL));
    OK(rjson_arrappend(c, "j:n", ".arr", (rsdk_str[]){RSDK_S("1"), RSDK_S("\"two\"")}, 2, &iv));
    tc_assert_ints(&iv, 1, (int64_t)2);
    rsdk_ints_deinit(&iv);
    OK(rjson_objlen(c, "j:n", &(rjson_objlen_opts){.path = RSDK_S("$.o")}, &iv));
    tc_assert_ints(&iv, 1, (int64_t)1);
    rsdk_ints_deinit(&iv);
    rsdk_strings sv;
    OK(rjson_arrpop(c, "j:n", &(rjson_arrpop_opts){.path = &(rjson_arrpop_path){.path = RSDK_S("$.arr")}}, &sv));
    tc_assert_list(&sv, 1, "\"two\"");
    rsdk_strings_deinit(&sv);
    OK(rjson_type(c, "j:n", &(rjson_type_opts){.path = RSDK_S("$.i")}, &sv));
    tc_assert_list(&sv, 1, "integer");
    rsdk_strings_deinit(&sv);
    int64_t k = 0;
    OK(rjson_del(c, "j:n", &(rjson_del_opts){.path = RSDK_S("$.s")}, &k));
    assert_int_equal(k, 1);
}

static void pipelined(rsdk_client *c, int proto) {
    (void)proto;
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    rsdk_error err;
    json_t *d = doc();
    assert_int_equal(rjson_set_queue(p, "j:p", "$", d, NULL, &err), RSDK_OK);
    assert_int_equal(rjson_set_queue(p, "j:p", "$", NULL, NULL, &err), RSDK_ERR_INVALID_ARG);
    assert_string_equal(err.message, "JSON.SET: value: NULL json_t");
    assert_int_equal(rjson_get_str_queue(p, "j:p", &(rjson_get_str_opts){.path = (rsdk_str[]){RSDK_S("$.n")}, .path_count = 1}, &err), RSDK_OK);
    assert_int_equal(rsdk_pipeline_count(p), 2);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    rsdk_string s;
    assert_int_equal(rjson_set_str_decode(rsdk_pipeline_reply(p, 0), &s, &err), RSDK_OK);
    assert_false(s.nil);
    json_t *v = NULL;
    assert_int_equal(rjson_get_decode(rsdk_pipeline_reply(p, 1), &v, &err), RSDK_OK);
    assert_json(v, "[1]");
    json_decref(v);
    json_decref(d);
    rsdk_pipeline_free(p);
}

static void bad_input_sends_nothing(rsdk_client *c, int proto) {
    rsdk_client *observer = rsdk_test_client(tc_server(), proto, false);
    int64_t before = tc_commands_processed(observer);
    bool applied = true;
    rjson_numbers n = {NULL, 77, false};
    TC_BAD(rjson_set(c, "j:k", "$", NULL, NULL, &applied), "JSON.SET: value: NULL json_t");
    TC_BAD(rjson_numincrby(c, "j:k", "$", INFINITY, &n), "JSON.NUMINCRBY: value: needs a finite number (not inf or -inf)");
    TC_BAD(rjson_nummultby(c, "j:k", "$", NAN, &n), "JSON.NUMMULTBY: value: NaN is not accepted here");
    TC_BAD(rjson_numincrby_str(c, "j:k", "$", -INFINITY, NULL),
           "JSON.NUMINCRBY: value: needs a finite number (not inf or -inf)");
    TC_BAD(rjson_get(c, rsdk_str_n(NULL, 2), "$", NULL), "JSON.GET: key: NULL pointer with non-zero length");
    assert_true(applied);
    assert_int_equal(n.count, 77);
    assert_int_equal(tc_commands_processed(observer) - before, 1); /* the observer's own INFO */
    rsdk_client_close(observer);
    OK(rjson_set_str(c, "j:k", "$", "1", NULL, NULL)); /* the connection still answers */
}

/* valkey-json lacks RedisJSON 2.6's JSON.MERGE: the server's unknown-command
 * error, and the connection stays usable. */
static void merge_is_unknown_to_valkey_json(rsdk_client *c, int proto) {
    (void)proto;
    rsdk_status st = rjson_merge(c, "j:m", "$", "{\"a\":1}");
    assert_int_equal(st, RSDK_ERR_UNKNOWN_COMMAND);
    OK(rjson_set_str(c, "j:m", "$", "{}", NULL, NULL));
}

TC_BOTH(set_and_get)
TC_BOTH(mget_with_missing_keys)
TC_BOTH(numbers_are_typed)
TC_BOTH(pipelined)
TC_BOTH(bad_input_sends_nothing)
TC_BOTH(merge_is_unknown_to_valkey_json)

static int setup(void **state) { return rsdk_test_module_group_setup(state, server, "valkey-json"); }

int main(int argc, char **argv) {
    if (argc > 1) server = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_and_get_both),         cmocka_unit_test(mget_with_missing_keys_both),
        cmocka_unit_test(numbers_are_typed_both),   cmocka_unit_test(pipelined_both),
        cmocka_unit_test(bad_input_sends_nothing_both), cmocka_unit_test(merge_is_unknown_to_valkey_json_both),
    };
    return cmocka_run_group_tests(tests, setup, rsdk_test_server_group_teardown);
}
