/* libFuzzer target for the client's decode path: bytes -> reply reader ->
 * RESP2/RESP3 reshaping -> a generated decoder of the core module.
 *
 * Input: two bytes pick the decoder (an index into rcore_commands, the
 * module's metadata table, whose decoders the build lists in the same
 * order), one byte the mode, then:
 *   mode bit 2: a shape table built from the next bytes, through which the
 *               reply is reshaped before it is decoded;
 *   mode bit 1: raw: the rest is fed to the reader as it is, and each reply
 *               it yields is decoded (bit 3: tight reader limits);
 *   otherwise:  structured: the rest drives a generator that writes one
 *               well-formed reply of random types and plausible values
 *               (RESP3 with bit 0, else RESP2), so decoders see the shapes
 *               they were written for, and near misses of them.
 * Each decoder must give RSDK_OK with a sound result, or a clean failure:
 * the server's code for an error reply, RSDK_ERR_UNEXPECTED_REPLY or
 * RSDK_ERR_NIL, with its out-parameter untouched. Decoding twice gives the
 * same verdict; normalising twice changes nothing. ASan checks the frees. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rsdk/buf.h"
#include "rsdk/command_meta.h"
#include "rsdk/core.h"
#include "rsdk/reader.h"
#include "rsdk/reply_shape.h"
#include "runtime/src/protocol/reply_arena.h"
#include "tests/fuzz/fuzz_tree.h"

/* ---- the decoders, in the order of rcore_commands ------------------------ */

/* The view results (rsdk/typed.h): kind, C type. All share their first
 * fields (reply, owner, item, count) and an accessor <type>_at. */
#define VIEWS(X)                 \
    X(strings, rsdk_strings)     \
    X(pairs, rsdk_pairs)         \
    X(scored, rsdk_scored)       \
    X(ints, rsdk_ints)           \
    X(doubles, rsdk_doubles)     \
    X(bools, rsdk_bools)         \
    X(scan_page, rsdk_scan_page)          \
    X(stream_entries, rsdk_stream_entries) \
    X(streams, rsdk_streams)              \
    X(geo, rsdk_geo)                      \
    X(pending, rsdk_pending)

typedef union decode_fn {
    rsdk_status (*status)(rsdk_reply *r, rsdk_error *err);
    rsdk_status (*int_)(rsdk_reply *r, int64_t *out, rsdk_error *err);
    rsdk_status (*int_or_nil)(rsdk_reply *r, rsdk_int_or_nil *out, rsdk_error *err);
    rsdk_status (*bool_)(rsdk_reply *r, bool *out, rsdk_error *err);
    rsdk_status (*double_)(rsdk_reply *r, double *out, rsdk_error *err);
    rsdk_status (*double_or_nil)(rsdk_reply *r, rsdk_double_or_nil *out, rsdk_error *err);
    rsdk_status (*string)(rsdk_reply *r, rsdk_string *out, rsdk_error *err);
    rsdk_status (*reply)(rsdk_reply *r, const rsdk_reply **out, rsdk_error *err);
    rsdk_status (*rank)(rsdk_reply *r, rsdk_rank *out, rsdk_error *err);
    rsdk_status (*int_or_double)(rsdk_reply *r, rsdk_int_or_double *out, rsdk_error *err);
#define VIEW_FN(kind, T) rsdk_status (*kind)(rsdk_reply *r, T *out, rsdk_error *err);
    VIEWS(VIEW_FN)
#undef VIEW_FN
} decode_fn;

typedef struct decoder {
    const char *function;
    rsdk_result_kind kind;
    decode_fn fn;
} decoder;

/* Each view kind's RSDK_RESULT_ value. */
#define RESULT_OF_strings RSDK_RESULT_STRINGS
#define RESULT_OF_pairs RSDK_RESULT_PAIRS
#define RESULT_OF_scored RSDK_RESULT_SCORED
#define RESULT_OF_ints RSDK_RESULT_INTS
#define RESULT_OF_doubles RSDK_RESULT_DOUBLES
#define RESULT_OF_bools RSDK_RESULT_BOOLS
#define RESULT_OF_scan_page RSDK_RESULT_SCAN_PAGE
#define RESULT_OF_stream_entries RSDK_RESULT_STREAM_ENTRIES
#define RESULT_OF_streams RSDK_RESULT_STREAMS
#define RESULT_OF_geo RSDK_RESULT_GEO
#define RESULT_OF_pending RSDK_RESULT_PENDING

