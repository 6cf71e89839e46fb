/* Generated _async calls (rsdk/gen_async.h): one encode, one hand-over to
 * the async client, and completions that decode with the sync call's own
 * decoders and call the typed callback exactly once. */
#include <string.h>

#include "gen_async_core.h"
#include "gen_internal.h"

rsdk_buf *rsdk_gen_async_begin(rsdk_gen_async *k, rsdk_async *a) {
    k->a = a;
    rsdk_buf_init(&k->buf);
    rsdk_error_clear(&k->err);
    return &k->buf;
}

rsdk_status rsdk_gen_async_end(rsdk_gen_async *k, rsdk_status encoded, rsdk_async_decode_fn decode,
                               const rsdk_gen_async_arg *arg, rsdk_async_typed_fn cb, void *ud,
                               unsigned flags) {
    rsdk_status s = encoded;
    if (s == RSDK_OK && k->a == NULL)
        s = rsdk_error_set(&k->err, RSDK_ERR_INVALID_ARG, 0, "NULL async client");
    if (s == RSDK_OK) {
        rsdk_async_call call = {decode, cb, arg, ud, flags};
        s = rsdk__gen_async_send(k->a, &k->buf, &call);
    } else if (k->a != NULL) {
        rsdk__gen_async_record(k->a, &k->err);
    }
    rsdk_buf_deinit(&k->buf);
    return s;
}

static const rsdk_gen_async_arg *arg_of(const rsdk_async_call *call) {
    return (const rsdk_gen_async_arg *)call->decode_arg;
}

/* The failure a completion reports when there is no reply. */
static rsdk_status no_reply(const rsdk_error *err, rsdk_error *e) {
    if (err == NULL) return rsdk_error_set(e, RSDK_ERR_PROTOCOL, 0, "no reply");
    *e = *err;
    return err->code != RSDK_OK ? err->code : RSDK_ERR_PROTOCOL;
}

void rsdk_gen_async_status(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,
                           const rsdk_async_call *call) {
    if (call->fn == NULL) return;
    rsdk_error e;
    rsdk_status s = r != NULL ? rsdk_gen_decode_status(r, arg_of(call)->x, &e) : no_reply(err, &e);
    ((rsdk_async_status_cb)call->fn)(a, s, s == RSDK_OK ? NULL : &e, call->ud);
}

