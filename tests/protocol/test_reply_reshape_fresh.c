/* rsdk_reply_reshape_fresh gives the same tree as rsdk_reply_reshape on every
 * reply, and when the reader's record of the node types shows nothing to
 * change it says which types are under the root (exactly those a walk
 * finds) without changing anything; after a change, or for a node that is
 * no reply's root, the types are not known (0). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/error.h"
#include "rsdk/reply_shape.h"
#include "support/resp_fixture.h"
#include "support/shapes.h"

#define BIT(t) (UINT32_C(1) << (unsigned)RSDK_REPLY_##t)

static const rsdk_shape MAP_ANY[] = {
    {RSDK_SHAPE_ANY, 0, 0, 0, NULL},
    {RSDK_SHAPE_MAP, 0, 0, 0, NULL},
};
static const rsdk_shape LIST_OF_DOUBLES[] = {
    {RSDK_SHAPE_ANY, 0, 0, 0, NULL},
    {RSDK_SHAPE_ARRAY, 0, 0, 2, NULL},
    {RSDK_SHAPE_DOUBLE, 0, 0, 0, NULL},
};
static rsdk_reply *parse(const char *wire, size_t chunk) {
    rsdk_reply *r = NULL;
    assert_int_equal(fx_parse(wire, strlen(wire), chunk, 0, &r, 1, true), 1);
    return r;
}

/* The type bits of every node under `r` (attributes included), by a walk. */
static uint32_t walk(const rsdk_reply *r) {
    uint32_t m = 0;
    if (!rsdk_reply_is_aggregate(r)) return 0;
    for (size_t i = 0; i < r->elements; i++) {
        const rsdk_reply *e = &r->element[i];
        m |= (UINT32_C(1) << (unsigned)e->type) | walk(e);
        if (e->attribute) m |= BIT(MAP) | walk(e->attribute);
    }
    return m;
}

typedef struct sample {
    const char *wire;
    const rsdk_shape *table;
    uint32_t below; /* what the fresh call reports: 0 when it had to change the tree */
} sample;

static const sample SAMPLES[] = {
    /* LRANGE: strings and a nil, no shape */
    {"*3\r\n$1\r\na\r\n$-1\r\n$2\r\nbc\r\n", NULL, BIT(STRING) | BIT(NIL)},
    {"*2\r\n$-1\r\n$-1\r\n", NULL, BIT(NIL)}, /* a run of nils only */
    /* HGETALL on RESP3: already a map */
    {"%2\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$0\r\n\r\n", MAP_ANY, BIT(STRING)},
    /* HGETALL on RESP2: a flat array retagged as a map */
    {"*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n", MAP_ANY, 0},
    /* a set and a verbatim string: RESP2 has neither */
    {"~2\r\n$1\r\na\r\n=7\r\ntxt:abc\r\n", NULL, 0},
    {"*2\r\n=7\r\ntxt:abc\r\n:1\r\n", NULL, 0},
    /* numbers as text under a DOUBLE shape; RESP3 doubles need nothing */
    {"*2\r\n$3\r\n1.5\r\n$3\r\ninf\r\n", LIST_OF_DOUBLES, 0},
    {"*2\r\n,1.5\r\n,inf\r\n", LIST_OF_DOUBLES, BIT(DOUBLE)},
    /* flat WITHSCORES pairs rebuilt; RESP3's nested pairs kept */
    {"*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n", RT_SCORE_PAIRS, 0},
    {"*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n", RT_SCORE_PAIRS, 0},
    /* nested, mixed, with an attribute on an element: no shape, no change */
    {"*3\r\n:1\r\n*2\r\n+OK\r\n#t\r\n|1\r\n+ttl\r\n:3\r\n$1\r\nx\r\n", NULL,
     BIT(INTEGER) | BIT(ARRAY) | BIT(STATUS) | BIT(BOOL) | BIT(STRING) | BIT(MAP)},
    /* scalars and empty aggregates: nothing under the root */
    {"$5\r\nhello\r\n", NULL, 0},
    {"*0\r\n", MAP_ANY, 0},
    {"_\r\n", NULL, 0},
};

/* Same tree as rsdk_reply_reshape, fed whole and in 3-byte pieces. */
static void test_fresh_matches_reshape(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof SAMPLES / sizeof SAMPLES[0]; i++) {
        for (size_t chunk = 0; chunk <= 3; chunk += 3) {
            const sample *s = &SAMPLES[i];
            rsdk_reply *a = parse(s->wire, chunk), *b = parse(s->wire, chunk);
            rsdk_reply *oa = (rsdk_reply *)1, *ob = NULL;
            uint32_t below = 12345;
            assert_int_equal(rsdk_reply_reshape_fresh(a, s->table, 1, &oa, &below), RSDK_OK);
            assert_int_equal(rsdk_reply_reshape(b, s->table, 1, &ob), RSDK_OK);
            assert_true(fx_tree_equal(oa ? oa : a, ob ? ob : b));
            assert_int_equal(oa == NULL, ob == NULL);
            if (below != s->below) fail_msg("sample %zu: below %#x, want %#x", i, below, s->below);
            if (below != 0) assert_int_equal(below, walk(a));
            rsdk_reply_free(oa);
            rsdk_reply_free(ob);
            rsdk_reply_free(a);
            rsdk_reply_free(b);
        }
    }
}

/* Once the tree was changed, what the reader saw no longer holds. */
static void test_fresh_forgets_after_a_change(void **state) {
    (void)state;
    rsdk_reply *r = parse("*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n", 0), *out = NULL;
    uint32_t below = 1;
    assert_int_equal(rsdk_reply_reshape_fresh(r, MAP_ANY, 1, &out, &below), RSDK_OK);
    assert_null(out);
    assert_int_equal(r->type, RSDK_REPLY_MAP);
    assert_int_equal(below, 0);
    below = 1;
    assert_int_equal(rsdk_reply_reshape_fresh(r, MAP_ANY, 1, &out, &below), RSDK_OK);
    assert_null(out);
    assert_int_equal(below, 0); /* walked again: not known */
    rsdk_reply_free(r);
}

/* An inner node has no record of its own: the full reshape, types unknown. */
static void test_fresh_inner_node_is_not_known(void **state) {
    (void)state;
    rsdk_reply *r = parse("*2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*1\r\n$1\r\nc\r\n", 0), *out = NULL;
    uint32_t below = 1;
    assert_int_equal(rsdk_reply_reshape_fresh(&r->element[1], NULL, 0, &out, &below), RSDK_OK);
    assert_null(out);
    assert_int_equal(below, 0);
    rsdk_reply_free(r);
}

static void test_fresh_null_arguments(void **state) {
    (void)state;
    rsdk_reply *r = parse("*1\r\n$1\r\na\r\n", 0), *out = (rsdk_reply *)1;
    uint32_t below = 7;
    assert_int_equal(rsdk_reply_reshape_fresh(NULL, NULL, 1, &out, &below), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_reply_reshape_fresh(r, NULL, 1, NULL, &below), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_reply_reshape_fresh(r, NULL, 1, &out, NULL), RSDK_ERR_INVALID_ARG);
    assert_ptr_equal(out, (rsdk_reply *)1);
    assert_int_equal(below, 7);
    rsdk_reply_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_matches_reshape),
        cmocka_unit_test(test_fresh_forgets_after_a_change),
        cmocka_unit_test(test_fresh_inner_node_is_not_known),
        cmocka_unit_test(test_fresh_null_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
