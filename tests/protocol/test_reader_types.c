/* Every RESP2/RESP3 type and its edge values come out as documented in
 * rsdk/reply.h: binary-safe NUL-terminated strings, nils, empty aggregates,
 * attributes on inner nodes, lookups, type names, and one allocation per
 * reply tree. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runtime/src/protocol/reply_arena.h"
#include "support/resp_fixture.h"
#include "support/fail_alloc.h"
#include "rsdk/reader.h"

#define S(lit) lit, sizeof(lit) - 1

static rsdk_reply *parse1(const char *text, size_t len) {
    rsdk_reply *r = NULL;
    assert_int_equal(fx_parse(text, len, 0, 0, &r, 1, true), 1);
    return r;
}

static void expect_dump(const char *text, size_t len, const char *want) {
    rsdk_reply *r = parse1(text, len);
    char got[512];
    fx_dump(r, got, sizeof got);
    if (strcmp(got, want) != 0) fail_msg("got %s, want %s", got, want);
    rsdk_reply_free(r);
}

static void strings_are_binary_safe_and_nul_terminated(void **st) {
    (void)st;
    rsdk_reply *r = parse1(S("$5\r\na\0b\rc\r\n"));
    assert_int_equal(r->type, RSDK_REPLY_STRING);
    assert_int_equal(r->len, 5);
    assert_memory_equal(r->str, "a\0b\rc\0", 6);
    rsdk_reply_free(r);

    r = parse1(S("$0\r\n\r\n"));
    assert_int_equal(r->type, RSDK_REPLY_STRING);
    assert_int_equal(r->len, 0);
    assert_non_null(r->str);
    assert_string_equal(r->str, "");
    rsdk_reply_free(r);

    r = parse1(S("+\r\n"));
    assert_int_equal(r->type, RSDK_REPLY_STATUS);
    assert_int_equal(r->len, 0);
    assert_string_equal(r->str, "");
    rsdk_reply_free(r);

    r = parse1(S("!21\r\nSYNTAX invalid syntax\r\n"));
    assert_int_equal(r->type, RSDK_REPLY_ERROR);
    assert_string_equal(r->str, "SYNTAX invalid syntax");
    rsdk_reply_free(r);

    r = parse1(S("=4\r\nmkd:\r\n"));
    assert_int_equal(r->type, RSDK_REPLY_VERB);
    assert_string_equal(r->vtype, "mkd");
    assert_int_equal(r->len, 0);
    assert_string_equal(r->str, "");
    rsdk_reply_free(r);
}

static void numbers_keep_their_exact_values(void **st) {
    (void)st;
    static const struct {
        const char *text;
        int64_t v;
    } ints[] = {{":0\r\n", 0}, {":-0\r\n", 0}, {":+5\r\n", 5}, {":-42\r\n", -42}, {":007\r\n", 7},
                {":9223372036854775807\r\n", INT64_MAX}, {":-9223372036854775808\r\n", INT64_MIN}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        rsdk_reply *r = parse1(ints[i].text, strlen(ints[i].text));
        assert_int_equal(r->type, RSDK_REPLY_INTEGER);
        assert_true(r->integer == ints[i].v);
        rsdk_reply_free(r);
    }
    static const struct {
        const char *text;
        double v;
    } dbls[] = {{",1.5\r\n", 1.5},       {",-0.25\r\n", -0.25}, {",1e300\r\n", 1e300}, {",1.5E-3\r\n", 1.5e-3},
                {",+3\r\n", 3.0},        {",10\r\n", 10.0},     {",inf\r\n", INFINITY}, {",-inf\r\n", -INFINITY},
                {",+inf\r\n", INFINITY}, {",.5\r\n", 0.5}};
    for (size_t i = 0; i < sizeof dbls / sizeof dbls[0]; i++) {
        rsdk_reply *r = parse1(dbls[i].text, strlen(dbls[i].text));
        assert_int_equal(r->type, RSDK_REPLY_DOUBLE);
        assert_true(r->dval == dbls[i].v);
        /* The text as sent stays available. */
        assert_int_equal(r->len, strlen(dbls[i].text) - 3);
        assert_memory_equal(r->str, dbls[i].text + 1, r->len);
        rsdk_reply_free(r);
    }
    rsdk_reply *r = parse1(S(",nan\r\n"));
    assert_true(isnan(r->dval));
    assert_string_equal(r->str, "nan");
    rsdk_reply_free(r);
    r = parse1(S("(-123456789012345678901234567890\r\n"));
    assert_int_equal(r->type, RSDK_REPLY_BIGNUM);
    assert_string_equal(r->str, "-123456789012345678901234567890");
    rsdk_reply_free(r);
}

