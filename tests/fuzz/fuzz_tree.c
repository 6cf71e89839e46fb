#include "tests/fuzz/fuzz_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsdk/reply_shape.h"

void fuzz_check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "fuzz: %s\n", what);
        abort();
    }
}

void fuzz_walk(const rsdk_reply *r, unsigned depth) {
    fuzz_check(depth <= 1025, "tree deeper than the hard cap");
    fuzz_check(r->type >= RSDK_REPLY_STRING && r->type <= RSDK_REPLY_PUSH, "bad type");
    if (rsdk_reply_has_str(r) && r->str) fuzz_check(r->str[r->len] == '\0', "string not NUL-terminated");
    switch (r->type) {
    case RSDK_REPLY_STRING:
    case RSDK_REPLY_STATUS:
    case RSDK_REPLY_ERROR:
    case RSDK_REPLY_DOUBLE:
    case RSDK_REPLY_BIGNUM:
        fuzz_check(r->str != NULL, "string node without str");
        break;
    case RSDK_REPLY_VERB:
        fuzz_check(r->str != NULL && strlen(r->vtype) == 3, "bad verbatim node");
        break;
    case RSDK_REPLY_BOOL:
        fuzz_check(r->integer == 0 || r->integer == 1, "bool not 0/1");
        break;
    case RSDK_REPLY_MAP:
        fuzz_check(r->elements % 2 == 0, "odd map");
        break;
    default:
        break;
    }
    if (rsdk_reply_is_aggregate(r))
        fuzz_check((r->elements == 0) == (r->element == NULL), "elements/element mismatch");
    if (r->attribute) {
        fuzz_check(r->attribute->type == RSDK_REPLY_MAP, "attribute is not a map");
        fuzz_walk(r->attribute, depth + 1);
    }
    if (rsdk_reply_is_aggregate(r))
        for (size_t i = 0; i < r->elements; i++) fuzz_walk(&r->element[i], depth + 1);
    double d;
    (void)rsdk_reply_number(r, &d);
    (void)rsdk_reply_map_get(r, "a");
    (void)rsdk_reply_type_str(r->type);
}

int fuzz_same(const rsdk_reply *a, const rsdk_reply *b) {
    if (!a || !b) return a == b;
    if (a->type != b->type) return 0;
    if ((a->type == RSDK_REPLY_INTEGER || a->type == RSDK_REPLY_BOOL) && a->integer != b->integer) return 0;
    if (rsdk_reply_has_str(a)) {
        if (a->len != b->len || (a->str == NULL) != (b->str == NULL)) return 0;
        if (a->str && memcmp(a->str, b->str, a->len) != 0) return 0;
    }
    if (a->type == RSDK_REPLY_DOUBLE && memcmp(&a->dval, &b->dval, sizeof a->dval) != 0 &&
        !(a->dval != a->dval && b->dval != b->dval))
        return 0;
    if (a->type == RSDK_REPLY_VERB && memcmp(a->vtype, b->vtype, sizeof a->vtype) != 0) return 0;
    if (!fuzz_same(a->attribute, b->attribute)) return 0;
    if (!rsdk_reply_is_aggregate(a)) return 1;
    if (a->elements != b->elements) return 0;
    for (size_t i = 0; i < a->elements; i++)
        if (!fuzz_same(&a->element[i], &b->element[i])) return 0;
    return 1;
}