/* The union member for each kind of the list (int, bool and double are
 * keywords). */
#define M_status status
#define M_int int_
#define M_int_or_nil int_or_nil
#define M_bool bool_
#define M_double double_
#define M_double_or_nil double_or_nil
#define M_string string
#define M_reply reply
#define M_strings strings
#define M_pairs pairs
#define M_scored scored
#define M_ints ints
#define M_doubles doubles
#define M_bools bools
#define M_scan_page scan_page
#define M_rank rank
#define M_int_or_double int_or_double
#define M_stream_entries stream_entries
#define M_streams streams
#define M_geo geo
#define M_pending pending
#define D(f, kind, KIND) {#f, RSDK_RESULT_##KIND, {.M_##kind = f##_decode}},
static const decoder DECODERS[] = {
#include "tests/fuzz/core_decoders.inc"
};
#undef D
#define NDECODERS (sizeof DECODERS / sizeof DECODERS[0])

/* The list and the metadata table come from the same specs: they must
 * agree entry by entry, or the index would pick the wrong decoder. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_check(NDECODERS == rcore_commands_count, "decoder list and rcore_commands differ in length");
    for (size_t i = 0; i < NDECODERS; i++) {
        fuzz_check(strcmp(DECODERS[i].function, rcore_commands[i].function) == 0,
                   "decoder list and rcore_commands differ in order");
        fuzz_check(DECODERS[i].kind == rcore_commands[i].result,
                   "decoder list and rcore_commands differ in result kind");
    }
    return 0;
}

/* ---- input bytes --------------------------------------------------------- */

typedef struct src {
    const uint8_t *p;
    size_t n;
} src;

/* The next byte; 0 once the input is used up, so every input is valid. */
static uint8_t take(src *s) {
    if (!s->n) return 0;
    s->n--;
    return *s->p++;
}

/* ---- shape tables -------------------------------------------------------- */

#define MAX_SHAPES 8

static const char *const KEYS[] = {"name", "flags", "score", "value", "id", "entries", "a", "b"};
#define NKEYS (sizeof KEYS / sizeof KEYS[0])

/* A table of 2..MAX_SHAPES nodes: 0 is ANY, the root is 1, children point
 * anywhere in the table (cycles too: reshaping follows the reply, which is
 * finite). */
static void shapes_build(src *in, rsdk_shape *t) {
    size_t n = 2 + take(in) % (MAX_SHAPES - 1);
    memset(t, 0, MAX_SHAPES * sizeof *t);
    for (size_t i = 1; i < n; i++) {
        rsdk_shape *s = &t[i];
        s->kind = (rsdk_shape_kind)(take(in) % (RSDK_SHAPE_PAIRS + 1));
        s->first = (uint16_t)(take(in) % n);
        s->other = (uint16_t)(take(in) % n);
        uint8_t c = take(in);
        s->count = (uint16_t)(c % 4 < n - s->first ? c % 4 : n - s->first);
        if (s->kind == RSDK_SHAPE_MAP) {
            size_t k0 = (c >> 2) % (NKEYS - 3);
            s->keys = KEYS + k0;
        }
    }
}

/* ---- the reply generator ------------------------------------------------- */

typedef struct gen {
    src *in;
    rsdk_buf *out;
    int protocol;
    unsigned budget; /* nodes left: keeps trees (and inputs) small */
} gen;

static void put(gen *g, const char *fmt, ...) {
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k > 0) rsdk_buf_append(g->out, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}

/* Words decoders expect somewhere, numbers in every spelling Redis uses
 * and some it does not. */
static const char *const WORDS[] = {
    "OK", "PONG", "QUEUED", "", "0", "1", "-1", "2", "3.5", "-0", "inf", "-inf", "+inf", "nan",
    "1e400", "9223372036854775807", "-9223372036854775808", "18446744073709551616", "0x10",
    " 1", "1 ", "name", "flags", "value", "score", "id", "message", "subscribe", "1-0",
    "0-1", "txt:", "true", "false", "t", "f", "(nil)", "k", "v",
};
#define NWORDS (sizeof WORDS / sizeof WORDS[0])

/* What RESP3 allows after ',' and '('. */
static const char *const DOUBLES[] = {"0", "1", "-1", "3.5", "-0", "1e10", "1.5e-7", "inf", "-inf", "nan"};
static const char *const BIGNUMS[] = {"0", "-1", "18446744073709551616", "-9223372036854775809",
                                      "123456789012345678901234567890"};
