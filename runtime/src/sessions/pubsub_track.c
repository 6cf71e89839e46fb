/* Client-side caching invalidations: recognising the notices (RESP3
 * "invalidate" pushes, RESP2 messages on __redis__:invalidate), handing
 * them to the handler, and tracking that survives reconnects. */
#include "alloc.h"
#include "pubsub_state.h"

static const char INVALIDATE_CHANNEL[] = "__redis__:invalidate";

bool rsdk__inval_push_hook(rsdk_client *c, rsdk_reply *push) { return rsdk__inval_take(c, push); }

rsdk_status rsdk_client_set_invalidation_handler(rsdk_client *c, rsdk_invalidate_fn fn, void *ud) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    rsdk__client_set_inval(c, fn, ud);
    /* A subscriber's hook already looks for invalidations. */
    if (!rsdk__client_push_hook_is(c, rsdk__ps_push_hook))
        rsdk__client_set_push_hook(c, fn ? rsdk__inval_push_hook : NULL, NULL);
    return RSDK_OK;
}

static void forget(rsdk_pubsub *ps) {
    for (size_t i = 0; i < ps->ntrack; i++) rsdk__free(ps->track_args[i]);
    rsdk__free(ps->track_args);
    ps->track_args = NULL;
    ps->ntrack = 0;
    ps->tracking = false;
}

rsdk_status rsdk_pubsub_track(rsdk_pubsub *ps, const char *const *args, size_t nargs,
                              rsdk_invalidate_fn fn, void *ud) {
    if (!ps) return RSDK_ERR_INVALID_ARG;
    if (!fn || (nargs && !args) || nargs > 60)
        return rsdk_error_set(&ps->err, RSDK_ERR_INVALID_ARG, 0,
                              "tracking needs a handler and at most 60 options");
    for (size_t i = 0; i < nargs; i++)
        if (!args[i]) return rsdk_error_set(&ps->err, RSDK_ERR_INVALID_ARG, 0, "tracking option %zu is NULL", i);
    rsdk_status s = rsdk__ps_ensure(ps, -1, true);
    if (s) return s;
    bool resp3 = rsdk_client_protocol(ps->c) == 3;
    if (!resp3 && nargs)
        return rsdk_error_set(&ps->err, RSDK_ERR_INVALID_ARG, 0,
                              "RESP2 tracking is redirected: options go on the tracked client");
    forget(ps);
    if (nargs) {
        ps->track_args = rsdk__calloc(nargs, sizeof *ps->track_args);
        if (!ps->track_args) return rsdk_error_set(&ps->err, RSDK_ERR_NOMEM, 0, NULL);
        for (size_t i = 0; i < nargs; i++) {
            ps->track_args[i] = rsdk__strdup(args[i]);
            ps->ntrack = i + 1;
            if (!ps->track_args[i]) {
                forget(ps);
                return rsdk_error_set(&ps->err, RSDK_ERR_NOMEM, 0, NULL);
            }
        }
    }
    rsdk__client_set_inval(ps->c, fn, ud);
    if (resp3) {
        s = rsdk__ps_settle(ps); /* no PONG may be owed when the reply is read */
        if (!s) s = rsdk__ps_track_restore(ps);
    } else {
        const rsdk_str ch = {INVALIDATE_CHANNEL, sizeof INVALIDATE_CHANNEL - 1};
        s = rsdk_pubsub_subscribe(ps, &ch, 1);
    }
    if (s && rsdk_err_class(s) == RSDK_CLASS_RESPONSE) {
        forget(ps);
        rsdk__client_set_inval(ps->c, NULL, NULL);
        return s;
    }
    ps->tracking = true; /* also after a connection failure: restored on reconnect */
    return s;
}
