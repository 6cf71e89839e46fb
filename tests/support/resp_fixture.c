/* Shared helpers for the reply reader tests (see resp_fixture.h). */
#include "support/resp_fixture.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>


char *fx_load(const char *rel, size_t *len) {
    FILE *f = fopen(rel, "rb");
    if (!f) {
        /* Fall back to the runfiles tree when run from elsewhere. */
        const char *root = getenv("TEST_SRCDIR");
        char path[1024];
        if (root) {
            snprintf(path, sizeof path, "%s/rsdk/%s", root, rel);
            f = fopen(path, "rb");
        }
    }
    if (!f) fail_msg("cannot open sample %s", rel);
    char *data = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            data = realloc(data, cap);
            assert_non_null(data);
        }
        size_t got = fread(data + n, 1, cap - n, f);
        if (!got) break;
        n += got;
    }
    fclose(f);
    *len = n;
    return data;
}

typedef struct {
    char *p;
    size_t left;
} sink;

static void put(sink *s, const char *fmt, ...) {
    if (s->left <= 1) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->p, s->left, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t w = (size_t)n < s->left ? (size_t)n : s->left - 1;
    s->p += w;
    s->left -= w;
}

static void put_quoted(sink *s, const char *str, size_t len) {
    put(s, "\"");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)str[i];
        if (c == '"' || c == '\\') put(s, "\\%c", c);
        else if (c == '\n') put(s, "\\n");
        else if (c == '\r') put(s, "\\r");
        else if (c < 0x20 || c >= 0x7f) put(s, "\\x%02x", c);
        else put(s, "%c", c);
    }
    put(s, "\"");
}

static void dump(sink *s, const rsdk_reply *r) {
    if (r->attribute) {
        put(s, "|");
        dump(s, r->attribute);
    }
    const char *open = "[", *close = "]";
    switch (r->type) {
    case RSDK_REPLY_STRING: put_quoted(s, r->str, r->len); return;
    case RSDK_REPLY_STATUS: put(s, "+"); put_quoted(s, r->str, r->len); return;
    case RSDK_REPLY_ERROR: put(s, "-"); put_quoted(s, r->str, r->len); return;
    case RSDK_REPLY_INTEGER: put(s, ":%lld", (long long)r->integer); return;
    case RSDK_REPLY_DOUBLE: put(s, ",%s", r->str); return;
    case RSDK_REPLY_NIL: put(s, "_"); return;
    case RSDK_REPLY_BOOL: put(s, "#%c", r->integer ? 't' : 'f'); return;
    case RSDK_REPLY_BIGNUM: put(s, "(%s", r->str); return;
    case RSDK_REPLY_VERB: put(s, "=%s:", r->vtype); put_quoted(s, r->str, r->len); return;
    case RSDK_REPLY_ARRAY: put(s, "*"); break;
    case RSDK_REPLY_MAP: put(s, "%%"); open = "{"; close = "}"; break;
    case RSDK_REPLY_SET: put(s, "~"); break;
    case RSDK_REPLY_PUSH: put(s, ">"); break;
    default: put(s, "?%d", (int)r->type); return;
    }
    put(s, "%s", open);
    for (size_t i = 0; i < r->elements; i++) {
        if (i) put(s, r->type == RSDK_REPLY_MAP && i % 2 ? ":" : ",");
        dump(s, &r->element[i]);
    }
    put(s, "%s", close);
}

char *fx_dump(const rsdk_reply *r, char *out, size_t cap) {
    sink s = {out, cap};
    if (cap) out[0] = '\0';
    if (!r) put(&s, "(null)");
    else dump(&s, r);
    return out;
}

bool fx_tree_equal(const rsdk_reply *a, const rsdk_reply *b) {
    if (!a || !b) return a == b;
    if (a->type != b->type) return false;
    if ((a->type == RSDK_REPLY_INTEGER || a->type == RSDK_REPLY_BOOL) && a->integer != b->integer) return false;
    if (rsdk_reply_has_str(a)) {
        if (a->len != b->len || (a->str == NULL) != (b->str == NULL)) return false;
        if (a->str && (memcmp(a->str, b->str, a->len) != 0 || a->str[a->len] || b->str[b->len])) return false;
    }
    if (a->type == RSDK_REPLY_DOUBLE && !(a->dval == b->dval || (isnan(a->dval) && isnan(b->dval))))
        return false;
    if (a->type == RSDK_REPLY_VERB && strcmp(a->vtype, b->vtype) != 0) return false;
    if (!fx_tree_equal(a->attribute, b->attribute)) return false;
    if (!rsdk_reply_is_aggregate(a)) return true;
    if (a->elements != b->elements) return false;
    for (size_t i = 0; i < a->elements; i++)
        if (!fx_tree_equal(&a->element[i], &b->element[i])) return false;
    return true;
}

static size_t drain(rsdk_reader *rd, rsdk_reply **out, size_t n, size_t max) {
    for (;;) {
        rsdk_reply *rep = NULL;
        rsdk_status s = rsdk_reader_get(rd, &rep);
        if (s != RSDK_OK) fail_msg("rsdk_reader_get: %s (%s)", rsdk_status_name(s), rsdk_reader_error(rd)->message);
        if (!rep) return n;
        if (n < max) out[n++] = rep;
        else rsdk_reply_free(rep);
    }
}

size_t fx_parse(const char *data, size_t len, size_t chunk, size_t split, rsdk_reply **out, size_t max,
                bool complete) {
    rsdk_reader *rd = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &rd), RSDK_OK);
    assert_non_null(rd);
    size_t n = 0;
    if (split) {
        assert_int_equal(rsdk_reader_feed(rd, data, split), RSDK_OK);
        n = drain(rd, out, n, max);
        assert_int_equal(rsdk_reader_feed(rd, data + split, len - split), RSDK_OK);
        n = drain(rd, out, n, max);
    } else {
        size_t step = chunk ? chunk : (len ? len : 1);
        for (size_t off = 0; off < len; off += step) {
            size_t k = len - off < step ? len - off : step;
            assert_int_equal(rsdk_reader_feed(rd, data + off, k), RSDK_OK);
            n = drain(rd, out, n, max);
        }
    }
    if (complete) assert_int_equal(rsdk_reader_pending(rd), 0);
    rsdk_reader_free(rd);
    return n;
}

void fx_free_all(rsdk_reply **r, size_t n) {
    for (size_t i = 0; i < n; i++) rsdk_reply_free(r[i]);
}

rsdk_status fx_feed_get(rsdk_reader *r, const char *text, size_t len, rsdk_reply **out) {
    rsdk_status s = rsdk_reader_feed(r, text, len);
    if (s) return s;
    return rsdk_reader_get(r, out);
}