static void nils_and_empty_aggregates(void **st) {
    (void)st;
    expect_dump(S("$-1\r\n"), "_");
    expect_dump(S("*-1\r\n"), "_");
    expect_dump(S("_\r\n"), "_");
    expect_dump(S("*0\r\n"), "*[]");
    expect_dump(S("%0\r\n"), "%{}");
    expect_dump(S("~0\r\n"), "~[]");
    expect_dump(S(">0\r\n"), ">[]");
    expect_dump(S("*3\r\n$-1\r\n*-1\r\n_\r\n"), "*[_,_,_]");
    rsdk_reply *r = parse1(S("*0\r\n"));
    assert_int_equal(r->elements, 0);
    assert_null(r->element);
    rsdk_reply_free(r);
}

static void nested_aggregates_of_every_kind(void **st) {
    (void)st;
    expect_dump(S("*2\r\n%1\r\n+k\r\n~2\r\n#t\r\n#f\r\n>1\r\n=5\r\ntxt:x\r\n"),
                "*[%{+\"k\":~[#t,#f]},>[=txt:\"x\"]]");
    expect_dump(S("%2\r\n:1\r\n,2.5\r\n(3\r\n_\r\n"), "%{:1:,2.5,(3:_}");
    expect_dump(S("*1\r\n*1\r\n*1\r\n*0\r\n"), "*[*[*[*[]]]]");
}

