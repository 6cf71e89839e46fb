/* libFuzzer target for the reply reader.
 *
 * The first input byte picks how the rest is fed: bits 0-5 a chunk size
 * (0 = whole), bit 6 the zero-copy space/commit path, bit 7 tight limits.
 * The same bytes are also fed whole to a second reader, and both must give
 * the same replies and the same verdict: a bug in resuming a reply across
 * feeds shows up as a difference, not only as a crash. The split feed hands
 * its copies of the replies back to its reader (as a pipeline does), so
 * later replies are built in reused blocks of every size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsdk/reader.h"
#include "runtime/src/reader_internal.h"

#define MAX_KEEP 64

static void check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "fuzz_reader: %s\n", what);
        abort();
    }
}

/* Touches every node and checks the documented invariants. */
static void walk(const rsdk_reply *r, unsigned depth) {
    check(depth <= 1025, "tree deeper than the hard cap");
    check(r->type >= RSDK_REPLY_STRING && r->type <= RSDK_REPLY_PUSH, "bad type");
    if (r->str) check(r->str[r->len] == '\0', "string not NUL-terminated");
    switch (r->type) {
    case RSDK_REPLY_STRING:
    case RSDK_REPLY_STATUS:
    case RSDK_REPLY_ERROR:
    case RSDK_REPLY_DOUBLE:
    case RSDK_REPLY_BIGNUM:
        check(r->str != NULL, "string node without str");
        break;
    case RSDK_REPLY_VERB:
        check(r->str != NULL && strlen(r->vtype) == 3, "bad verbatim node");
        break;
    case RSDK_REPLY_BOOL:
        check(r->integer == 0 || r->integer == 1, "bool not 0/1");
        break;
    case RSDK_REPLY_MAP:
        check(r->elements % 2 == 0, "odd map");
        break;
    default:
        break;
    }
    check((r->elements == 0) == (r->element == NULL), "elements/element mismatch");
    if (r->attribute) {
        check(r->attribute->type == RSDK_REPLY_MAP, "attribute is not a map");
        walk(r->attribute, depth + 1);
    }
    for (size_t i = 0; i < r->elements; i++) walk(&r->element[i], depth + 1);
    (void)rsdk_reply_map_get(r, "a");
    (void)rsdk_reply_type_str(r->type);
}

static int same(const rsdk_reply *a, const rsdk_reply *b) {
    if (!a || !b) return a == b;
    if (a->type != b->type || a->integer != b->integer || a->len != b->len || a->elements != b->elements) return 0;
    if ((a->str == NULL) != (b->str == NULL)) return 0;
    if (a->str && memcmp(a->str, b->str, a->len) != 0) return 0;
    if (a->type == RSDK_REPLY_DOUBLE && memcmp(&a->dval, &b->dval, sizeof a->dval) != 0 &&
        !(a->dval != a->dval && b->dval != b->dval))
        return 0;
    if (memcmp(a->vtype, b->vtype, sizeof a->vtype) != 0) return 0;
    if (!same(a->attribute, b->attribute)) return 0;
    for (size_t i = 0; i < a->elements; i++)
        if (!same(&a->element[i], &b->element[i])) return 0;
    return 1;
}

typedef struct {
    rsdk_reply *kept[MAX_KEEP];
    size_t n;
    rsdk_status verdict;
} run;

static void drain(rsdk_reader *rd, run *out, int recycle) {
    while (out->verdict == RSDK_OK) {
        rsdk_reply *r = NULL;
        out->verdict = rsdk_reader_get(rd, &r);
        if (out->verdict != RSDK_OK || !r) return;
        walk(r, 0);
        rsdk_reply *copy = rsdk__reply_copy(r);
        check(copy && same(copy, r), "copy differs");
        if (recycle) rsdk__reader_recycle(rd, copy);
        else rsdk_reply_free(copy);
        if (out->n < MAX_KEEP) out->kept[out->n++] = r;
        else rsdk_reply_free(r);
    }
}

static void feed(const uint8_t *p, size_t len, size_t chunk, int zero_copy, const rsdk_reader_limits *lim, run *out) {
    rsdk_reader *rd = rsdk_reader_new(lim);
    check(rd != NULL, "reader_new");
    size_t step = chunk ? chunk : (len ? len : 1);
    for (size_t off = 0; off < len && out->verdict == RSDK_OK; off += step) {
        size_t k = len - off < step ? len - off : step;
        if (zero_copy) {
            char *area = NULL;
            size_t avail = 0;
            out->verdict = rsdk_reader_space(rd, k, &area, &avail);
            if (out->verdict) break;
            check(avail >= k, "space smaller than asked");
            memcpy(area, p + off, k);
            rsdk_reader_commit(rd, k);
        } else {
            out->verdict = rsdk_reader_feed(rd, (const char *)p + off, k);
        }
        drain(rd, out, chunk != 0 || zero_copy);
    }
    if (out->verdict == RSDK_ERR_PROTOCOL) {
        const rsdk_error *e = rsdk_reader_error(rd);
        check(e->code == RSDK_ERR_PROTOCOL && strncmp(e->message, "protocol: ", 10) == 0, "bad error record");
        rsdk_reply *r = NULL;
        check(rsdk_reader_feed(rd, "+OK\r\n", 5) == RSDK_ERR_PROTOCOL, "dead reader took input");
        check(rsdk_reader_get(rd, &r) == RSDK_ERR_PROTOCOL && r == NULL, "dead reader gave a reply");
    } else {
        check(out->verdict == RSDK_OK, "unexpected status");
    }
    rsdk_reader_free(rd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint8_t mode = data[0];
    const uint8_t *p = data + 1;
    size_t len = size - 1;
    rsdk_reader_limits lim;
    rsdk_reader_limits_init(&lim);
    if (mode & 0x80) {
        lim.max_bulk_bytes = 64;
        lim.max_elements = 16;
        lim.max_depth = 8;
        lim.max_reply_bytes = 512;
    }
    run whole, split;
    memset(&whole, 0, sizeof whole);
    memset(&split, 0, sizeof split);
    feed(p, len, 0, 0, &lim, &whole);
    feed(p, len, mode & 0x3f, mode & 0x40, &lim, &split);
    check(whole.verdict == split.verdict, "whole and split feeds disagree on the verdict");
    check(whole.n == split.n, "whole and split feeds give different reply counts");
    for (size_t i = 0; i < whole.n; i++) check(same(whole.kept[i], split.kept[i]), "whole and split trees differ");
    for (size_t i = 0; i < whole.n; i++) {
        rsdk_reply_free(whole.kept[i]);
        rsdk_reply_free(split.kept[i]);
    }
    return 0;
}