#define NDOUBLES (sizeof DOUBLES / sizeof DOUBLES[0])
#define NBIGNUMS (sizeof BIGNUMS / sizeof BIGNUMS[0])

static const char *const ERRORS[] = {
    "ERR boom", "WRONGTYPE Operation against a key", "NOPERM no", "MOVED 1 127.0.0.1:7000",
    "ASK 2 h:1", "NOSCRIPT x", "BUSY y", "LOADING z", "EXECABORT t", "CROSSSLOT k", "x", "",
};
#define NERRORS (sizeof ERRORS / sizeof ERRORS[0])

/* A word from the list, or up to 15 raw input bytes. */
static void word(gen *g, char *buf, size_t cap, size_t *len) {
    uint8_t w = take(g->in);
    if (w < 0x80) {
        const char *s = WORDS[w % NWORDS];
        *len = strlen(s);
        memcpy(buf, s, *len);
        return;
    }
    *len = w % 16 < cap ? w % 16 : cap;
    for (size_t i = 0; i < *len; i++) buf[i] = (char)take(g->in);
}

static void blob(gen *g, char type, const char *prefix) {
    char b[32];
    size_t n;
    word(g, b, sizeof b, &n);
    put(g, "%c%zu\r\n%s", type, n + strlen(prefix), prefix);
    rsdk_buf_append(g->out, b, n);
    put(g, "\r\n");
}

/* A one-line type (+ - : , ( ) with text that has no CR or LF. */
static void line(gen *g, char type, const char *s, size_t n) {
    char b[64];
    if (n > sizeof b) n = sizeof b;
    for (size_t i = 0; i < n; i++) b[i] = s[i] == '\r' || s[i] == '\n' ? '_' : s[i];
    put(g, "%c", type);
    rsdk_buf_append(g->out, b, n);
    put(g, "\r\n");
}

static void value(gen *g, unsigned depth);

/* An aggregate of n groups of `per` values; maps and attributes count
 * pairs, the others every value. */
static void aggregate(gen *g, char type, unsigned per, unsigned depth) {
    unsigned n = depth >= 6 ? 0 : take(g->in) % 6;
    if (n * per > g->budget) n = g->budget / per;
    g->budget -= n * per;
    put(g, "%c%u\r\n", type, type == '%' || type == '|' ? n : n * per);
    for (unsigned i = 0; i < n * per; i++) value(g, depth + 1);
}

static void value(gen *g, unsigned depth) {
    char b[32];
    size_t n;
    uint8_t t = take(g->in);
    switch (t % (g->protocol == 3 ? 16 : 7)) {
    case 0: blob(g, '$', ""); break;
    case 1: word(g, b, sizeof b, &n); line(g, '+', b, n); break;
    case 2: {
        const char *e = ERRORS[take(g->in) % NERRORS];
        if (g->protocol == 3 && t & 0x80) put(g, "!%zu\r\n%s\r\n", strlen(e), e);
        else line(g, '-', e, strlen(e));
        break;
    }
    case 3:
        if (t & 0x80) put(g, ":%d\r\n", (int8_t)take(g->in));
        else put(g, ":%s\r\n", t & 0x40 ? "9223372036854775807" : "-9223372036854775808");
        break;
    case 4: put(g, g->protocol == 3 ? "_\r\n" : t & 0x80 ? "*-1\r\n" : "$-1\r\n"); break;
    case 5: aggregate(g, '*', 1, depth); break;
    case 6: aggregate(g, '*', 2, depth); break; /* a RESP2 map or flat pairs */
    case 7: put(g, ",%s\r\n", DOUBLES[take(g->in) % NDOUBLES]); break;
    case 8: put(g, t & 0x80 ? "#t\r\n" : "#f\r\n"); break;
    case 9: put(g, "(%s\r\n", BIGNUMS[take(g->in) % NBIGNUMS]); break;
    case 10: blob(g, '=', "txt:"); break;
    case 11: aggregate(g, '%', 2, depth); break;
    case 12: aggregate(g, '~', 1, depth); break;
    case 13: aggregate(g, depth ? '*' : '>', 1, depth); break; /* pushes are top-level */
    case 14: /* an attribute, then the value it belongs to */
        aggregate(g, '|', 2, depth);
        if (t & 0x80) blob(g, '$', "");
        else aggregate(g, '*', 1, depth);
        break;
    default: aggregate(g, '*', 2, depth); break;
    }
}

