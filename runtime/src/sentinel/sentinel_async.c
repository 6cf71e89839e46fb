/* A Sentinel-managed primary on an event loop: one rsdk_async on the
 * primary the sentinel handle names, replaced when the handle names
 * another; replaced clients are freed once they have nothing pending.
 * What the sentinels say is asked on a thread (base/bgtask.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "args.h"
#include "bgtask.h"
#include "rsdk/async_internal.h"
#include "rsdk/async_sentinel.h"
#include "rsdk/writer.h"
#include "sentinel_types.h"

#define ADDR_MAX 300

struct rsdk_async_sentinel {
    rsdk_async_sentinel *self; /* what the callbacks' decode_arg points at */
    rsdk_sentinel *s;
    rsdk_async_attach_fn attach;
    void *attach_ud;
    size_t max_in_flight;
    rsdk_async *a;             /* on the primary at `addr` */
    char addr[ADDR_MAX];
    uint64_t seen;             /* the handle's switch count `addr` was read at */
    rsdk_async **old;          /* replaced clients with commands pending */
    size_t nold, capold;
    uint64_t switches;
    rsdk_buf enc;              /* reused for each command's encoding */
    rsdk__bgtask refresh;
    rsdk_error err;
};

void rsdk_async_sentinel_opts_init(rsdk_async_sentinel_opts *o) { memset(o, 0, sizeof *o); }

static void ask_sentinels(void *arg) {
    rsdk_async_sentinel *as = arg;
    rsdk_sentinel_refresh(as->s, NULL);
}

/* A client on "host:port" (as the sentinel handle printed it). */
static rsdk_status open_client(rsdk_async_sentinel *as, const char *addr, rsdk_async **out) {
    const char *colon = strrchr(addr, ':');
    char host[ADDR_MAX];
    size_t hl = colon ? (size_t)(colon - addr) : 0;
    if (colon == NULL || hl == 0 || hl >= sizeof host)
        return rsdk_error_set(&as->err, RSDK_ERR_PROTOCOL, 0, "bad primary address");
    memcpy(host, addr, hl);
    host[hl] = '\0';
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') { /* "[v6]:port" */
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = '\0';
    }
    rsdk_client_opts co = as->s->dopts;
    co.host = host;
    co.port = atoi(colon + 1);
    co.unix_path = NULL;
    co.retry = &as->s->retry;
    rsdk_async_opts o;
    rsdk_async_opts_init(&o);
    o.client = &co;
    if (as->max_in_flight) o.max_in_flight = as->max_in_flight;
    return rsdk_async_new_attached(&o, as->attach, as->attach_ud, out, &as->err);
}

/* Frees the replaced clients that have nothing pending any more. */
static void reap(rsdk_async_sentinel *as) {
    size_t k = 0;
    for (size_t i = 0; i < as->nold; i++) {
        if (rsdk_async_pending(as->old[i]) == 0) rsdk_async_free(as->old[i]);
        else as->old[k++] = as->old[i];
    }
    as->nold = k;
}

/* The sentinel handle's count of primary changes (its primary, once
 * found at open, is only ever replaced: install() in sentinel_discover.c). */
