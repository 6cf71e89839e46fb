/* Combined one-shot commands. When every connection is out, the thread of a
 * one-shot command (rsdk_pool_command) does not wait for a connection of
 * its own: the next connection released goes to the oldest waiter as
 * usual, and when that waiter is a one-shot command too, the other
 * one-shot commands in line ride with it — and so does every one-shot
 * command arriving before it writes. The leader writes them all in one
 * write, reads the replies in order and hands each rider its own, so each
 * thread sleeps once per command (for its turn and its reply at once)
 * instead of twice. The releasing thread writes the batch at the
 * hand-over, and in a busy pool leaves the leader asleep
 * (rsdk__pool_leave_unread): the next one-shot command to find every
 * connection out reads the batch in its place, its own command written
 * behind it (rsdk__pool_take_read_locked), so the leader too is woken
 * with its reply in hand; the leader's own wait in line ends within a few
 * milliseconds, and it reads itself when nobody came. Only commands that
 * neither block nor leave session state ride (rsdk__command_combinable);
 * a connection taken with rsdk_pool_acquire never carries anyone else's.
 * Every field here is under the pool's lock, except the leader's own
 * record and the slot's client, which belong to the leader (or to the
 * thread that took its read over, while the leader sleeps). */
#include "pool_combine.h"

#include "alloc.h"
#include "clock.h"
#include "pool_idle.h"
#include "rsdk/writer.h"

void rsdk__pool_cmd_encode(rsdk_pool *p, rsdk__pool_cmd *cmd) {
    cmd->encoded = true;
    cmd->taken_over = false;
    cmd->batch = NULL;
    cmd->batch_w = NULL;
    int t = p->copts.command_timeout_ms;
    cmd->deadline = t > 0 ? cmd->start + t : -1;
    rsdk_status s = rsdk_write_command(&cmd->enc, cmd->argc, cmd->argv, cmd->argvlen);
    cmd->combinable = s == RSDK_OK && cmd->enc.len <= RSDK__POOL_COMBINE_CMD_BYTES &&
                      rsdk__command_combinable(cmd->enc.data, cmd->enc.len);
}

void rsdk__pool_cmd_free(rsdk__pool_cmd *cmd) {
    if (cmd->enc.data) rsdk_buf_deinit(&cmd->enc);
}

/* ---- waiting ---------------------------------------------------------------- */

/* A command's own deadline passed: RSDK_ERR_TIMEOUT, with the retry
 * verdict of its first attempt (`sent`: its bytes were taken for the
 * write). */
static void deadline_passed(rsdk_pool *p, rsdk__pool_cmd *cmd, bool sent) {
    rsdk__combined_item *r = &cmd->res;
    r->reply = NULL;
    r->status = RSDK_ERR_TIMEOUT;
    rsdk_error_set(&r->err, RSDK_ERR_TIMEOUT, 0, "command deadline passed (command_timeout_ms %d)%s",
                   p->copts.command_timeout_ms, sent ? "" : " before its turn to be written");
    r->delay_ms = 0;
    r->retry = rsdk__retry_first(p->copts.retry, cmd->enc.data, cmd->enc.len, RSDK_ERR_TIMEOUT, sent,
                                 &r->delay_ms);
}

static bool past(const rsdk__pool_cmd *cmd, long long now) { return cmd->deadline > 0 && now >= cmd->deadline; }

void rsdk__pool_wait_cmd(rsdk_pool *p, rsdk__pool_waiter *w, long long acquire_deadline, bool *timed_out) {
    *timed_out = false;
    long long period = p->unread_ms;
    for (;;) {
        long long dl = w->ride ? w->cmd->deadline : acquire_deadline;
        bool fallback = false;
        if (!w->ride) {
            /* In line, it wakes by itself now and then (sooner at first),
             * so that a batch left unread for it (rsdk__pool_leave_unread)
             * is read even when no other command comes to read it. */
            long long f = rsdk__now_ms() + period + 1; /* whole ms: at least `period` */
            period = period < RSDK__POOL_UNREAD_MAX_MS ? 2 * period : period; /* rarely, when it waits long */
            if (dl < 0 || f < dl) {
                dl = f;
                fallback = true;
            }
        }
        w->wake_at = fallback ? dl : -1;
        pthread_mutex_unlock(&p->mu);
        if (rsdk__pool_sem_wait_until(w, dl) == 0) return;
        pthread_mutex_lock(&p->mu);
        if (w->queued && fallback) continue;
        if (w->queued) {
            rsdk__pool_unqueue_waiter(p, w);
            pthread_mutex_unlock(&p->mu);
            *timed_out = true;
            return;
        }
        if (w->ride && !w->done) {
            if (w->cmd->deadline < 0 || rsdk__now_ms() < w->cmd->deadline) continue; /* moved into a batch meanwhile */
            if (w->taken)
                w->gone = true; /* the leader drops its reply */
            else
                rsdk__pool_remove_rider(w->ride, w);
            deadline_passed(p, w->cmd, w->taken);
            pthread_mutex_unlock(&p->mu);
            return;
        }
        if (w->slot && w->cmd->lead == w->slot && !w->cmd->taken_over) {
            if (p->unread == w) { /* nobody took its read over: it reads */
                p->unread = NULL;
                pthread_mutex_unlock(&p->mu);
                return;
            }
            w->awake = true; /* its batch is being written: the writer posts it */
        }
        pthread_mutex_unlock(&p->mu);
        rsdk__pool_sem_wait_posted(w); /* handed something just as the wait ended */
        return;
    }
}