/* ---- decoding and its checks --------------------------------------------- */

typedef union result {
    int64_t i;
    rsdk_int_or_nil in;
    bool b;
    double d;
    rsdk_double_or_nil dn;
    rsdk_string s;
    const rsdk_reply *r;
    rsdk_rank rank;
    rsdk_int_or_double iod;
#define VIEW_MEMBER(kind, T) T kind;
    VIEWS(VIEW_MEMBER)
#undef VIEW_MEMBER
} result;

static rsdk_status call(const decoder *d, rsdk_reply *r, result *out, rsdk_error *err) {
    switch (d->kind) {
    case RSDK_RESULT_STATUS: return d->fn.status(r, err);
    case RSDK_RESULT_INT: return d->fn.int_(r, &out->i, err);
    case RSDK_RESULT_INT_OR_NIL: return d->fn.int_or_nil(r, &out->in, err);
    case RSDK_RESULT_BOOL: return d->fn.bool_(r, &out->b, err);
    case RSDK_RESULT_DOUBLE: return d->fn.double_(r, &out->d, err);
    case RSDK_RESULT_DOUBLE_OR_NIL: return d->fn.double_or_nil(r, &out->dn, err);
    case RSDK_RESULT_STRING: return d->fn.string(r, &out->s, err);
    case RSDK_RESULT_REPLY: return d->fn.reply(r, &out->r, err);
    case RSDK_RESULT_RANK: return d->fn.rank(r, &out->rank, err);
    case RSDK_RESULT_INT_OR_DOUBLE: return d->fn.int_or_double(r, &out->iod, err);
#define VIEW_CALL(kind, T) \
    case RESULT_OF_##kind: return d->fn.kind(r, &out->kind, err);
        VIEWS(VIEW_CALL)
#undef VIEW_CALL
    case RSDK_RESULT_MODULE: break; /* module glue types: no core command has one */
    }
    fuzz_check(0, "unknown result kind");
    return RSDK_ERR_INVALID_ARG;
}

/* Bytes of one item read through its view's accessor, so every pointer it
 * hands out is touched. */
static size_t touch_str(const char *p, size_t n) {
    size_t sum = 0;
    for (size_t i = 0; i < n; i++) sum += (unsigned char)p[i];
    return sum;
}
static size_t touch_strings(const rsdk_strings *v, size_t i) {
    rsdk_string s = rsdk_strings_at(v, i);
    return s.nil ? 0 : touch_str(s.ptr, s.len);
}
static size_t touch_pairs(const rsdk_pairs *v, size_t i) {
    rsdk_pair p = rsdk_pairs_at(v, i);
    return touch_str(p.key.ptr, p.key.len) + (p.value.nil ? 0 : touch_str(p.value.ptr, p.value.len));
}
static size_t touch_scored(const rsdk_scored *v, size_t i) {
    rsdk_scored_member m = rsdk_scored_at(v, i);
    return touch_str(m.member.ptr, m.member.len) + (m.score == m.score);
}
static size_t touch_ints(const rsdk_ints *v, size_t i) { return (size_t)rsdk_ints_at(v, i).value; }
static size_t touch_doubles(const rsdk_doubles *v, size_t i) { return rsdk_doubles_at(v, i).nil; }
static size_t touch_bools(const rsdk_bools *v, size_t i) { return rsdk_bools_at(v, i); }
static size_t touch_scan_page(const rsdk_scan_page *v, size_t i) {
    rsdk_str s = rsdk_scan_page_at(v, i);
    return touch_str(s.ptr, s.len);
}
static size_t touch_stream_entries(const rsdk_stream_entries *v, size_t i) {
    rsdk_stream_entry e = rsdk_stream_entries_at(v, i);
    size_t sum = touch_str(e.id.ptr, e.id.len);
    for (size_t k = 0; k < e.count; k++) {
        rsdk_pair p = rsdk_stream_entry_at(&e, k);
        sum += touch_str(p.key.ptr, p.key.len) + (p.value.nil ? 0 : touch_str(p.value.ptr, p.value.len));
    }
    if (i == 0)
        for (size_t k = 0; k < v->deleted_count; k++) {
            rsdk_str d = rsdk_stream_entries_deleted_at(v, k);
            sum += touch_str(d.ptr, d.len);
        }
    return sum + touch_str(v->next.ptr, v->next.len);
}
static size_t touch_streams(const rsdk_streams *v, size_t i) {
    rsdk_stream_entries s = rsdk_streams_at(v, i);
    size_t sum = touch_str(s.key.ptr, s.key.len);
    for (size_t k = 0; k < s.count; k++) sum += touch_stream_entries(&s, k);
    return sum;
}
static size_t touch_geo(const rsdk_geo *v, size_t i) {
    rsdk_geo_place g = rsdk_geo_at(v, i);
    return touch_str(g.member.ptr, g.member.len) + (size_t)g.hash;
}
static size_t touch_pending(const rsdk_pending *v, size_t i) {
    if (v->summary) {
        rsdk_pending_consumer c = rsdk_pending_consumer_at(v, i);
        return touch_str(c.name.ptr, c.name.len) + (size_t)c.count;
    }
    rsdk_pending_entry e = rsdk_pending_entry_at(v, i);
    return touch_str(e.id.ptr, e.id.len) + touch_str(e.consumer.ptr, e.consumer.len);
}