static uint64_t switches_of(rsdk_sentinel *s) {
    pthread_mutex_lock(&s->mu);
    uint64_t n = s->stats.switches;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* The client on the sentinel handle's primary, switching when it moved.
 * The address is read and compared only when the handle's switch count
 * moved: one lock and one load per command otherwise. */
static rsdk_async *current(rsdk_async_sentinel *as) {
    char addr[ADDR_MAX];
    if (as->nold) reap(as);
    uint64_t seen = switches_of(as->s);
    if (as->a != NULL && seen == as->seen) return as->a;
    if (rsdk_sentinel_primary(as->s, addr, sizeof addr) != RSDK_OK) {
        rsdk__bgtask_start(&as->refresh, 100);
        rsdk_error_set(&as->err, RSDK_ERR_MASTERDOWN, 0, "the sentinels name no primary now");
        return NULL;
    }
    if (as->a != NULL && strcmp(addr, as->addr) == 0) {
        as->seen = seen;
        return as->a;
    }
    if (as->a != NULL && as->nold == as->capold) {
        size_t cap = as->capold ? as->capold * 2 : 4;
        rsdk_async **v = rsdk__realloc(as->old, cap * sizeof *v);
        if (v == NULL) {
            rsdk_error_set(&as->err, RSDK_ERR_NOMEM, 0, "no memory to switch primaries");
            return NULL;
        }
        as->old = v;
        as->capold = cap;
    }
    rsdk_async *a = NULL;
    if (open_client(as, addr, &a) != RSDK_OK) return NULL;
    if (as->a != NULL) {
        as->old[as->nold++] = as->a;
        as->switches++;
    }
    as->a = a;
    as->seen = seen;
    snprintf(as->addr, sizeof as->addr, "%s", addr);
    return a;
}

rsdk_status rsdk_async_sentinel_new(const rsdk_async_sentinel_opts *o, rsdk_async_sentinel **out,
                                    rsdk_error *err) {
    if (o == NULL || out == NULL || o->sentinel == NULL || o->attach == NULL)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "an async sentinel needs a sentinel handle and an attach function");
    rsdk_async_sentinel *as = rsdk__calloc(1, sizeof *as);
    if (as == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for an async sentinel");
    as->self = as;
    as->s = o->sentinel;
    as->attach = o->attach;
    as->attach_ud = o->attach_ud;
    as->max_in_flight = o->max_in_flight;
    rsdk_buf_init(&as->enc);
    rsdk__bgtask_init(&as->refresh, ask_sentinels, as);
    if (current(as) == NULL) {
        if (err) *err = as->err;
        rsdk_status st = as->err.code;
        rsdk_async_sentinel_free(as);
        return st;
    }
    *out = as;
    return RSDK_OK;
}

rsdk_async *rsdk_async_sentinel_client(rsdk_async_sentinel *as) { return as ? current(as) : NULL; }

/* Every command's completion: a sign of a failover (READONLY from a
 * demoted primary, a dropped connection) asks the sentinels again in the
 * background; then the caller's callback. */
static void on_done(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err,
                    const rsdk_async_call *call) {
    rsdk_async_sentinel *as = *(rsdk_async_sentinel *const *)call->decode_arg;
    bool readonly = reply != NULL && err != NULL && err->code == RSDK_ERR_READONLY;
    bool dropped = reply == NULL && err != NULL && err->code != RSDK_ERR_CLOSED &&
                   rsdk_err_class(err->code) == RSDK_CLASS_CONNECTION;
    if ((readonly || dropped) && a == as->a) rsdk__bgtask_start(&as->refresh, 100);
    rsdk_async_fn fn = (rsdk_async_fn)call->fn;
    if (fn) fn(a, reply, err, call->ud);
}

rsdk_status rsdk_async_sentinel_command_argv(rsdk_async_sentinel *as, size_t argc,
                                             const char *const *argv, const size_t *argvlen,
                                             rsdk_async_fn fn, void *ud) {
    if (as == NULL) return RSDK_ERR_INVALID_ARG;
    rsdk_async *a = current(as);
    if (a == NULL) return as->err.code;
    as->enc.len = 0;
    as->enc.failed = RSDK_OK;
    rsdk_status st = rsdk_write_command(&as->enc, argc, argv, argvlen);
    if (st) return rsdk_error_set(&as->err, st, 0, st == RSDK_ERR_NOMEM ? "no memory for a command"
                                                                     : "bad command arguments");
    rsdk_async_call call = {.decode = on_done, .fn = (rsdk_async_typed_fn)fn,
                            .decode_arg = &as->self, .ud = ud};
    st = rsdk_async_send_encoded(a, &as->enc, 1, &call, NULL);
    if (st) as->err = *rsdk_async_error(a);
    return st;
}

rsdk_status rsdk_async_sentinel_command(rsdk_async_sentinel *as, rsdk_async_fn fn, void *ud,
                                        const char *arg0, ...) {
    if (as == NULL) return RSDK_ERR_INVALID_ARG;
    if (arg0 == NULL) return rsdk_error_set(&as->err, RSDK_ERR_INVALID_ARG, 0, "a command needs arguments");
    va_list ap;
    size_t n = 0;
    const char *small[RSDK__ARGS_SMALL];
    va_start(ap, arg0);
    const char **argv = rsdk__args_collect(arg0, ap, small, &n);
    va_end(ap);
    if (argv == NULL) return rsdk_error_set(&as->err, RSDK_ERR_NOMEM, 0, "no memory for arguments");
    rsdk_status st = rsdk_async_sentinel_command_argv(as, n, argv, NULL, fn, ud);
    rsdk__args_release(argv, small);
    return st;
}

size_t rsdk_async_sentinel_pending(const rsdk_async_sentinel *as) {
    if (as == NULL) return 0;
    size_t n = as->a ? rsdk_async_pending(as->a) : 0;
    for (size_t i = 0; i < as->nold; i++) n += rsdk_async_pending(as->old[i]);
    return n;
}

uint64_t rsdk_async_sentinel_switches(const rsdk_async_sentinel *as) { return as ? as->switches : 0; }

const rsdk_error *rsdk_async_sentinel_error(const rsdk_async_sentinel *as) { return as ? &as->err : NULL; }

void rsdk_async_sentinel_free(rsdk_async_sentinel *as) {
    if (as == NULL) return;
    for (size_t i = 0; i < as->nold; i++) rsdk_async_free(as->old[i]);
    rsdk_async_free(as->a);
    rsdk__bgtask_join(&as->refresh);
    rsdk__free(as->old);
    rsdk_buf_deinit(&as->enc);
    rsdk__free(as);
}
