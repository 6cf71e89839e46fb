/* Replies recorded from valkey-json (Valkey 9.1) and Redis 8.0's vector
 * sets, on RESP2 and RESP3 (tests/data/json, tests/data/vectorset; made by
 * tools/record_module_replies.py), read by the generated decoders and the
 * Jansson glue: both protocols give the same C result. Also a JSON reply
 * that is not JSON: RSDK_ERR_PROTOCOL with the position, never a crash. */
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
#include "rsdk/json_value.h"
#include "rsdk/vectorset_floats.h"

/* The one reply in tests/data/<dir>/resp<proto>_<name>.bin (caller frees). */
static rsdk_reply *recorded(const char *dir, int proto, const char *name) {
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/%s/resp%d_%s.bin", dir, proto, name);
    size_t len;
    char *data = fx_load(rel, &len);
    rsdk_reply *r = NULL;
    assert_int_equal(fx_parse(data, len, 0, 0, &r, 1, true), 1);
    free(data);
    return r;
}

static void assert_json(const json_t *v, const char *want) {
    json_error_t je;
    json_t *w = json_loads(want, JSON_DECODE_ANY, &je);
    assert_non_null(w);
    if (!json_equal(v, w)) {
        char *got = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        fail_msg("got %s, want %s", got ? got : "NULL", want);
    }
    json_decref(w);
}

static void json_get_forms(void **st) {
    (void)st;
    for (int p = 2; p <= 3; p++) {
        json_t *v = NULL;
        rsdk_reply *r = recorded("json", p, "get_legacy");
        assert_int_equal(rjson_get_decode(r, &v, NULL), RSDK_OK);
        assert_json(v, "{\"s\":\"x\",\"n\":1,\"a\":[1,2],\"o\":{\"k\":1},\"b\":true}");
        json_decref(v);
        rsdk_reply_free(r);
        r = recorded("json", p, "get_dollar");
        assert_int_equal(rjson_get_decode(r, &v, NULL), RSDK_OK);
        assert_true(json_is_array(v) && json_array_size(v) == 1);
        json_decref(v);
        rsdk_reply_free(r);
        r = recorded("json", p, "get_paths");
        assert_int_equal(rjson_get_decode(r, &v, NULL), RSDK_OK);
        assert_json(v, "{\"$.s\":[\"x\"],\"$.n\":[1]}");
        json_decref(v);
        rsdk_reply_free(r);
        r = recorded("json", p, "get_missing");
        v = json_true();
        assert_int_equal(rjson_get_decode(r, &v, NULL), RSDK_OK);
        assert_null(v);
        rsdk_reply_free(r);
    }
}

static void json_set_and_mget(void **st) {
    (void)st;
    for (int p = 2; p <= 3; p++) {
        rsdk_string s;
        rsdk_reply *r = recorded("json", p, "set_ok");
        assert_int_equal(rjson_set_str_decode(r, &s, NULL), RSDK_OK);
        assert_false(s.nil);
        rsdk_reply_free(r);
        r = recorded("json", p, "set_nx_nil");
        assert_int_equal(rjson_set_str_decode(r, &s, NULL), RSDK_OK);
        assert_true(s.nil);
        rsdk_reply_free(r);
        json_t *out[3];
        r = recorded("json", p, "mget");
        assert_int_equal(rjson_mget_decode(r, out, 3, NULL), RSDK_OK);
        assert_true(json_is_array(out[0]));
        assert_null(out[1]);
        assert_json(out[2], "[[1]]");
        json_decref(out[0]);
        json_decref(out[2]);
        rsdk_error err;
        assert_int_equal(rjson_mget_decode(r, out, 2, &err), RSDK_ERR_UNEXPECTED_REPLY);
        assert_string_equal(err.message, "JSON.MGET: 3 values for 2 keys");
        rsdk_reply_free(r);
    }
}