/* ---- leading ---------------------------------------------------------------- */

/* Takes the riders of `sl` into rw (room for the batch's bound) and
 * appends their commands to `enc`; returns how many. With no memory for
 * their bytes, *failed is set and they are still taken, to fail unsent.
 * With `reopen` the batch stays open for a second write by the leader
 * (counting what is taken against its bounds), else it closes. */
static size_t take_riders(rsdk_pool *p, rsdk_buf *enc, rsdk__pool_slot *sl, rsdk__pool_waiter **rw, bool reopen,
                          bool *failed) {
    *failed = false;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        size_t need = 0;
        for (rsdk__pool_waiter *x = sl->riders; x; x = x->rnext) need += x->cmd->enc.len;
        if (need <= enc->cap - enc->len) break;
        pthread_mutex_unlock(&p->mu);
        bool ok = rsdk_buf_reserve(enc, need) == RSDK_OK;
        pthread_mutex_lock(&p->mu);
        if (!ok) {
            *failed = true;
            break;
        }
    }
    size_t n = 0, nlate = 0;
    rsdk__pool_waiter *late[RSDK__POOL_BATCH_MAX];
    long long now = rsdk__now_ms();
    for (rsdk__pool_waiter *x = sl->riders; x; x = x->rnext) {
        if (past(x->cmd, now)) { /* would only time out the connection: not written */
            deadline_passed(p, x->cmd, false);
            x->done = true;
            late[nlate++] = x;
            continue;
        }
        if (!*failed) rsdk_buf_append(enc, x->cmd->enc.data, x->cmd->enc.len); /* room reserved */
        x->taken = true;
        rw[n++] = x;
    }
    sl->riders = sl->riders_tail = NULL;
    if (reopen) {
        sl->nriders = n + 1; /* the leader's and these count against the bounds */
        sl->rider_bytes = enc->len;
    } else {
        sl->batch_open = false;
        if (p->joinable == sl) p->joinable = NULL;
        sl->nriders = sl->rider_bytes = 0;
    }
    if (!*failed) p->st.combined += n;
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < nlate; i++) rsdk__pool_wake(late[i]);
    return n;
}

/* Gives each rider its result; a rider that left at its deadline gets
 * nothing (its reply is freed, its place in rw cleared). Wakes them unless
 * `later` (then rsdk__pool_lead_wake does, from rw). */
static void deliver(rsdk_pool *p, rsdk__pool_waiter **rw, rsdk__combined_item *it, size_t n, bool later) {
    pthread_mutex_lock(&p->mu);
    for (size_t i = 0; i < n; i++) {
        if (rw[i]->gone) {
            rw[i] = NULL;
            continue;
        }
        rw[i]->cmd->res = it[i];
        it[i].reply = NULL; /* the rider's now */
        rw[i]->done = true;
    }
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < n; i++) {
        if (!rw[i]) rsdk_reply_free(it[i].reply);
        else if (!later) rsdk__pool_wake(rw[i]);
    }
}

/* Fails `n` riders, unsent, with `s`, and wakes them. */
static void fail_riders(rsdk_pool *p, rsdk__pool_waiter **rw, rsdk__combined_item *it, size_t n, rsdk_status s) {
    for (size_t i = 0; i < n; i++) {
        it[i].reply = NULL;
        it[i].status = s;
        it[i].retry = false;
        it[i].t0_us = 0;
        rsdk_error_set(&it[i].err, s, 0, NULL);
    }
    deliver(p, rw, it, n, false);
}

/* The items of riders rw[0..n) (their lengths and deadlines) at `it`. */
static void rider_items(rsdk__combined_item *it, rsdk__pool_waiter **rw, size_t n) {
    for (size_t i = 0; i < n; i++) {
        it[i].len = rw[i]->cmd->enc.len;
        it[i].deadline_ms = rw[i]->cmd->deadline;
    }
}

