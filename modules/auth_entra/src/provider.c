/* The provider: a token manager whose fetch is one HTTP exchange with the
 * identity provider, behind a credentials provider of its own so the caller
 * has one object to hand to clients and pools and to free.
 *
 * The manager's provider and ours change generation together: ours
 * subscribes to the manager's CREDENTIALS_CHANGED and notifies its own
 * subscribers (pools, subscribers) in turn. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "runtime/src/base/alloc.h"
#include "entra.h"

typedef struct entra {
    rentra__cfg cfg;
    rsdk_token_manager *tm;
    rsdk_credentials_provider *outer; /* the provider handed to the caller */
    uint64_t sub_id;
    bool subscribed;
    /* Written by a fetch, read by the retry hint right after it, on the same
     * thread (start's caller or the manager's), so it needs no lock. */
    rentra__outcome last_outcome;
    pthread_mutex_t mu; /* guards last_error, read by get() on any thread */
    char last_error[200];
} entra;

static void remember(entra *e, rsdk_status st, const rsdk_error *err) {
    pthread_mutex_lock(&e->mu);
    if (st == RSDK_OK) e->last_error[0] = '\0';
    else snprintf(e->last_error, sizeof e->last_error, "%.199s", err->message);
    pthread_mutex_unlock(&e->mu);
}

static rsdk_status fetch(rsdk_credentials *out, rsdk_error *err, void *ud) {
    entra *e = ud;
    rentra__request req = {0};
    rentra__response resp = {0};
    rsdk_error local;
    rsdk_error_clear(&local);
    e->last_outcome = (rentra__outcome){RENTRA_NEXT_RETRY, 0};
    rsdk_status st = rentra__request_build(&e->cfg, &req, &local);
    if (st && st != RSDK_ERR_NOMEM) e->last_outcome.next = RENTRA_NEXT_GIVE_UP;
    if (!st) st = rentra__http_send(&e->cfg, &req, &resp, &e->last_outcome, &local);
    if (!st) st = rentra__response_take(&e->cfg, &resp, out, &e->last_outcome, &local);
    rentra__request_free(&req);
    rentra__buf_free(&resp.body);
    remember(e, st, &local);
    if (err) *err = local;
    return st;
}

static int64_t retry_hint(rsdk_status st, void *ud) {
    (void)st;
    const entra *e = ud;
    if (e->last_outcome.next == RENTRA_NEXT_GIVE_UP) return RSDK_TOKEN_GIVE_UP;
    return e->last_outcome.retry_after_ms;
}

/* The manager's token; when there is none, say what the IdP last said. */
static rsdk_status get(void *self, rsdk_credentials *out, rsdk_error *err) {
    entra *e = self;
    rsdk_status st = rsdk_credentials_provider_get(rsdk_token_manager_provider(e->tm), out, err);
    if (st == RSDK_ERR_CREDENTIALS && err) {
        pthread_mutex_lock(&e->mu);
        if (e->last_error[0]) {
            char was[sizeof err->message];
            memcpy(was, err->message, sizeof was);
            rsdk_error_set(err, st, 0, "%.60s; last refresh: %s", was, e->last_error);
        }
        pthread_mutex_unlock(&e->mu);
    }
    return st;
}

static void on_change(const rsdk_event *ev, void *ud) {
    (void)ev;
    entra *e = ud;
    rsdk_credentials_provider_notify(e->outer);
}

static void destroy(void *self) {
    entra *e = self;
    if (!e) return;
    if (e->subscribed)
        rsdk_credentials_provider_unsubscribe(rsdk_token_manager_provider(e->tm), e->sub_id);
    rsdk_token_manager_free(e->tm);
    rentra__cfg_deinit(&e->cfg);
    pthread_mutex_destroy(&e->mu);
    rsdk__wipe(e, sizeof *e);
    rsdk__free(e);
}

static rsdk_status manager_new(entra *e, const rentra_opts *o, rsdk_error *err) {
    rsdk_token_opts to;
    rsdk_token_opts_init(&to);
    to.fetch = fetch;
    to.fetch_ud = e;
    to.retry_hint = retry_hint;
    to.refresh_ratio = o->refresh_ratio;
    to.min_lead_ms = o->min_lead_ms;
    to.max_retries = o->max_retries;
    to.retry_backoff = o->retry_backoff;
    to.events = o->events;
    to.seed = o->seed;
    rsdk_status st = rsdk_token_manager_new(&to, &e->tm);
    if (st == RSDK_ERR_INVALID_ARG)
        return rsdk_error_set(err, st, 0,
                              "refresh_ratio must be in (0, 1], retry_backoff a known kind "
                              "with cap_ms >= base_ms");
    return st ? rsdk_error_set(err, st, 0, "out of memory creating the token manager") : RSDK_OK;
}

static const rsdk_credentials_provider_ops OPS = {get, destroy};

rsdk_status rentra_provider_new(const rentra_opts *o, rsdk_credentials_provider **out,
                                rsdk_error *err) {
    if (!o || !out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "no options or output");
    entra *e = rsdk__calloc(1, sizeof *e);
    if (!e) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "out of memory creating the provider");
    if (pthread_mutex_init(&e->mu, NULL) != 0) {
        rsdk__free(e);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "could not create a mutex");
    }
    rsdk_status st = rentra__cfg_init(&e->cfg, o, err);
    if (!st) st = manager_new(e, o, err);
    rsdk_credentials_provider *p = NULL;
    if (!st && rsdk_credentials_provider_new(&OPS, e, &p) != RSDK_OK)
        st = rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "out of memory creating the provider");
    e->outer = p;
    if (!st) {
        st = rsdk_credentials_provider_subscribe(rsdk_token_manager_provider(e->tm), on_change, e,
                                                 &e->sub_id);
        e->subscribed = st == RSDK_OK;
        if (st) rsdk_error_set(err, st, 0, "out of memory subscribing to the token manager");
    }
    if (!st) st = rsdk_token_manager_start(e->tm, err);
    if (st) {
        if (p) rsdk_credentials_provider_free(p); /* runs destroy(e) */
        else destroy(e);
        return st;
    }
    *out = p;
    return RSDK_OK;
}