static void json_numbers(void **st) {
    (void)st;
    for (int p = 2; p <= 3; p++) {
        rjson_numbers n;
        rsdk_reply *r = recorded("json", p, "numincrby_legacy");
        assert_int_equal(rjson_numbers_decode(r, &n, NULL), RSDK_OK);
        assert_false(n.multi);
        assert_int_equal(n.count, 1);
        assert_false(n.item[0].is_double);
        assert_int_equal(n.item[0].integer, 3);
        rjson_numbers_deinit(&n);
        rsdk_reply_free(r);
        r = recorded("json", p, "numincrby_dollar");
        assert_int_equal(rjson_numbers_decode(r, &n, NULL), RSDK_OK);
        assert_true(n.multi);
        assert_int_equal(n.count, 5);
        assert_true(n.item[0].nil);
        assert_true(n.item[1].is_double);
        assert_true(n.item[1].dval == 2.5);
        assert_true(n.item[4].nil);
        rjson_numbers_deinit(&n);
        rsdk_reply_free(r);
    }
}

/* "$" paths: one entry per match, nil where the match has another type. */
static void json_per_match_views(void **st) {
    (void)st;
    for (int p = 2; p <= 3; p++) {
        rsdk_ints iv;
        rsdk_reply *r = recorded("json", p, "strlen_dollar");
        assert_int_equal(rjson_strlen_decode(r, &iv, NULL), RSDK_OK);
        assert_int_equal(iv.count, 5);
        assert_int_equal(rsdk_ints_at(&iv, 0).value, 1);
        assert_true(rsdk_ints_at(&iv, 1).nil);
        rsdk_reply_free(r);
        r = recorded("json", p, "arrappend_legacy");
        assert_int_equal(rjson_arrappend_decode(r, &iv, NULL), RSDK_OK);
        assert_int_equal(iv.count, 1);
        assert_int_equal(rsdk_ints_at(&iv, 0).value, 3);
        rsdk_reply_free(r);
        rsdk_strings sv;
        r = recorded("json", p, "arrpop_dollar");
        assert_int_equal(rjson_arrpop_decode(r, &sv, NULL), RSDK_OK);
        assert_int_equal(sv.count, 5);
        assert_true(rsdk_strings_at(&sv, 0).nil);
        assert_memory_equal(rsdk_strings_at(&sv, 2).ptr, "2", 1);
        rsdk_reply_free(r);
        r = recorded("json", p, "type_dollar");
        assert_int_equal(rjson_type_decode(r, &sv, NULL), RSDK_OK);
        assert_int_equal(sv.count, 5);
        assert_memory_equal(rsdk_strings_at(&sv, 1).ptr, "integer", 7);
        rsdk_reply_free(r);
        const rsdk_reply *tree;
        r = recorded("json", p, "toggle_legacy");
        assert_int_equal(rjson_toggle_decode(r, &tree, NULL), RSDK_OK);
        assert_string_equal(tree->str, "false");
        rsdk_reply_free(r);
        r = recorded("json", p, "objkeys_dollar");
        assert_int_equal(rjson_objkeys_decode(r, &tree, NULL), RSDK_OK);
        assert_int_equal(tree->elements, 5);
        assert_string_equal(tree->element[3].element[0].str, "k");
        rsdk_reply_free(r);
    }
}

