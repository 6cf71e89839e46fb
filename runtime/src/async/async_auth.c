/* In-band re-AUTH: an AUTH record queued among the commands, answered in
 * order; a failure is reported as an event and leaves the connection
 * logged in as it was, so no command in flight fails for it. */
#include "async_auth.h"

#include "alloc.h"
#include "async_complete.h"
#include "async_ring.h"
#include "rsdk/credentials.h"
#include "rsdk/writer.h"

static void reauth_event(rsdk_async *a, rsdk_event_type type, uint64_t gen, rsdk_status st,
                         const char *msg) {
    rsdk_event ev = {.type = type};
    ev.reauth.generation = gen;
    ev.reauth.status = st;
    ev.reauth.message = msg;
    rsdk__async_emit(a, &ev);
}

/* The AUTH record's completion; ud carries the generation. */
static void reauth_done(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err,
                        const rsdk_async_call *call) {
    uint64_t gen = (uint64_t)(uintptr_t)call->ud;
    if (reply && reply->type != RSDK_REPLY_ERROR) {
        reauth_event(a, RSDK_EVENT_REAUTH_SUCCEEDED, gen, RSDK_OK, NULL);
        return;
    }
    /* Refused, or the connection went: a new connect logs in afresh. */
    if (reply) a->reauth_failed_gen = gen; /* the server keeps the old login */
    reauth_event(a, RSDK_EVENT_REAUTH_FAILED, gen, err ? err->code : RSDK_ERR_AUTH,
                 err ? err->message : NULL);
}

void rsdk__async_reauth_if_stale(rsdk_async *a) {
    rsdk_credentials_provider *p = a->copt.credentials;
    if (!p || a->state != RSDK__A_READY) return;
    uint64_t gen = rsdk_credentials_provider_generation(p);
    if (gen <= a->auth_gen || gen == a->reauth_failed_gen) return;
    rsdk_credentials cr = {0};
    rsdk_error e;
    rsdk_error_clear(&e);
    reauth_event(a, RSDK_EVENT_REAUTH_REQUIRED, gen, RSDK_OK, NULL);
    if (rsdk_credentials_provider_get(p, &cr, &e) != RSDK_OK) {
        a->reauth_failed_gen = gen;
        reauth_event(a, RSDK_EVENT_REAUTH_FAILED, gen, e.code ? e.code : RSDK_ERR_CREDENTIALS,
                     e.message);
        return;
    }
    size_t start = a->out.len;
    const char *argv[3] = {"AUTH", cr.username, cr.password};
    size_t lens[3] = {4, cr.username_len, cr.password_len};
    size_t argc = cr.username ? 3 : 2;
    if (!cr.username) {
        argv[1] = cr.password;
        lens[1] = cr.password_len;
    }
    rsdk_status s = rsdk_write_command(&a->out, argc, argv, lens);
    uint64_t id, got = cr.generation;
    rsdk_async_call call = {.decode = reauth_done, .ud = (void *)(uintptr_t)cr.generation};
    if (s == RSDK_OK) s = rsdk__aring_push(a, start, 1, &call, 0, &id);
    rsdk_credentials_deinit(&cr);
    if (s != RSDK_OK) { /* tried again before the next command */
        if (a->out.data && a->out.len > start) rsdk__wipe(a->out.data + start, a->out.len - start);
        a->out.failed = RSDK_OK;
        a->out.len = start;
        return;
    }
    a->auth_gen = got;
}