/* A successful result must be sound: read every byte it points to. */
static void check_result(const decoder *d, const rsdk_reply *r, const result *out) {
    switch (d->kind) {
#define VIEW_CHECK(kind, T)                                                                  \
    case RESULT_OF_##kind: {                                                                 \
        const T *v = &out->kind;                                                             \
        fuzz_check(v->reply == r && v->owner == NULL, "a decoded view does not borrow the reply"); \
        size_t sum = 0;                                                                      \
        for (size_t i = 0; i < v->count; i++) sum += touch_##kind(v, i);                     \
        (void)sum;                                                                           \
        break;                                                                               \
    }
        VIEWS(VIEW_CHECK)
#undef VIEW_CHECK
    case RSDK_RESULT_BOOL: {
        unsigned char raw;
        memcpy(&raw, &out->b, 1);
        fuzz_check(raw <= 1, "bool result not 0/1");
        break;
    }
    case RSDK_RESULT_INT_OR_NIL: fuzz_check(!out->in.nil || out->in.value == 0, "nil int not 0"); break;
    case RSDK_RESULT_DOUBLE_OR_NIL: fuzz_check(!out->dn.nil || out->dn.value == 0, "nil double not 0"); break;
    case RSDK_RESULT_STRING: {
        const rsdk_string *s = &out->s;
        fuzz_check((s->ptr == NULL) == s->nil && s->owner == NULL, "bad string result");
        size_t sum = 0;
        for (size_t i = 0; i < s->len; i++) sum += (unsigned char)s->ptr[i];
        (void)sum;
        break;
    }
    case RSDK_RESULT_REPLY:
        fuzz_check(out->r == r, "reply result is not the reply");
        fuzz_walk(out->r, 0);
        break;
    default: break;
    }
}

/* True when some node of `r` is an error reply (an item a module refused). */
static bool holds_error(const rsdk_reply *r) {
    if (r->type == RSDK_REPLY_ERROR) return true;
    if (rsdk_reply_is_aggregate(r))
        for (size_t i = 0; i < r->elements; i++)
            if (holds_error(&r->element[i])) return true;
    return false;
}

static void decode(const decoder *d, rsdk_reply *r) {
    result out, untouched;
    memset(&out, 0xa5, sizeof out);
    untouched = out;
    rsdk_error err;
    rsdk_status s = call(d, r, &out, &err);
    if (s == RSDK_OK) {
        fuzz_check(r->type != RSDK_REPLY_ERROR, "error reply decoded as a result");
        check_result(d, r, &out);
    } else {
        fuzz_check(memcmp(&out, &untouched, sizeof out) == 0, "out-parameter written on failure");
        if (r->type == RSDK_REPLY_ERROR)
            fuzz_check(s == rsdk_status_from_server(r->str, r->len), "error reply not mapped by its prefix");
        else
            /* A view's item that is an error reply fails with the server's
             * own code (docs/codegen.md, "Checked items"). */
            fuzz_check(s == RSDK_ERR_UNEXPECTED_REPLY || s == RSDK_ERR_NIL ||
                           (holds_error(r) && (rsdk_err_class(s) == RSDK_CLASS_RESPONSE ||
                                               rsdk_err_class(s) == RSDK_CLASS_CLUSTER)),
                       "unclean decoder failure");
    }
    result again;
    fuzz_check(call(d, r, &again, NULL) == s, "decoding twice gives another verdict");
}