/* Scalars: decoded into a local, handed over by value. */
#define ASYNC_SCALAR(KIND, T, ...)                                                                 \
    void rsdk_gen_async_##KIND(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,                \
                               const rsdk_async_call *call) {                                      \
        static const T empty = __VA_ARGS__;                                                        \
        if (call->fn == NULL) return;                                                              \
        T v = empty;                                                                               \
        rsdk_error e;                                                                              \
        rsdk_status s = r != NULL ? rsdk_gen_decode_##KIND(r, arg_of(call)->x, &v, &e)             \
                                  : no_reply(err, &e);                                             \
        if (s != RSDK_OK) v = empty;                                                               \
        ((rsdk_async_##KIND##_cb)call->fn)(a, s, v, s == RSDK_OK ? NULL : &e, call->ud);           \
    }

ASYNC_SCALAR(int, int64_t, 0)
ASYNC_SCALAR(int_or_nil, rsdk_int_or_nil, {0, true})
ASYNC_SCALAR(bool, bool, false)
ASYNC_SCALAR(double, double, 0.0)
ASYNC_SCALAR(double_or_nil, rsdk_double_or_nil, {0.0, true})

void rsdk_gen_async_string(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,
                           const rsdk_async_call *call) {
    if (call->fn == NULL) return;
    rsdk_string v = {NULL, 0, true, NULL};
    rsdk_error e;
    rsdk_status s = r != NULL ? rsdk_gen_decode_string(r, arg_of(call)->x, &v, &e) : no_reply(err, &e);
    if (s != RSDK_OK) v = (rsdk_string){NULL, 0, true, NULL};
    else v.owner = r; /* as a sync call's: the callback may move it out */
    ((rsdk_async_string_cb)call->fn)(a, s, &v, s == RSDK_OK ? NULL : &e, call->ud);
    if (s == RSDK_OK && v.owner == NULL) rsdk__gen_async_keep(a, r);
}

rsdk_status rsdk_gen_async_tree_open(rsdk_gen_async_tree *t, rsdk_reply *r, const rsdk_error *err,
                                     const rsdk_gen_async_arg *arg) {
    t->r = r;
    t->tree = NULL;
    t->rebuilt = NULL;
    if (r == NULL) return no_reply(err, &t->err);
    if (!rsdk__gen_accepts(r, arg->x)) return rsdk__gen_refuse(r, arg->x, &t->err);
    /* The sync call's step (rsdk__gen_take_tree): normalised in place,
     * rebuilt where RESP2's layout differs. */
    rsdk_status s = rsdk_reply_reshape(r, arg->table, 1, &t->rebuilt);
    if (s != RSDK_OK)
        return rsdk_error_set(&t->err, s, 0, "%s: no memory to bring the reply to its RESP3 form",
                              arg->x->command);
    t->tree = t->rebuilt != NULL ? t->rebuilt : r;
    return RSDK_OK;
}

void rsdk_gen_async_tree_close(rsdk_gen_async_tree *t, rsdk_async *a, bool kept) {
    if (kept && t->rebuilt == NULL && t->r != NULL) rsdk__gen_async_keep(a, t->r);
    if (!kept) rsdk_reply_free(t->rebuilt);
    t->rebuilt = t->tree = NULL;
}

void rsdk_gen_async_reply(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,
                          const rsdk_async_call *call) {
    if (call->fn == NULL) return;
    rsdk_gen_async_tree t;
    rsdk_status s = rsdk_gen_async_tree_open(&t, r, err, arg_of(call));
    ((rsdk_async_reply_cb)call->fn)(a, s, t.tree, s == RSDK_OK ? NULL : &t.err, call->ud);
    rsdk_gen_async_tree_close(&t, a, false);
}

/* The tree kinds' first step: the tree in its RESP3 form read by the
 * kind's decoder into `v` (zeroed on failure). */
#define TREE_DECODE(KIND)                                                                          \
    if (call->fn == NULL) return;                                                                  \
    const rsdk_gen_async_arg *arg = arg_of(call);                                                  \
    rsdk_gen_async_tree t;                                                                         \
    memset(&v, 0, sizeof v);                                                                       \
    rsdk_status s = rsdk_gen_async_tree_open(&t, r, err, arg);                                     \
    if (s == RSDK_OK) s = rsdk_gen_decode_##KIND(t.tree, arg->x, arg->table, &v, &t.err);          \
    if (s != RSDK_OK) memset(&v, 0, sizeof v);                                                     \
    const rsdk_error *why = s == RSDK_OK ? NULL : &t.err

/* Scalars read from a small tree (ZRANK WITHSCORE, ZADD INCR): by value. */
#define ASYNC_TREE_SCALAR(KIND, T)                                                                 \
    void rsdk_gen_async_##KIND(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,                \
                               const rsdk_async_call *call) {                                      \
        T v;                                                                                       \
        TREE_DECODE(KIND);                                                                         \
        ((rsdk_async_##KIND##_cb)call->fn)(a, s, v, why, call->ud);                                \
        rsdk_gen_async_tree_close(&t, a, false);                                                   \
    }

ASYNC_TREE_SCALAR(rank, rsdk_rank)
ASYNC_TREE_SCALAR(int_or_double, rsdk_int_or_double)

/* Views own the tree during the callback, which may move them out. */
#define ASYNC_VIEW(KIND, T)                                                                        \
    void rsdk_gen_async_##KIND(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,                \
                               const rsdk_async_call *call) {                                      \
        T v;                                                                                       \
        TREE_DECODE(KIND);                                                                         \
        if (s == RSDK_OK) v.owner = t.tree;                                                        \
        ((rsdk_async_##KIND##_cb)call->fn)(a, s, &v, why, call->ud);                               \
        rsdk_gen_async_tree_close(&t, a, s == RSDK_OK && v.owner == NULL);                         \
    }

ASYNC_VIEW(strings, rsdk_strings)
ASYNC_VIEW(pairs, rsdk_pairs)
ASYNC_VIEW(scored, rsdk_scored)
ASYNC_VIEW(ints, rsdk_ints)
ASYNC_VIEW(doubles, rsdk_doubles)
ASYNC_VIEW(bools, rsdk_bools)
ASYNC_VIEW(scan_page, rsdk_scan_page)
ASYNC_VIEW(stream_entries, rsdk_stream_entries)
ASYNC_VIEW(streams, rsdk_streams)
ASYNC_VIEW(geo, rsdk_geo)
ASYNC_VIEW(pending, rsdk_pending)
