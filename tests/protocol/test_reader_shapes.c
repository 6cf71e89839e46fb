/* The same data as RESP2 and as RESP3 (real captures of the same commands)
 * reads back to the same values, in the shapes each protocol gives: flat
 * array vs map, bulk string vs double, array vs set or push, $-1 vs _. */
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
#include "rsdk/reader.h"

typedef struct {
    rsdk_reply *v2, *v3;
} pair;

static rsdk_reply *load1(const char *file, bool add_lf) {
    char path[256];
    size_t len;
    snprintf(path, sizeof path, "tests/data/%s", file);
    char *data = fx_load(path, &len);
    if (add_lf) { /* RediSearch captures lost their final "\n" */
        data = realloc(data, len + 1);
        data[len++] = '\n';
    }
    rsdk_reply *r = NULL;
    assert_int_equal(fx_parse(data, len, 0, 0, &r, 1, true), 1);
    free(data);
    return r;
}

static pair load(const char *name) {
    char a[128], b[128];
    bool search = strncmp(name, "ft_", 3) == 0;
    snprintf(a, sizeof a, "%sresp2_%s.bin", search ? "redisearch/" : "", name);
    snprintf(b, sizeof b, "%sresp3_%s.bin", search ? "redisearch/" : "", name);
    pair p = {load1(a, search), load1(b, search)};
    return p;
}

static void drop(pair p) {
    rsdk_reply_free(p.v2);
    rsdk_reply_free(p.v3);
}

/* Text of a string-like node. */
static const char *text(const rsdk_reply *r) {
    assert_non_null(r);
    assert_non_null(r->str);
    return r->str;
}

static void hgetall_flat_array_vs_map(void **st) {
    (void)st;
    pair p = load("x_hgetall_map");
    assert_int_equal(p.v2->type, RSDK_REPLY_ARRAY);
    assert_int_equal(p.v3->type, RSDK_REPLY_MAP);
    assert_int_equal(p.v2->elements, 4);
    assert_int_equal(p.v3->elements, 4); /* 2 pairs, counted as elements */
    for (size_t i = 0; i < 4; i++) assert_string_equal(text(&p.v2->element[i]), text(&p.v3->element[i]));
    assert_string_equal(text(rsdk_reply_map_get(p.v2, "f1")), "v1");
    assert_string_equal(text(rsdk_reply_map_get(p.v3, "f1")), "v1");
    assert_string_equal(text(rsdk_reply_map_get(p.v2, "f2")), "v2");
    assert_string_equal(text(rsdk_reply_map_get(p.v3, "f2")), "v2");
    drop(p);
}

static void hello_flat_array_vs_map(void **st) {
    (void)st;
    pair p = load("HELLO");
    assert_int_equal(p.v2->type, RSDK_REPLY_ARRAY);
    assert_int_equal(p.v3->type, RSDK_REPLY_MAP);
    const rsdk_reply *both[2] = {p.v2, p.v3};
    for (int i = 0; i < 2; i++) {
        assert_string_equal(text(rsdk_reply_map_get(both[i], "server")), "redis");
        assert_string_equal(text(rsdk_reply_map_get(both[i], "version")), "7.0.15");
        assert_string_equal(text(rsdk_reply_map_get(both[i], "mode")), "standalone");
        assert_int_equal(rsdk_reply_map_get(both[i], "modules")->elements, 0);
    }
    assert_int_equal(rsdk_reply_map_get(p.v2, "proto")->integer, 2);
    assert_int_equal(rsdk_reply_map_get(p.v3, "proto")->integer, 3);
    drop(p);
}

static void doubles_bulk_string_vs_double(void **st) {
    (void)st;
    pair p = load("x_zscore_inf");
    assert_int_equal(p.v2->type, RSDK_REPLY_STRING);
    assert_string_equal(p.v2->str, "inf");
    assert_int_equal(p.v3->type, RSDK_REPLY_DOUBLE);
    assert_true(isinf(p.v3->dval) && p.v3->dval > 0);
    assert_string_equal(p.v3->str, p.v2->str); /* same text either way */
    drop(p);

    p = load("double");
    assert_int_equal(p.v2->type, RSDK_REPLY_STRING);
    assert_int_equal(p.v3->type, RSDK_REPLY_DOUBLE);
    assert_true(strtod(p.v2->str, NULL) == p.v3->dval);
    assert_true(p.v3->dval == 3.141);
    drop(p);

    p = load("ft_sugget_withscores");
    assert_int_equal(p.v2->element[1].type, RSDK_REPLY_STRING);
    assert_int_equal(p.v3->element[1].type, RSDK_REPLY_DOUBLE);
    assert_true(strtod(p.v2->element[1].str, NULL) == p.v3->element[1].dval);
    assert_string_equal(text(&p.v2->element[0]), "hello world");
    drop(p);

    p = load("ft_search_withscores");
    assert_string_equal(text(&p.v2->element[2]), "1");
    assert_true(p.v3->element[2].dval == 1.0);
    assert_string_equal(text(rsdk_reply_map_get(&p.v2->element[3], "t")), "foo bar");
    assert_string_equal(text(rsdk_reply_map_get(&p.v3->element[3], "t")), "foo bar");
    drop(p);

    p = load("ft_info_head");
    assert_string_equal(text(rsdk_reply_map_get(p.v2, "index_name")), "idx2");
    assert_string_equal(text(rsdk_reply_map_get(p.v3, "index_name")), "idx2");
    assert_string_equal(text(rsdk_reply_map_get(p.v2, "num_docs")), "2");
    assert_int_equal(rsdk_reply_map_get(p.v3, "num_docs")->type, RSDK_REPLY_DOUBLE);
    assert_true(rsdk_reply_map_get(p.v3, "num_docs")->dval == 2.0);
    drop(p);
}