/* The type bits of every node under `r`, attributes included: what the
 * reader records for rsdk_reply_reshape_fresh. */
static uint32_t types_below(const rsdk_reply *r) {
    uint32_t m = 0;
    for (size_t i = 0; rsdk_reply_is_aggregate(r) && i < r->elements; i++) {
        const rsdk_reply *e = &r->element[i];
        m |= (UINT32_C(1) << (unsigned)e->type) | types_below(e);
        if (e->attribute) m |= (UINT32_C(1) << RSDK_REPLY_MAP) | types_below(e->attribute);
    }
    return m;
}

/* One reply through the client's path: reshaped (with a table) as a sync
 * call does, from the reader's record of its types, and checked against
 * the plain reshape of a copy; then decoded as received and as reshaped;
 * freed. */
static void process(const decoder *d, const rsdk_shape *table, rsdk_reply *r) {
    fuzz_walk(r, 0);
    if (table) {
        rsdk_reply *twin = rsdk__reply_copy(r), *twin_shaped = NULL, *shaped = NULL;
        fuzz_check(twin != NULL, "copy");
        uint32_t below = 0, want = types_below(r);
        rsdk_status s = rsdk_reply_reshape_fresh(r, table, 1, &shaped, &below);
        fuzz_check(s == RSDK_OK || s == RSDK_ERR_NOMEM, "reshape failed");
        fuzz_check(below == 0 || below == want, "the reader's record of the types under the root is wrong");
        if (s == RSDK_OK && rsdk_reply_reshape(twin, table, 1, &twin_shaped) == RSDK_OK)
            fuzz_check(fuzz_same(shaped ? shaped : r, twin_shaped ? twin_shaped : twin),
                       "the fresh reshape differs from the plain one");
        rsdk_reply_free(twin_shaped);
        rsdk_reply_free(twin);
        /* r is normalised now; doing it again changes nothing. */
        rsdk_reply *copy = rsdk__reply_copy(r);
        fuzz_check(copy != NULL, "copy");
        rsdk_reply_normalize(r, table, 1);
        fuzz_check(fuzz_same(copy, r), "normalising twice changed the tree");
        rsdk_reply_free(copy);
        if (shaped) {
            fuzz_walk(shaped, 0);
            decode(d, shaped);
            rsdk_reply_free(shaped);
        }
    }
    decode(d, r);
    rsdk_reply_free(r);
}

#define MAX_REPLIES 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    src in = {data, size};
    size_t idx = take(&in);
    idx |= (size_t)take(&in) << 8;
    const decoder *d = &DECODERS[idx % NDECODERS];
    uint8_t mode = take(&in);
    rsdk_shape table[MAX_SHAPES];
    if (mode & 4) shapes_build(&in, table);

    rsdk_buf text;
    rsdk_buf_init(&text);
    if (mode & 2) {
        rsdk_buf_append(&text, in.p, in.n);
    } else {
        gen g = {&in, &text, mode & 1 ? 3 : 2, 256};
        value(&g, 0);
    }
    fuzz_check(text.failed == RSDK_OK, "no memory for the input");

    rsdk_reader_limits lim;
    rsdk_reader_limits_init(&lim);
    if ((mode & 10) == 10) { /* raw input only: generated replies stay within the defaults */
        lim.max_bulk_bytes = 64;
        lim.max_elements = 16;
        lim.max_depth = 8;
        lim.max_reply_bytes = 512;
    }
    rsdk_reader *rd = NULL;
    fuzz_check(rsdk_reader_new(&lim, &rd) == RSDK_OK, "reader_new");
    rsdk_status s = rsdk_reader_feed(rd, text.data, text.len);
    for (int i = 0; s == RSDK_OK && i < MAX_REPLIES; i++) {
        rsdk_reply *r = NULL;
        s = rsdk_reader_get(rd, &r);
        if (s != RSDK_OK || !r) break;
        process(d, mode & 4 ? table : NULL, r);
    }
    /* What the generator writes is well-formed and within the limits. */
    if (!(mode & 2)) fuzz_check(s == RSDK_OK, "the reader refused a generated reply");
    rsdk_reader_free(rd);
    rsdk_buf_deinit(&text);
    return 0;
}
