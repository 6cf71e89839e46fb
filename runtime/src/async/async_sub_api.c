/* The public pub/sub calls of the async client: (un)subscribe queue one
 * command whose replies are the server's confirmations, one per name; the
 * names are kept (async_pubsub.c) so a reconnect restores them. */
#include "async_pubsub.h"
#include "rsdk/async_internal.h"

void rsdk_async_on_message(rsdk_async *a, rsdk_async_message_fn fn, void *ud) {
    if (!a) return;
    a->on_message = fn;
    a->on_message_ud = ud;
}

void rsdk_async_on_push(rsdk_async *a, rsdk_async_push_fn fn, void *ud) {
    if (!a) return;
    a->on_push = fn;
    a->on_push_ud = ud;
}

size_t rsdk_async_subscriptions(const rsdk_async *a) { return a ? a->nsubs : 0; }

static void done_decode(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err,
                        const rsdk_async_call *call) {
    if (call->fn) ((rsdk_async_fn)call->fn)(a, reply, err, call->ud);
}

static rsdk_status change(rsdk_async *a, rsdk_pubsub_kind kind, bool unsub, const rsdk_str *names,
                          size_t n, rsdk_async_fn done, void *ud) {
    if (!a) return RSDK_ERR_INVALID_ARG;
    if (kind < RSDK_PUBSUB_MESSAGE || kind > RSDK_PUBSUB_SMESSAGE || !names || n == 0 ||
        n > UINT32_MAX)
        return rsdk_error_set(&a->err, RSDK_ERR_INVALID_ARG, 0,
                              "(un)subscribe needs a kind and at least one name");
    for (size_t i = 0; i < n; i++)
        if (!names[i].ptr || names[i].len == 0)
            return rsdk_error_set(&a->err, RSDK_ERR_INVALID_ARG, 0, "name %zu is NULL or empty", i);
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_status s = rsdk__asub_encode(&b, kind, unsub, names, n);
    if (s) {
        rsdk_buf_deinit(&b);
        return rsdk_error_set(&a->err, s, 0, NULL);
    }
    /* Recorded first, so a reconnect before the confirmation restores it. */
    if (!unsub && rsdk__asub_add(a, kind, names, n) != RSDK_OK) {
        rsdk_buf_deinit(&b);
        return rsdk_error_set(&a->err, RSDK_ERR_NOMEM, 0, NULL);
    }
    rsdk_async_call call = {.decode = done_decode, .fn = (rsdk_async_typed_fn)done, .ud = ud,
                            .flags = RSDK__ASYNC_SUB | (unsub ? RSDK__ASYNC_UNSUB : 0u)};
    s = rsdk_async_send_encoded(a, &b, n, &call, NULL);
    rsdk_buf_deinit(&b);
    if (s) {
        if (!unsub) rsdk__asub_remove(a, kind, names, n);
        return s;
    }
    if (unsub) rsdk__asub_remove(a, kind, names, n);
    return RSDK_OK;
}

rsdk_status rsdk_async_subscribe(rsdk_async *a, rsdk_pubsub_kind kind, const rsdk_str *names,
                                 size_t n, rsdk_async_fn done, void *ud) {
    return change(a, kind, false, names, n, done, ud);
}

rsdk_status rsdk_async_unsubscribe(rsdk_async *a, rsdk_pubsub_kind kind, const rsdk_str *names,
                                   size_t n, rsdk_async_fn done, void *ud) {
    return change(a, kind, true, names, n, done, ud);
}