static void sets_and_pushes_vs_arrays(void **st) {
    (void)st;
    static const struct {
        const char *name;
        rsdk_reply_type t3;
    } cases[] = {{"x_smembers_set", RSDK_REPLY_SET},  {"set", RSDK_REPLY_SET},
                 {"x_subscribe", RSDK_REPLY_PUSH},    {"x_pubsub_message", RSDK_REPLY_PUSH},
                 {"array", RSDK_REPLY_ARRAY}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        pair p = load(cases[c].name);
        assert_int_equal(p.v2->type, RSDK_REPLY_ARRAY);
        assert_int_equal(p.v3->type, cases[c].t3);
        assert_int_equal(p.v2->elements, p.v3->elements);
        for (size_t i = 0; i < p.v2->elements; i++) assert_true(fx_tree_equal(&p.v2->element[i], &p.v3->element[i]));
        drop(p);
    }
    pair p = load("x_pubsub_message");
    assert_string_equal(text(&p.v3->element[0]), "message");
    assert_string_equal(text(&p.v3->element[1]), "chan");
    assert_string_equal(text(&p.v3->element[2]), "hi");
    drop(p);
}

static void nil_dollar_minus_one_vs_underscore(void **st) {
    (void)st;
    pair p = load("x_get_missing_null");
    assert_int_equal(p.v2->type, RSDK_REPLY_NIL);
    assert_int_equal(p.v3->type, RSDK_REPLY_NIL);
    assert_true(fx_tree_equal(p.v2, p.v3));
    drop(p);
}

static void booleans_integer_vs_bool(void **st) {
    (void)st;
    pair p = load("true");
    assert_int_equal(p.v2->type, RSDK_REPLY_INTEGER);
    assert_int_equal(p.v3->type, RSDK_REPLY_BOOL);
    assert_int_equal(p.v2->integer, 1);
    assert_int_equal(p.v3->integer, 1);
    drop(p);
    p = load("map");
    assert_int_equal(p.v2->type, RSDK_REPLY_ARRAY);
    assert_int_equal(p.v3->type, RSDK_REPLY_MAP);
    for (size_t i = 0; i < 6; i++) assert_int_equal(p.v2->element[i].integer, p.v3->element[i].integer);
    drop(p);
}

static void texts_string_vs_bignum_verbatim_and_attribute(void **st) {
    (void)st;
    pair p = load("bignum");
    assert_int_equal(p.v3->type, RSDK_REPLY_BIGNUM);
    assert_string_equal(p.v2->str, p.v3->str);
    drop(p);
    p = load("verbatim");
    assert_int_equal(p.v3->type, RSDK_REPLY_VERB);
    assert_string_equal(p.v2->str, p.v3->str);
    assert_int_equal(p.v2->len, p.v3->len);
    drop(p);
    p = load("attrib");
    assert_null(p.v2->attribute);
    assert_non_null(p.v3->attribute);
    assert_string_equal(p.v2->str, p.v3->str);
    drop(p);
    p = load("x_error_wrongtype");
    assert_true(fx_tree_equal(p.v2, p.v3));
    assert_int_equal(p.v2->type, RSDK_REPLY_ERROR);
    drop(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hgetall_flat_array_vs_map),
        cmocka_unit_test(hello_flat_array_vs_map),
        cmocka_unit_test(doubles_bulk_string_vs_double),
        cmocka_unit_test(sets_and_pushes_vs_arrays),
        cmocka_unit_test(nil_dollar_minus_one_vs_underscore),
        cmocka_unit_test(booleans_integer_vs_bool),
        cmocka_unit_test(texts_string_vs_bignum_verbatim_and_attribute),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