void rsdk__pool_batch_write(rsdk_pool *p, rsdk__pool_cmd *own, rsdk__pool_slot *sl, bool reopen) {
    size_t own_len = own->enc.len;
    own->written = true;
    /* A leader whose deadline passed while it waited in line is not
     * written (it would only time the connection out under the others):
     * the riders go without it. */
    own->skip = past(own, rsdk__now_ms());
    if (own->skip) {
        deadline_passed(p, own, false);
        reopen = false;
    }
    /* One block, as large as a batch may grow: the items, then the riders. */
    size_t isz = (RSDK__POOL_BATCH_MAX + 1) * sizeof(rsdk__combined_item);
    char *block = rsdk__malloc(isz + RSDK__POOL_BATCH_MAX * sizeof(rsdk__pool_waiter *));
    rsdk__pool_waiter *spare[RSDK__POOL_BATCH_MAX];
    rsdk__pool_waiter **rw = block ? (rsdk__pool_waiter **)(void *)(block + isz) : spare;
    bool failed;
    size_t n = take_riders(p, &own->enc, sl, rw, reopen && block, &failed);
    if (!block || (own->skip && n == 0)) {
        own->items = NULL;
        if (!own->skip) {
            own->res.reply = NULL;
            own->res.status = RSDK_ERR_NOMEM;
            own->res.retry = false;
            rsdk_error_set(&own->res.err, RSDK_ERR_NOMEM, 0, NULL);
        }
        rsdk__combined_item one;
        for (size_t i = 0; i < n; i++) fail_riders(p, &rw[i], &one, 1, RSDK_ERR_NOMEM);
        rsdk__free(block);
        return;
    }
    rsdk__combined_item *it = (rsdk__combined_item *)(void *)block;
    own->items = it;
    own->rw = rw;
    own->nriders = n;
    it[0].len = own_len;
    it[0].deadline_ms = own->deadline;
    rider_items(it + 1, rw, n);
    own->own_len = own_len;
    if (failed) { /* without memory for theirs: its own alone */
        fail_riders(p, rw, it + 1, n, RSDK_ERR_NOMEM);
        own->nriders = 0;
        if (own->skip) { /* nothing left to write */
            own->items = NULL;
            rsdk__free(block);
            return;
        }
        own->sent = rsdk__client_combined_send(sl->c, own->enc.data, own_len, it, 1);
        return;
    }
    size_t skip = own->skip ? 1 : 0;
    own->sent = rsdk__client_combined_send(sl->c, own->enc.data + skip * own_len, own->enc.len - skip * own_len,
                                        it + skip, n + 1 - skip);
}

void rsdk__pool_lead(rsdk_pool *p, rsdk__pool_cmd *own, rsdk__pool_slot *sl) {
    bool early = own->written; /* then the batch stayed open for a second write */
    if (!early) rsdk__pool_batch_write(p, own, sl, false);
    rsdk__combined_item *it = own->items;
    if (!it) return; /* no memory: own->res says so */
    size_t n = own->nriders;
    rsdk_status sent = own->sent;
    if (early && !own->skip) {
        /* Those that joined since: written behind the first write, read
         * with it. */
        size_t first = own->enc.len;
        bool failed;
        size_t k = take_riders(p, &own->enc, sl, own->rw + n, false, &failed);
        rider_items(it + 1 + n, own->rw + n, k);
        if (failed) {
            fail_riders(p, own->rw + n, it + 1 + n, k, RSDK_ERR_NOMEM);
        } else if (k) {
            rsdk_status s2 = rsdk__client_combined_append(sl->c, own->enc.data + first, own->enc.len - first,
                                                       it + 1 + n, k);
            if (sent == RSDK_OK) sent = s2;
            n += k;
        }
    }
    size_t skip = own->skip ? 1 : 0; /* not written: own->res says why */
    rsdk__client_combined_recv(sl->c, own->enc.data + skip * own->own_len, sent, it + skip, n + 1 - skip);
    if (!skip) own->res = it[0];
    own->nriders = n;
    deliver(p, own->rw, it + 1, n, true);
}

bool rsdk__pool_leave_unread(rsdk_pool *p, rsdk__pool_waiter *w) {
    rsdk__pool_cmd *own = w->cmd;
    if (!own->items || own->skip || own->sent != RSDK_OK) return false;
    pthread_mutex_lock(&p->mu);
    long long now = rsdk__now_ms(), now_us = rsdk__pool_now_us();
    bool leave = !w->awake && !p->unread && w->slot->batch_open && w->wake_at >= 0 &&
                 w->wake_at - now <= 2 * (long long)p->unread_ms && p->busy_gap_us <= p->unread_gap_us &&
                 now_us - p->busy_at_us <= p->unread_gap_us;
    if (leave) p->unread = w;
    pthread_mutex_unlock(&p->mu);
    return leave;
}

void rsdk__pool_lead_wake(rsdk__pool_cmd *own, rsdk__pool_waiter *leader) {
    if (own->items) {
        for (size_t i = 0; i < own->nriders; i++)
            if (own->rw[i]) rsdk__pool_wake(own->rw[i]); /* not the reader's own place */
        rsdk__free(own->items);
        own->items = NULL;
    }
    rsdk__pool_wake(leader);
}
