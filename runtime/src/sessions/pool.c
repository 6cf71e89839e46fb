/* The connection pool: one mutex around an idle list (newest first), a
 * queue of waiting threads and an index of slots by client. Acquire and
 * release are O(1): the idle list gives its head, a release finds its slot
 * in the index, the max_idle_ms sweep looks at the tail alone (the oldest),
 * and a connection coming back goes straight to the oldest waiter
 * (pool_idle.c). Connections are opened, checked (poll, PING), re-AUTHed
 * and closed outside the lock, so a slow server never blocks other
 * threads' acquires and releases for longer than a list operation. */
#include "alloc.h"
#include "client_opts.h"
#include "client_session.h"
#include "clock.h"
#include "pool_auth.h"
#include "pool_combine.h"
#include "pool_idle.h"
#include "pool_index.h"
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
    o->combine_commands = true;
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
    if (!rsdk__pool_index_add(p, sl)) {
        pthread_mutex_unlock(&p->mu);
        rsdk_client_close(sl->c);
        rsdk__free(sl);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    }
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
 * list is newest first, so only its tail can be that old: each call looks
 * at the tail until it finds one young enough, and every slot is detached
 * once, so the sweep costs O(1) per call amortised. */
static void sweep_locked(rsdk_pool *p, long long now, rsdk__pool_slot **victims) {
    if (p->max_idle_ms <= 0) return;
    while (p->idle_tail && p->nidle > (size_t)p->min_idle && now - p->idle_tail->since_ms > p->max_idle_ms) {
        rsdk__pool_slot *sl = p->idle_tail;
        rsdk__pool_idle_unlink(p, sl);
        sl->next = *victims;
        *victims = sl;
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

static bool init_sync(rsdk_pool *p) { return pthread_mutex_init(&p->mu, NULL) == 0; }

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
    p->combine = o->combine_commands;
    p->unread_ms = RSDK__POOL_UNREAD_MS;
    p->unread_gap_us = RSDK__POOL_UNREAD_GAP_US;
    for (int i = 0; i < p->min_idle; i++) {
        rsdk__pool_slot *sl = NULL;
        p->open++;
        s = open_slot(p, &sl, err);
        if (s) {
            p->open--;
            rsdk_pool_free(p);
            return s;
        }
        pthread_mutex_lock(&p->mu);
        (void)rsdk__pool_put_locked(p, sl); /* nobody waits yet */
        pthread_mutex_unlock(&p->mu);
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
    p->idle = p->idle_tail = NULL;
    /* Every waiter wakes with nothing handed over: the pool is closing. */
    for (rsdk__pool_waiter *w; (w = rsdk__pool_pop_waiter(p)) != NULL;) rsdk__pool_wake(w);
    pthread_mutex_unlock(&p->mu);
    while (all) {
        rsdk__pool_slot *next = all->all_next;
        rsdk_client_close(all->c);
        rsdk__free(all);
        all = next;
    }
    rsdk__client_opts_free(&p->copts, &p->tls);
    rsdk__free(p->index);
    pthread_mutex_destroy(&p->mu);
    rsdk__free(p);
}

/* ---- acquire and release ------------------------------------------------ */

/* Whether an idle connection just taken may be handed out. Outside the lock.
 * The socket is polled only when `probe` (idle long enough, or the pool saw
 * a failure since); otherwise what is checked is in memory. */
static bool usable(rsdk_pool *p, rsdk__pool_slot *sl, long long idle_ms, bool probe) {
    if (!(probe ? rsdk__client_idle_ok(sl->c) : !rsdk_client_broken(sl->c) && !rsdk__client_dirty(sl->c)))
        return false;
    if (p->health_ms < 0 || idle_ms < p->health_ms) return true;
    rsdk_reply *r = NULL;
    if (rsdk_client_command(sl->c, &r, "PING", (const char *)NULL)) return false;
    rsdk_reply_free(r);
    return !rsdk_client_broken(sl->c) && !rsdk__client_dirty(sl->c);
}

/* Called under the lock when nothing is free: queues the calling thread,
 * lets go of the lock and waits until a release hands it a connection, a
 * close gives it room to open one, the pool closes or `deadline` passes.
 * Returns without the lock; w->slot / w->may_open say what it got (neither:
 * closed, or *timed_out). */
static void wait_turn(rsdk_pool *p, rsdk__pool_waiter *w, long long deadline, bool *timed_out) {
    rsdk__pool_queue_waiter(p, w);
    pthread_mutex_unlock(&p->mu);
    *timed_out = false;
    if (rsdk__pool_sem_wait_until(w, deadline) == 0) return;
    pthread_mutex_lock(&p->mu);
    bool still = w->queued;
    if (still) rsdk__pool_unqueue_waiter(p, w);
    pthread_mutex_unlock(&p->mu);
    if (still) {
        *timed_out = true;
        return;
    }
    /* Taken off the queue just as the wait ended: the post is on its way
     * (and must land before the semaphore goes away). */
    rsdk__pool_sem_wait_posted(w);
}

/* Opens a connection in a place already counted in p->open; on failure the
 * place goes back (to a waiter, if one is queued). */
static rsdk_status open_counted(rsdk_pool *p, long long start, rsdk_client **out, rsdk_error *err) {
    rsdk__pool_slot *sl = NULL;
    rsdk_status s = open_slot(p, &sl, err);
    if (s) {
        pthread_mutex_lock(&p->mu);
        p->open--;
        rsdk__pool_waiter *w = rsdk__pool_room_locked(p);
        pthread_mutex_unlock(&p->mu);
        rsdk__pool_wake(w);
        emit_acquire(p, start, s);
        return s;
    }
    emit_acquire(p, start, RSDK_OK);
    *out = sl->c;
    return RSDK_OK;
}

/* Queues `w` for a one-shot command (cmd->combinable): it joins an open
 * batch when there is one, else waits in line, where a hand-over may make
 * it a leader or a rider. Under the lock; returns without it. */
static void wait_cmd(rsdk_pool *p, rsdk__pool_waiter *w, long long deadline, bool *timed_out) {
    if (!rsdk__pool_join_locked(p, w)) rsdk__pool_queue_waiter(p, w);
    rsdk__pool_wait_cmd(p, w, deadline, timed_out);
}

rsdk_status rsdk_pool_acquire(rsdk_pool *p, rsdk_client **out, rsdk_error *err) {
    if (!p || !out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL pool or result");
    return rsdk__pool_acquire_for(p, NULL, out, err);
}

rsdk_status rsdk__pool_acquire_for(rsdk_pool *p, rsdk__pool_cmd *cmd, rsdk_client **out, rsdk_error *err) {
    long long start = rsdk__now_ms();
    long long deadline = rsdk__deadline_after(start, p->acquire_timeout_ms);
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
            rsdk__pool_idle_unlink(p, sl);
            long long idle_ms = now - sl->since_ms;
            bool probe = idle_ms >= RSDK__POOL_PROBE_IDLE_MS || sl->probe_gen != p->probe_gen ||
                         p->health_ms == 0;
            pthread_mutex_unlock(&p->mu);
            close_victims(p, victims);
            victims = NULL;
            if (usable(p, sl, idle_ms, probe)) {
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
            return open_counted(p, start, out, err);
        }
        if (cmd && p->combine && !cmd->encoded && p->acquire_timeout_ms != 0) {
            /* About to wait: encoded now, so that it may ride instead. */
            pthread_mutex_unlock(&p->mu);
            rsdk__pool_cmd_encode(p, cmd);
            pthread_mutex_lock(&p->mu);
            continue;
        }
        /* A batch written with nobody to read it yet: a one-shot command
         * that may share it takes the read over; anything else wakes its
         * leader to read it. */
        rsdk__pool_waiter *post = NULL;
        if (cmd && p->combine && cmd->encoded && cmd->combinable) {
            if (rsdk__pool_take_read_locked(p, cmd, &post)) {
                pthread_mutex_unlock(&p->mu);
                close_victims(p, victims);
                emit_acquire(p, start, RSDK_OK); /* it releases the connection */
                *out = cmd->lead->c;
                return RSDK_OK;
            }
        } else if (p->unread) {
            post = p->unread;
            p->unread = NULL;
        }
        if (post) {
            pthread_mutex_unlock(&p->mu);
            rsdk__pool_wake(post);
            pthread_mutex_lock(&p->mu);
            continue;
        }
        rsdk__pool_waiter w;
        w.cmd = cmd && p->combine && cmd->combinable ? cmd : NULL;
        w.ride = NULL;
        w.slot = NULL;
        w.queued = w.may_open = w.taken = w.done = w.gone = w.awake = w.reader = false;
        w.wake_at = -1;
        if (p->acquire_timeout_ms == 0 || sem_init(&w.sem, 0, 0) != 0) {
            p->st.exhausted++;
            s = rsdk_error_set(err, RSDK_ERR_POOL_EXHAUSTED, 0, "no connection free within %d ms (max_size %d)",
                               p->acquire_timeout_ms, p->max_size);
            break;
        }
        bool timed_out;
        if (w.cmd)
            wait_cmd(p, &w, deadline, &timed_out); /* returns without the lock */
        else
            wait_turn(p, &w, deadline, &timed_out);
        sem_destroy(&w.sem);
        close_victims(p, victims);
        victims = NULL;
        if (w.ride || (w.cmd && cmd->taken_over)) {
            /* Rode in another's batch, or another thread read its own:
             * the result is in cmd->res. */
            *out = NULL;
            return RSDK_OK;
        }
        if (w.slot) {
            /* Handed over by a release: in use a moment ago, no check. */
            w.slot->since_ms = rsdk__now_ms();
            emit_acquire(p, start, RSDK_OK);
            *out = w.slot->c;
            return RSDK_OK;
        }
        if (w.may_open) return open_counted(p, start, out, err);
        pthread_mutex_lock(&p->mu);
        if (!timed_out) continue; /* closing: said at the top of the loop */
        p->st.exhausted++;
        s = rsdk_error_set(err, RSDK_ERR_POOL_EXHAUSTED, 0, "no connection free within %d ms (max_size %d)",
                           p->acquire_timeout_ms, p->max_size);
        break;
    }
    pthread_mutex_unlock(&p->mu);
    close_victims(p, victims);
    emit_acquire(p, start, s);
    return s;
}

rsdk_status rsdk_pool_release(rsdk_pool *p, rsdk_client *c) {
    if (!c) return RSDK_OK;
    if (!p) return RSDK_ERR_INVALID_ARG;
    /* Found by address in the index, never through c->pool_slot: a client
     * the first release discarded is freed, and a second release must not
     * read it. */
    pthread_mutex_lock(&p->mu);
    rsdk__pool_slot *sl = rsdk__pool_index_find(p, c);
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
        sl->since_ms = now;
        rsdk__pool_waiter *w = rsdk__pool_put_locked(p, sl);
        sweep_locked(p, now, &victims);
        pthread_mutex_unlock(&p->mu);
        /* A one-shot command takes it: its batch is written now, so that
         * its replies are on their way while it wakes up — or, left
         * unread, while the next one-shot command comes to read it. */
        if (w && w->cmd && w->cmd->lead == sl) {
            rsdk__pool_batch_write(p, w->cmd, sl, true);
            if (rsdk__pool_leave_unread(p, w)) w = NULL;
        }
        rsdk__pool_wake(w);
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
