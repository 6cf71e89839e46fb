/* The connection pool: one mutex and one condition variable around a LIFO
 * stack of idle clients. Connections are opened, checked (PING), re-AUTHed
 * and closed outside the lock, so a slow server never blocks other
 * threads' acquires and releases for longer than a list operation. */
#include <errno.h>
#include <time.h>

#include "alloc.h"
#include "client_opts.h"
#include "client_session.h"
#include "clock.h"
#include "pool_auth.h"
#include "pool_slot.h"
#include "pool_state.h"

void rsdk_pool_opts_init(rsdk_pool_opts *o) {
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->max_size = 8;
    o->min_idle = 0;
    o->acquire_timeout_ms = 5000;
    o->health_check_idle_ms = 30000;
    o->max_idle_ms = 300000;
}

/* ---- events ----------------------------------------------------------------- */

static void emit_acquire(rsdk_pool *p, long long start_ms, rsdk_status s) {
    if (!rsdk_events_wants(p->events, RSDK_EVENT_POOL_ACQUIRE)) return;
    long long w = rsdk__now_ms() - start_ms;
    rsdk_event ev = {.type = RSDK_EVENT_POOL_ACQUIRE, .source = p};
    ev.pool_acquire.wait_ms = w < 0 ? 0 : w > UINT32_MAX ? UINT32_MAX : (uint32_t)w;
    ev.pool_acquire.status = s;
    rsdk_events_emit(p->events, &ev);
}

static void emit_release(rsdk_pool *p, long long held_ms, bool discarded) {
    if (!rsdk_events_wants(p->events, RSDK_EVENT_POOL_RELEASE)) return;
    rsdk_event ev = {.type = RSDK_EVENT_POOL_RELEASE, .source = p};
    ev.pool_release.held_ms = held_ms < 0 ? 0 : held_ms > UINT32_MAX ? UINT32_MAX : (uint32_t)held_ms;
    ev.pool_release.discarded = discarded;
    rsdk_events_emit(p->events, &ev);
}

/* ---- slots -------------------------------------------------------------- */

/* Opens a connection for a slot already counted in p->open. On success the
 * slot is linked into `all`, marked out, and returned. */
static rsdk_status open_slot(rsdk_pool *p, rsdk__pool_slot **out, rsdk_error *err) {
    rsdk__pool_slot *sl = rsdk__calloc(1, sizeof *sl);
    if (!sl) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    rsdk_status s = rsdk_client_open(&p->copts, &sl->c, err);
    if (s) {
        rsdk__free(sl);
        return s;
    }
    sl->pool = p;
    rsdk__client_set_pooled(sl->c, sl);
    sl->out = true;
    sl->since_ms = rsdk__now_ms();
    pthread_mutex_lock(&p->mu);
    sl->all_next = p->all;
    if (p->all) p->all->all_prev = sl;
    p->all = sl;
    p->st.created++;
    pthread_mutex_unlock(&p->mu);
    *out = sl;
    return RSDK_OK;
}

/* Detaches idle slots that outlived max_idle_ms, keeping min_idle, into
 * *victims (closed by the caller outside the lock). Under the lock. The
 * stack is newest first, so the old ones are at the bottom. */
static void sweep_locked(rsdk_pool *p, long long now, rsdk__pool_slot **victims) {
    if (p->max_idle_ms <= 0) return;
    size_t kept = 0;
    for (rsdk__pool_slot **pp = &p->idle; *pp;) {
        rsdk__pool_slot *sl = *pp;
        if (kept >= (size_t)p->min_idle && now - sl->since_ms > p->max_idle_ms) {
            *pp = sl->next;
            p->nidle--;
            sl->out = true;
            sl->next = *victims;
            *victims = sl;
        } else {
            kept++;
            pp = &sl->next;
        }
    }
}

static void close_victims(rsdk_pool *p, rsdk__pool_slot *v) {
    while (v) {
        rsdk__pool_slot *next = v->next;
        rsdk__pool_close_slot(p, v, false);
        v = next;
    }
}

/* ---- lifecycle ---------------------------------------------------------- */

static rsdk_status check_opts(const rsdk_pool_opts *o, rsdk_error *err) {
    if (o->max_size < 1)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "pool max_size must be at least 1");
    if (o->min_idle < 0 || o->min_idle > o->max_size)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "pool min_idle must be 0..max_size");
    if (o->acquire_timeout_ms < -1 || o->health_check_idle_ms < -1 || o->max_idle_ms < 0)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "pool timeouts out of range");
    rsdk_backoff b;
    if (o->client && o->client->retry && rsdk_retry_backoff_init(o->client->retry, &b, 1))
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "retry policy: unknown backoff or cap below base");
    return RSDK_OK;
}