/* A reply that claims to be JSON but is not: the position, no crash. */
static void json_text_that_is_not_json(void **st) {
    (void)st;
    static const char bad[] = "$8\r\n{\"a\":1,]\r\n";
    rsdk_reply *r = NULL;
    assert_int_equal(fx_parse(bad, sizeof bad - 1, 0, 0, &r, 1, true), 1);
    rsdk_error err;
    json_t *v = json_true();
    assert_int_equal(rjson_get_decode(r, &v, &err), RSDK_ERR_PROTOCOL);
    assert_true(v == json_true()); /* untouched */
    assert_non_null(strstr(err.message, "JSON.GET: reply is not valid JSON at line 1, column 8 (byte 8)"));
    rjson_numbers n;
    assert_int_equal(rjson_numbers_decode(r, &n, &err), RSDK_ERR_PROTOCOL);
    rsdk_reply_free(r);
    static const char bad_mget[] = "*2\r\n$3\r\n[1]\r\n$2\r\n[x\r\n";
    assert_int_equal(fx_parse(bad_mget, sizeof bad_mget - 1, 0, 0, &r, 1, true), 1);
    json_t *out[2] = {json_true(), json_true()};
    assert_int_equal(rjson_mget_decode(r, out, 2, &err), RSDK_ERR_PROTOCOL);
    assert_null(out[0]); /* what was parsed before is released */
    assert_non_null(strstr(err.message, "JSON.MGET: reply is not valid JSON"));
    rsdk_reply_free(r);
}

static void vectorset_replies(void **st) {
    (void)st;
    for (int p = 2; p <= 3; p++) {
        bool b = false;
        rsdk_reply *r = recorded("vectorset", p, "vadd");
        assert_int_equal(rvset_add_decode(r, &b, NULL), RSDK_OK);
        assert_true(b);
        rsdk_reply_free(r);
        int64_t n = 0;
        r = recorded("vectorset", p, "vcard");
        assert_int_equal(rvset_card_decode(r, &n, NULL), RSDK_OK);
        assert_int_equal(n, 2);
        rsdk_reply_free(r);
        rsdk_doubles d;
        r = recorded("vectorset", p, "vemb");
        assert_int_equal(rvset_emb_decode(r, &d, NULL), RSDK_OK);
        assert_int_equal(d.count, 2);
        assert_true(fabs(rsdk_doubles_at(&d, 0).value - 0.4999999701976776) < 1e-15);
        rsdk_reply_free(r);
        r = recorded("vectorset", p, "vemb_missing");
        assert_int_equal(rvset_emb_decode(r, &d, NULL), RSDK_OK);
        assert_true(d.nil);
        assert_int_equal(d.count, 0);
        rsdk_reply_free(r);
        rsdk_strings sv;
        r = recorded("vectorset", p, "vrandmember_count");
        assert_int_equal(rvset_randmember_decode(r, &sv, NULL), RSDK_OK);
        assert_int_equal(sv.count, 2);
        rsdk_reply_free(r);
        rsdk_scored sc;
        r = recorded("vectorset", p, "vsim");
        assert_int_equal(rvset_sim_decode(r, &sc, NULL), RSDK_OK);
        assert_int_equal(sc.count, 2);
        assert_false(rsdk_scored_at(&sc, 0).has_score);
        rsdk_reply_free(r);
        r = recorded("vectorset", p, "vsim_withscores");
        assert_int_equal(rvset_sim_decode(r, &sc, NULL), RSDK_OK);
        if (p == 3) { /* the map member -> score */
            assert_int_equal(sc.count, 2);
            rsdk_scored_member m = rsdk_scored_at(&sc, 1);
            assert_memory_equal(m.member.ptr, "b", 1);
            assert_true(m.has_score && fabs(m.score - 0.8535533845424652) < 1e-15);
        } else { /* a decoder alone does not regroup RESP2's flat pairs (docs/codegen.md) */
            assert_int_equal(sc.count, 4);
        }
        rsdk_reply_free(r);
        rsdk_string s;
        r = recorded("vectorset", p, "vgetattr");
        assert_int_equal(rvset_getattr_decode(r, &s, NULL), RSDK_OK);
        assert_memory_equal(s.ptr, "{\"k\":1}", 7);
        rsdk_reply_free(r);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_get_forms),       cmocka_unit_test(json_set_and_mget),
        cmocka_unit_test(json_numbers),         cmocka_unit_test(json_per_match_views),
        cmocka_unit_test(json_text_that_is_not_json), cmocka_unit_test(vectorset_replies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