static void attributes_attach_to_the_next_value_at_any_depth(void **st) {
    (void)st;
    /* On an inner element: the attribute is not an element itself. */
    rsdk_reply *r = parse1(S("*2\r\n|1\r\n+ttl\r\n:5\r\n$1\r\na\r\n$1\r\nb\r\n"));
    assert_int_equal(r->type, RSDK_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    assert_null(r->attribute);
    assert_non_null(r->element[0].attribute);
    assert_int_equal(rsdk_reply_map_get(r->element[0].attribute, "ttl")->integer, 5);
    assert_string_equal(r->element[0].str, "a");
    assert_null(r->element[1].attribute);
    rsdk_reply_free(r);

    /* On an aggregate, and an attribute whose values carry attributes. */
    expect_dump(S("|1\r\n+k\r\n|1\r\n+a\r\n+b\r\n+v\r\n*1\r\n:1\r\n"), "|%{+\"k\":|%{+\"a\":+\"b\"}+\"v\"}*[:1]");
    /* An empty attribute still attaches. */
    expect_dump(S("|0\r\n:1\r\n"), "|%{}:1");
    /* Two in a row: the later one is kept. */
    expect_dump(S("|1\r\n+a\r\n:1\r\n|1\r\n+b\r\n:2\r\n:3\r\n"), "|%{+\"b\"::2}:3");
    /* As the last element of a map value. */
    expect_dump(S("%1\r\n+k\r\n|1\r\n+m\r\n+n\r\n+v\r\n"), "%{+\"k\":|%{+\"m\":+\"n\"}+\"v\"}");
}

static void map_get_on_maps_and_flat_arrays(void **st) {
    (void)st;
    rsdk_reply *m = parse1(S("%3\r\n:1\r\n+int-key\r\n+a\r\n:10\r\n=5\r\ntxt:b\r\n:20\r\n"));
    assert_int_equal(rsdk_reply_map_get(m, "a")->integer, 10);
    assert_int_equal(rsdk_reply_map_get(m, "b")->integer, 20);
    assert_null(rsdk_reply_map_get(m, "1")); /* integer keys are not strings */
    assert_null(rsdk_reply_map_get(m, "int-key")); /* values are not keys */
    assert_null(rsdk_reply_map_get(m, NULL));
    assert_null(rsdk_reply_map_get(NULL, "a"));
    rsdk_reply_free(m);

    rsdk_reply *a = parse1(S("*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n"));
    assert_string_equal(rsdk_reply_map_get(a, "f2")->str, "v2");
    assert_null(rsdk_reply_map_get(a, "v1"));
    assert_null(rsdk_reply_map_get(a, "f"));
    rsdk_reply_free(a);

    rsdk_reply *odd = parse1(S("*3\r\n+a\r\n+b\r\n+c\r\n"));
    assert_null(rsdk_reply_map_get(odd, "a"));
    rsdk_reply_free(odd);
    rsdk_reply *set = parse1(S("~2\r\n+a\r\n+b\r\n"));
    assert_null(rsdk_reply_map_get(set, "a"));
    rsdk_reply_free(set);
    rsdk_reply *s = parse1(S("+a\r\n"));
    assert_null(rsdk_reply_map_get(s, "a"));
    rsdk_reply_free(s);
}

static void type_names(void **st) {
    (void)st;
    static const char *const names[] = {"string", "status", "error", "integer", "double", "nil", "bool",
                                        "bignum", "verbatim", "array", "map", "set", "push"};
    for (int t = RSDK_REPLY_STRING; t <= RSDK_REPLY_PUSH; t++)
        assert_string_equal(rsdk_reply_type_str((rsdk_reply_type)t), names[t - RSDK_REPLY_STRING]);
    assert_string_equal(rsdk_reply_type_str((rsdk_reply_type)0), "unknown");
    assert_string_equal(rsdk_reply_type_str((rsdk_reply_type)99), "unknown");
}

static void one_allocation_per_reply_tree(void **st) {
    (void)st;
    size_t len;
    char *data = fx_load("tests/data/resp3_HELLO.bin", &len);
    rsdk_test_alloc_install();
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    assert_int_equal(rsdk_reader_feed(r, data, len), RSDK_OK);
    size_t before = rsdk_test_alloc_stats_get().allocs;
    rsdk_reply *rep = NULL;
    assert_int_equal(rsdk_reader_get(r, &rep), RSDK_OK);
    assert_non_null(rep);
    assert_int_equal(rsdk_test_alloc_stats_get().allocs - before, 1);
    size_t frees = rsdk_test_alloc_stats_get().frees;
    rsdk_reply_free(rep);
    assert_int_equal(rsdk_test_alloc_stats_get().frees - frees, 1);
    rsdk_reader_free(r);
    rsdk_test_alloc_stats s = rsdk_test_alloc_stats_get();
    rsdk_test_alloc_remove();
    /* Reader, its input buffer, the reply: nothing else. */
    assert_int_equal(s.allocs, 3);
    assert_int_equal(s.frees, 3);
    free(data);
}

static void free_takes_null_and_refuses_inner_nodes(void **st) {
    (void)st;
    rsdk_reply_free(NULL);
    rsdk_reply *r = parse1(S("*2\r\n:1\r\n:2\r\n"));
    rsdk_reply_free(&r->element[1]); /* not a root: ignored */
    rsdk_reply_free(&r->element[0]);
    assert_int_equal(r->element[1].integer, 2);
    rsdk_reply_free(r);
}

static void copies_outlive_their_source(void **st) {
    (void)st;
    rsdk_reply *r = parse1(S("*2\r\n|1\r\n+k\r\n+v\r\n%1\r\n$1\r\na\r\n*2\r\n,1.5\r\n=5\r\ntxt:z\r\n+tail\r\n"));
    rsdk_reply *c = rsdk__reply_copy(&r->element[0]);
    assert_non_null(c);
    assert_true(fx_tree_equal(c, &r->element[0]));
    rsdk_reply *whole = rsdk__reply_copy(r);
    assert_true(fx_tree_equal(whole, r));
    rsdk_reply_free(r);
    char got[256];
    assert_string_equal(fx_dump(c, got, sizeof got), "|%{+\"k\":+\"v\"}%{\"a\":*[,1.5,=txt:\"z\"]}");
    assert_true(c->element[1].element[0].dval == 1.5);
    rsdk_reply_free(c);
    rsdk_reply_free(whole);

    rsdk_reply *e = rsdk__reply_new_str(RSDK_REPLY_ERROR, "ERR x", 5);
    assert_int_equal(e->type, RSDK_REPLY_ERROR);
    assert_string_equal(e->str, "ERR x");
    assert_int_equal(e->len, 5);
    assert_null(e->attribute);
    rsdk_reply_free(e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strings_are_binary_safe_and_nul_terminated),
        cmocka_unit_test(numbers_keep_their_exact_values),
        cmocka_unit_test(nils_and_empty_aggregates),
        cmocka_unit_test(nested_aggregates_of_every_kind),
        cmocka_unit_test(attributes_attach_to_the_next_value_at_any_depth),
        cmocka_unit_test(map_get_on_maps_and_flat_arrays),
        cmocka_unit_test(type_names),
        cmocka_unit_test(one_allocation_per_reply_tree),
        cmocka_unit_test(free_takes_null_and_refuses_inner_nodes),
        cmocka_unit_test(copies_outlive_their_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
