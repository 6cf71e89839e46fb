/* Client-side caching invalidations: recognising the notices (RESP3
 * "invalidate" pushes, RESP2 messages on __redis__:invalidate), handing
 * them to the handler, and tracking that survives reconnects. */
#include "alloc.h"
#include "pubsub_impl.h"

static const char INVALIDATE_CHANNEL[] = "__redis__:invalidate";

static bool str_is(const rsdk_reply *r, const char *w) {
    size_t n = strlen(w);
    return (r->type == RSDK_REPLY_STRING || r->type == RSDK_REPLY_STATUS) && r->len == n &&
           memcmp(r->str, w, n) == 0;
}

bool rsdk__inval_take(rsdk_client *c, rsdk_reply *r) {
    if (!c->inval_fn || (r->type != RSDK_REPLY_PUSH && r->type != RSDK_REPLY_ARRAY)) return false;
    const rsdk_reply *keys;
    if (r->type == RSDK_REPLY_PUSH && r->elements == 2 && str_is(&r->element[0], "invalidate"))
        keys = &r->element[1]; /* >2 invalidate [keys] (null: everything) */
    else if (r->elements == 3 && str_is(&r->element[0], "message") &&
             str_is(&r->element[1], INVALIDATE_CHANNEL))
        keys = &r->element[2]; /* redirected tracking */
    else
        return false;
    c->inval_fn(keys->type == RSDK_REPLY_ARRAY ? keys : NULL, c->inval_ud);
    rsdk_reply_free(r);
    return true;
}

bool rsdk__inval_push_hook(rsdk_client *c, rsdk_reply *push) { return rsdk__inval_take(c, push); }

rsdk_status rsdk_client_set_invalidation_handler(rsdk_client *c, rsdk_invalidate_fn fn, void *ud) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    c->inval_fn = fn;
    c->inval_ud = ud;
    /* A subscriber's hook already looks for invalidations. */
    if (c->push_hook != rsdk__ps_push_hook) c->push_hook = fn ? rsdk__inval_push_hook : NULL;
    return RSDK_OK;
}

rsdk_status rsdk__ps_track_restore(rsdk_pubsub *ps) {
    if (ps->c->protocol != 3) return RSDK_OK; /* RESP2: the channel is in the set */
    size_t argc = ps->ntrack + 3;
    if (argc > 64) return rsdk_error_set(&ps->err, RSDK_ERR_INVALID_ARG, 0, "too many tracking options");
    const char *argv[64] = {"CLIENT", "TRACKING", "ON"};
    for (size_t i = 0; i < ps->ntrack; i++) argv[3 + i] = ps->track_args[i];
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk__ps_command(ps, argc, argv, &r);
    if (s) return s;
    if (r->type == RSDK_REPLY_ERROR) s = rsdk_error_from_server(&ps->err, r->str, r->len);
    rsdk_reply_free(r);
    return s;
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
    bool resp3 = ps->c->protocol == 3;
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
    ps->c->inval_fn = fn;
    ps->c->inval_ud = ud;
    if (resp3) {
        s = rsdk__ps_settle(ps); /* no PONG may be owed when the reply is read */
        if (!s) s = rsdk__ps_track_restore(ps);
    } else {
        const rsdk_str ch = {INVALIDATE_CHANNEL, sizeof INVALIDATE_CHANNEL - 1};
        s = rsdk_pubsub_subscribe(ps, &ch, 1);
    }
    if (s && rsdk_err_class(s) == RSDK_CLASS_RESPONSE) {
        forget(ps);
        ps->c->inval_fn = NULL;
        return s;
    }
    ps->tracking = true; /* also after a connection failure: restored on reconnect */
    return s;
}
