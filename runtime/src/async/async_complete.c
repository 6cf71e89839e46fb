/* Completions: every callback of the async client runs through here, so
 * the reply the callback may keep (rsdk_async_reply_take) and the depth
 * of nested callbacks (close and free inside one) are kept in one place. */
#include "async_complete.h"

#include "async_ring.h"

void rsdk__async_complete(rsdk_async *a, const rsdk_async_call *call, rsdk_reply *reply,
                          const rsdk_error *err) {
    rsdk_reply *outer = a->cur_reply;
    a->cur_reply = reply;
    a->depth++;
    call->decode(a, reply, err, call);
    a->depth--;
    rsdk_reply_free(a->cur_reply); /* NULL when taken */
    a->cur_reply = outer;
}

void rsdk__async_fail_id(rsdk_async *a, uint64_t id, const rsdk_error *err) {
    rsdk__acmd *r = rsdk__aring_find(a, id);
    if (!r || r->dead) return;
    rsdk_async_call call = r->call;
    rsdk__aring_kill(a, (size_t)(id - a->head_id));
    rsdk__async_complete(a, &call, NULL, err);
}
