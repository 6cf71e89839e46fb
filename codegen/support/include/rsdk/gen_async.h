/* rsdk/gen_async.h — what generated _async calls use (rsdk/async_typed.h).
 *
 * Application code calls the generated <prefix>X_async functions, not
 * these. Each generated _async call encodes its command once into the
 * buffer rsdk_gen_async_begin gives, and rsdk_gen_async_end hands it to the
 * async client in one call, together with the command's completion
 * function (a small generated static: "X_async_done") and the typed
 * callback. When the reply arrives the client calls the completion
 * function, which calls one of the rsdk_gen_async_<kind> functions below:
 * they decode with the same decoders the sync call uses (rsdk/gen.h),
 * call the typed callback once and release what the value held. Module
 * result types (rsdk glue) use rsdk_gen_async_tree_open/close around the
 * module's reader. The contract is stable within one rsdk release. */
#ifndef RSDK_GEN_ASYNC_H
#define RSDK_GEN_ASYNC_H

#include "rsdk/async_typed.h"
#include "rsdk/gen.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A typed callback of any kind, as carried through the async client (a
 * cast to this type and back is the defined way to carry a function
 * pointer). */
typedef void (*rsdk_gen_any_fn)(void);

/* A command's completion: called once by the async client with the reply
 * (error replies included; `err` then describes it) or with `r` NULL and
 * `err` the failure. `r` belongs to the client. */
typedef void (*rsdk_gen_async_done_fn)(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,
                                       rsdk_gen_any_fn cb, void *ud);

/* One _async call in progress: the encoder's buffer and error record. */
typedef struct rsdk_gen_async {
    rsdk_async *a;
    rsdk_buf buf;
    rsdk_error err;
} rsdk_gen_async;

/* The buffer to encode the command into (never NULL). */
RSDK_API rsdk_buf *rsdk_gen_async_begin(rsdk_gen_async *k, rsdk_async *a);

/* Queues what was encoded (when `encoded` is RSDK_OK) on the client, with
 * `done` and the typed callback `cb` (NULL: the reply is dropped). On
 * failure nothing is queued, `cb` is never called, the status is returned
 * and rsdk_async_error(a) says why: the encoder's argument error
 * (RSDK_ERR_INVALID_ARG naming the argument), RSDK_ERR_INVALID_ARG for a
 * NULL client, or the client's refusal (RSDK_ERR_CLOSED,
 * RSDK_ERR_QUEUE_FULL, RSDK_ERR_NOMEM, ...). `readonly` comes from the
 * command's flags: a read the client may resend after a reconnect. */
RSDK_API rsdk_status rsdk_gen_async_end(rsdk_gen_async *k, rsdk_status encoded,
                                        rsdk_gen_async_done_fn done, rsdk_gen_any_fn cb, void *ud,
                                        bool readonly);

/* Completions per result kind: decode `r` against `x` (and the shape
 * table for tree kinds) as the sync call does, call `cb` (the kind's
 * rsdk_async_<kind>_cb, may be NULL) once, release. */
RSDK_API void rsdk_gen_async_status(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,
                                    const rsdk_gen_expect *x, rsdk_gen_any_fn cb, void *ud);
RSDK_API void rsdk_gen_async_int(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,
                                 const rsdk_gen_expect *x, rsdk_gen_any_fn cb, void *ud);
RSDK_API void rsdk_gen_async_int_or_nil(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,
                                        const rsdk_gen_expect *x, rsdk_gen_any_fn cb, void *ud);
RSDK_API void rsdk_gen_async_bool(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,
                                  const rsdk_gen_expect *x, rsdk_gen_any_fn cb, void *ud);
RSDK_API void rsdk_gen_async_double(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,
                                    const rsdk_gen_expect *x, rsdk_gen_any_fn cb, void *ud);
RSDK_API void rsdk_gen_async_double_or_nil(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,
                                           const rsdk_gen_expect *x, rsdk_gen_any_fn cb, void *ud);
RSDK_API void rsdk_gen_async_string(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,
                                    const rsdk_gen_expect *x, rsdk_gen_any_fn cb, void *ud);

#define RSDK_GEN_ASYNC_TREE_KIND(kind)                                                       \
    RSDK_API void rsdk_gen_async_##kind(rsdk_async *a, rsdk_reply *r, const rsdk_error *err, \
                                        const rsdk_gen_expect *x, const rsdk_shape *table,   \
                                        rsdk_gen_any_fn cb, void *ud);
RSDK_GEN_ASYNC_TREE_KIND(reply)
RSDK_GEN_ASYNC_TREE_KIND(rank)
RSDK_GEN_ASYNC_TREE_KIND(int_or_double)
RSDK_GEN_ASYNC_TREE_KIND(strings)
RSDK_GEN_ASYNC_TREE_KIND(pairs)
RSDK_GEN_ASYNC_TREE_KIND(scored)
RSDK_GEN_ASYNC_TREE_KIND(ints)
RSDK_GEN_ASYNC_TREE_KIND(doubles)
RSDK_GEN_ASYNC_TREE_KIND(bools)
RSDK_GEN_ASYNC_TREE_KIND(scan_page)
RSDK_GEN_ASYNC_TREE_KIND(stream_entries)
RSDK_GEN_ASYNC_TREE_KIND(streams)
RSDK_GEN_ASYNC_TREE_KIND(geo)
RSDK_GEN_ASYNC_TREE_KIND(pending)
#undef RSDK_GEN_ASYNC_TREE_KIND

/* For module result types: the reply checked against `x` and brought to
 * its RESP3 form as the sync call brings it (a rebuilt tree where RESP2's
 * layout differs). On RSDK_OK t->tree is that form; on failure t->err says
 * why. */
typedef struct rsdk_gen_async_tree {
    rsdk_reply *r;       /* the client's reply */
    rsdk_reply *tree;    /* its RESP3 form: r, or rebuilt */
    rsdk_reply *rebuilt; /* owned here, or NULL */
    rsdk_error err;
} rsdk_gen_async_tree;

RSDK_API rsdk_status rsdk_gen_async_tree_open(rsdk_gen_async_tree *t, rsdk_reply *r,
                                              const rsdk_error *err, const rsdk_gen_expect *x,
                                              const rsdk_shape *table);

/* Ends what open began: with `kept` (the callback moved the value, and so
 * t->tree, out) the tree becomes the callback's, else a rebuilt tree is
 * freed (the client frees its own reply). */
RSDK_API void rsdk_gen_async_tree_close(rsdk_gen_async_tree *t, rsdk_async *a, bool kept);

#ifdef __cplusplus
}
#endif
#endif
