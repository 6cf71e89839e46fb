/* rsdk/gen_async.h — what generated _async calls use (rsdk/async_typed.h).
 *
 * Application code calls the generated <prefix>X_async functions, not
 * these. Each generated _async call encodes its command once into the
 * buffer rsdk_gen_async_begin gives, and rsdk_gen_async_end hands it to the
 * async client in one call (rsdk/async_internal.h) with the completion of
 * its result kind, the command's static rsdk_gen_async_arg and the typed
 * callback. When the reply arrives the client calls the completion, one of
 * the rsdk_gen_async_<kind> functions below: it decodes with the decoders
 * the sync call uses (rsdk/gen.h), calls the typed callback once and
 * releases what the value held. Module result types (rsdk glue) get a
 * generated completion that runs the module's reader between
 * rsdk_gen_async_tree_open and _close. The contract is stable within one
 * rsdk release. */
#ifndef RSDK_GEN_ASYNC_H
#define RSDK_GEN_ASYNC_H

#include "rsdk/async_internal.h"
#include "rsdk/async_typed.h"
#include "rsdk/gen.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a command's completion decodes with (generated static data, the
 * rsdk_async_call's decode_arg): the command's expectation and, for tree
 * results, the RESP3 form the sync call brings the reply to (NULL: the
 * shape-free rules only). */
typedef struct rsdk_gen_async_arg {
    const rsdk_gen_expect *x;
    const rsdk_shape *table;
} rsdk_gen_async_arg;

/* One _async call in progress: the encoder's buffer and error record. */
typedef struct rsdk_gen_async {
    rsdk_async *a;
    rsdk_buf buf;
    rsdk_error err;
} rsdk_gen_async;

/* The buffer to encode the command into (never NULL). */
RSDK_API rsdk_buf *rsdk_gen_async_begin(rsdk_gen_async *k, rsdk_async *a);

/* Queues what was encoded (when `encoded` is RSDK_OK) on the client as one
 * command whose reply goes to `decode` with `arg`, the typed callback `cb`
 * (NULL: the reply is read and dropped) and `ud`. `flags`: RSDK_ASYNC_*
 * from the command's flags (a read-only command may be resent after a
 * reconnect). On failure nothing is queued, `cb` is never called and the
 * status is returned: the encoder's argument error (RSDK_ERR_INVALID_ARG
 * naming the argument), RSDK_ERR_INVALID_ARG for a NULL client, or the
 * client's refusal (RSDK_ERR_CLOSED, RSDK_ERR_QUEUE_FULL, RSDK_ERR_NOMEM,
 * ...; rsdk_async_error(a) says why). */
RSDK_API rsdk_status rsdk_gen_async_end(rsdk_gen_async *k, rsdk_status encoded,
                                        rsdk_async_decode_fn decode, const rsdk_gen_async_arg *arg,
                                        rsdk_async_typed_fn cb, void *ud, unsigned flags);

/* Completions per result kind (rsdk_async_decode_fn): decode the reply
 * with call->decode_arg (an rsdk_gen_async_arg) as the sync call does,
 * call call->fn (the kind's rsdk_async_<kind>_cb) once, release. */
#define RSDK_GEN_ASYNC_KIND(kind)                                                            \
    RSDK_API void rsdk_gen_async_##kind(rsdk_async *a, rsdk_reply *r, const rsdk_error *err, \
                                        const rsdk_async_call *call);
RSDK_GEN_ASYNC_KIND(status)
RSDK_GEN_ASYNC_KIND(int)
RSDK_GEN_ASYNC_KIND(int_or_nil)
RSDK_GEN_ASYNC_KIND(bool)
RSDK_GEN_ASYNC_KIND(double)
RSDK_GEN_ASYNC_KIND(double_or_nil)
RSDK_GEN_ASYNC_KIND(string)
RSDK_GEN_ASYNC_KIND(reply)
RSDK_GEN_ASYNC_KIND(rank)
RSDK_GEN_ASYNC_KIND(int_or_double)
RSDK_GEN_ASYNC_KIND(strings)
RSDK_GEN_ASYNC_KIND(pairs)
RSDK_GEN_ASYNC_KIND(scored)
RSDK_GEN_ASYNC_KIND(ints)
RSDK_GEN_ASYNC_KIND(doubles)
RSDK_GEN_ASYNC_KIND(bools)
RSDK_GEN_ASYNC_KIND(scan_page)
RSDK_GEN_ASYNC_KIND(stream_entries)
RSDK_GEN_ASYNC_KIND(streams)
RSDK_GEN_ASYNC_KIND(geo)
RSDK_GEN_ASYNC_KIND(pending)
#undef RSDK_GEN_ASYNC_KIND

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
                                              const rsdk_error *err, const rsdk_gen_async_arg *arg);

/* Ends what open began: with `kept` (the callback moved the value, and so
 * t->tree, out) the tree becomes the callback's, else a rebuilt tree is
 * freed (the client frees its own reply). */
RSDK_API void rsdk_gen_async_tree_close(rsdk_gen_async_tree *t, rsdk_async *a, bool kept);

#ifdef __cplusplus
}
#endif
#endif