static bool init_sync(rsdk_pool *p) {
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca)) return false;
    bool ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
              pthread_cond_init(&p->cv, &ca) == 0;
    pthread_condattr_destroy(&ca);
    if (!ok) return false;
    if (pthread_mutex_init(&p->mu, NULL)) {
        pthread_cond_destroy(&p->cv);
        return false;
    }
    return true;
}

rsdk_status rsdk_pool_new(const rsdk_pool_opts *o, rsdk_pool **out, rsdk_error *err) {
    if (!o || !out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL options or result");
    rsdk_status s = check_opts(o, err);
    if (s) return s;
    rsdk_pool *p = rsdk__calloc(1, sizeof *p);
    if (!p) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    if (!init_sync(p)) {
        rsdk__free(p);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "cannot create the pool's lock");
    }
    rsdk_client_opts defaults;
    rsdk_client_opts_init(&defaults);
    const rsdk_client_opts *co = o->client ? o->client : &defaults;
    if (rsdk__client_opts_copy(&p->copts, &p->retry, &p->tls, co)) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        rsdk__free(p);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    }
    p->has_retry = co->retry != NULL;
    p->max_size = o->max_size;
    p->min_idle = o->min_idle;
    p->acquire_timeout_ms = o->acquire_timeout_ms;
    p->health_ms = o->health_check_idle_ms;
    p->max_idle_ms = o->max_idle_ms;
    p->events = o->events ? o->events : co->events;
    for (int i = 0; i < p->min_idle; i++) {
        rsdk__pool_slot *sl = NULL;
        p->open++;
        s = open_slot(p, &sl, err);
        if (s) {
            p->open--;
            rsdk_pool_free(p);
            return s;
        }
        sl->out = false;
        sl->next = p->idle;
        p->idle = sl;
        p->nidle++;
    }
    if (p->copts.credentials) {
        s = rsdk_credentials_provider_subscribe(p->copts.credentials, rsdk__pool_on_credentials,
                                                p, &p->cred_sub);
        if (s) {
            rsdk_pool_free(p);
            return rsdk_error_set(err, s, 0, "cannot subscribe to the credentials provider");
        }
    }
    *out = p;
    return RSDK_OK;
}

void rsdk_pool_free(rsdk_pool *p) {
    if (!p) return;
    /* First: when unsubscribe returns, no re-AUTH pass is running. */
    if (p->cred_sub) rsdk_credentials_provider_unsubscribe(p->copts.credentials, p->cred_sub);
    pthread_mutex_lock(&p->mu);
    p->closed = true;
    rsdk__pool_slot *all = p->all;
    p->all = NULL;
    p->idle = NULL;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    while (all) {
        rsdk__pool_slot *next = all->all_next;
        rsdk_client_close(all->c);
        rsdk__free(all);
        all = next;
    }
    rsdk__client_opts_free(&p->copts, &p->tls);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    rsdk__free(p);
}

/* ---- acquire and release ------------------------------------------------ */

/* Whether an idle connection just taken may be handed out. Outside the lock. */
static bool usable(rsdk_pool *p, rsdk__pool_slot *sl, long long idle_ms) {
    if (!rsdk__client_idle_ok(sl->c)) return false;
    if (p->health_ms < 0 || idle_ms < p->health_ms) return true;
    rsdk_reply *r = NULL;
    if (rsdk_client_command(sl->c, &r, "PING", (const char *)NULL)) return false;
    rsdk_reply_free(r);
    return !rsdk_client_broken(sl->c) && !rsdk__client_dirty(sl->c);
}

/* Waits on the condition variable until `deadline` (monotonic ms; -1: no
 * limit). False when the deadline passed. Under the lock. */
static bool wait_locked(rsdk_pool *p, long long deadline) {
    if (deadline < 0) {
        pthread_cond_wait(&p->cv, &p->mu);
        return true;
    }
    if (rsdk__now_ms() >= deadline) return false;
    struct timespec ts = {(time_t)(deadline / 1000), (long)(deadline % 1000) * 1000000L};
    int r = pthread_cond_timedwait(&p->cv, &p->mu, &ts);
    return r != ETIMEDOUT || rsdk__now_ms() < deadline;
}

