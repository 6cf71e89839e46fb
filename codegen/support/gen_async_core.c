/* How generated _async calls reach the async client (gen_async_core.h):
 * rsdk_async_send_encoded (rsdk/async_internal.h) and
 * rsdk_async_reply_take (rsdk/async.h). */
#include "gen_async_core.h"

/* Weak references: a module's library does not pull the async client into
 * every program that links the module (a program without an rsdk_async
 * never makes an _async call that gets this far: it has no client to pass).
 * A program that made its client with rsdk_async_new links async.c, which
 * defines both. Without it an _async call fails with RSDK_ERR_INVALID_ARG. */
#pragma weak rsdk_async_send_encoded
#pragma weak rsdk_async_reply_take

rsdk_status rsdk__gen_async_send(rsdk_async *a, const rsdk_buf *encoded, const rsdk_async_call *call) {
    if (rsdk_async_send_encoded == NULL) return RSDK_ERR_INVALID_ARG;
    return rsdk_async_send_encoded(a, encoded, 1, call, NULL);
}

void rsdk__gen_async_record(rsdk_async *a, const rsdk_error *e) {
    /* The client keeps no error set from outside yet: the status the
     * _async call returns carries the failure, e's text is not kept. */
    (void)a;
    (void)e;
}

void rsdk__gen_async_keep(rsdk_async *a, rsdk_reply *r) {
    if (rsdk_async_reply_take != NULL) (void)rsdk_async_reply_take(a, r);
}
