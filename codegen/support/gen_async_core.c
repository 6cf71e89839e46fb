/* How generated _async calls reach the async client (gen_async_core.h):
 * rsdk_async_send_encoded (rsdk/async_internal.h) and
 * rsdk_async_reply_take (rsdk/async.h). */
#include "gen_async_core.h"

/* Weak until the async client is part of every program that links a
 * module: without it an _async call fails with RSDK_ERR_INVALID_ARG
 * instead of the program failing to link. */
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