rsdk_status rsdk_pool_acquire(rsdk_pool *p, rsdk_client **out, rsdk_error *err) {
    if (!p || !out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL pool or result");
    long long start = rsdk__now_ms();
    long long deadline = p->acquire_timeout_ms < 0 ? -1 : start + p->acquire_timeout_ms;
    rsdk_status s;
    rsdk__pool_slot *victims = NULL;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (p->closed) {
            s = rsdk_error_set(err, RSDK_ERR_POOL_CLOSED, 0, NULL);
            break;
        }
        long long now = rsdk__now_ms();
        sweep_locked(p, now, &victims);
        rsdk__pool_slot *sl = p->idle;
        if (sl) {
            p->idle = sl->next;
            p->nidle--;
            sl->out = true;
            long long idle_ms = now - sl->since_ms;
            pthread_mutex_unlock(&p->mu);
            close_victims(p, victims);
            victims = NULL;
            if (usable(p, sl, idle_ms)) {
                sl->since_ms = rsdk__now_ms();
                emit_acquire(p, start, RSDK_OK);
                *out = sl->c;
                return RSDK_OK;
            }
            rsdk__pool_close_slot(p, sl, true);
            pthread_mutex_lock(&p->mu);
            continue;
        }
        if (p->open < (size_t)p->max_size) {
            p->open++;
            pthread_mutex_unlock(&p->mu);
            close_victims(p, victims);
            s = open_slot(p, &sl, err);
            if (s) {
                pthread_mutex_lock(&p->mu);
                p->open--;
                pthread_cond_signal(&p->cv);
                pthread_mutex_unlock(&p->mu);
                emit_acquire(p, start, s);
                return s;
            }
            emit_acquire(p, start, RSDK_OK);
            *out = sl->c;
            return RSDK_OK;
        }
        p->waiting++;
        bool in_time = wait_locked(p, deadline);
        p->waiting--;
        if (!in_time) {
            /* A timed-out wait may have consumed a signal meant for a
             * waiter that is still in time: pass it on if there is
             * something to take. */
            if (p->waiting && (p->idle || p->open < (size_t)p->max_size)) pthread_cond_signal(&p->cv);
            p->st.exhausted++;
            s = rsdk_error_set(err, RSDK_ERR_POOL_EXHAUSTED, 0,
                               "no connection free within %d ms (max_size %d)",
                               p->acquire_timeout_ms, p->max_size);
            break;
        }
    }
    pthread_mutex_unlock(&p->mu);
    close_victims(p, victims);
    emit_acquire(p, start, s);
    return s;
}

rsdk_status rsdk_pool_release(rsdk_pool *p, rsdk_client *c) {
    if (!c) return RSDK_OK;
    if (!p) return RSDK_ERR_INVALID_ARG;
    /* Found by address among the open slots, never through c->pool_slot:
     * a client the first release discarded is freed, and a second release
     * must not read it. */
    pthread_mutex_lock(&p->mu);
    rsdk__pool_slot *sl = p->all;
    while (sl && sl->c != c) sl = sl->all_next;
    bool ours = sl && sl->out;
    pthread_mutex_unlock(&p->mu);
    if (!ours) return RSDK_ERR_INVALID_ARG;
    long long now = rsdk__now_ms();
    long long held = now - sl->since_ms;
    bool keep = !rsdk_client_broken(c) && !rsdk__client_dirty(c);
    if (keep && rsdk__client_creds_stale(c, rsdk__client_creds_gen(c))) {
        /* Stale credentials: re-AUTH now, before anyone else can take it. */
        (void)rsdk__client_reauth_if_stale(c);
        keep = !rsdk_client_broken(c);
        pthread_mutex_lock(&p->mu);
        p->st.reauths++;
        pthread_mutex_unlock(&p->mu);
    }
    rsdk__pool_slot *victims = NULL;
    pthread_mutex_lock(&p->mu);
    keep = keep && !p->closed;
    if (keep) {
        sl->out = false;
        sl->since_ms = now;
        sl->next = p->idle;
        p->idle = sl;
        p->nidle++;
        sweep_locked(p, now, &victims);
        pthread_cond_signal(&p->cv);
        pthread_mutex_unlock(&p->mu);
    } else {
        pthread_mutex_unlock(&p->mu);
        rsdk__pool_close_slot(p, sl, true);
    }
    close_victims(p, victims);
    emit_release(p, held, !keep);
    return RSDK_OK;
}

void rsdk_pool_stats_get(rsdk_pool *p, rsdk_pool_stats *out) {
    if (!out) return;
    memset(out, 0, sizeof *out);
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    *out = p->st;
    out->open = p->open;
    out->idle = p->nidle;
    out->in_use = p->open - p->nidle;
    out->waiting = p->waiting;
    pthread_mutex_unlock(&p->mu);
}
