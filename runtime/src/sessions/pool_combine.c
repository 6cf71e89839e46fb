/* Combined one-shot commands. When every connection is out, the thread of a
 * one-shot command (rsdk_pool_command) does not wait for a connection of
 * its own: the next connection released goes to the oldest waiter as
 * usual, and when that waiter is a one-shot command too, the other
 * one-shot commands in line ride with it — and so does every one-shot
 * command arriving before it writes. The leader writes them all in one
 * write, reads the replies in order and hands each rider its own, so each
 * thread sleeps once per command (for its turn and its reply at once)
 * instead of twice. Only commands that neither block nor leave session
 * state ride (rsdk__command_combinable); a connection taken with
 * rsdk_pool_acquire never carries anyone else's. Every field here is under
 * the pool's lock, except the leader's own record and the slot's client,
 * which belong to the leader. */
#include "pool_combine.h"

#include "alloc.h"
#include "clock.h"
#include "pool_idle.h"
#include "rsdk/writer.h"

void rsdk__pool_cmd_init(rsdk_pool *p, rsdk__pool_cmd *cmd, size_t argc, const char *const *argv,
                         const size_t *argvlen, long long start_ms) {
    cmd->argc = argc;
    cmd->argv = argv;
    cmd->argvlen = argvlen;
    rsdk_buf_init(&cmd->enc);
    cmd->encoded = false;
    cmd->combinable = false;
    int t = p->copts.command_timeout_ms;
    cmd->deadline = t > 0 ? start_ms + t : -1;
    cmd->lead = NULL;
    cmd->written = false;
    cmd->items = NULL;
}

void rsdk__pool_cmd_encode(rsdk__pool_cmd *cmd) {
    cmd->encoded = true;
    rsdk_status s = rsdk_write_command(&cmd->enc, cmd->argc, cmd->argv, cmd->argvlen);
    cmd->combinable = s == RSDK_OK && cmd->enc.len <= RSDK__POOL_COMBINE_CMD_BYTES &&
                      rsdk__command_combinable(cmd->enc.data, cmd->enc.len);
}

void rsdk__pool_cmd_free(rsdk__pool_cmd *cmd) {
    if (cmd->enc.data) rsdk_buf_deinit(&cmd->enc);
}

/* ---- waiting ---------------------------------------------------------------- */

/* A rider's own deadline passed: RSDK_ERR_TIMEOUT, with the retry verdict
 * of its first attempt (`sent`: its bytes were taken for the write). */
static void rider_timed_out(rsdk_pool *p, rsdk__pool_waiter *w, bool sent) {
    rsdk__batch_item *r = &w->cmd->res;
    r->reply = NULL;
    r->status = RSDK_ERR_TIMEOUT;
    rsdk_error_set(&r->err, RSDK_ERR_TIMEOUT, 0, "command deadline passed (command_timeout_ms %d)%s",
                   p->copts.command_timeout_ms, sent ? "" : " before its turn to be written");
    r->delay_ms = 0;
    r->retry = rsdk__retry_first(p->copts.retry, w->cmd->enc.data, w->cmd->enc.len, RSDK_ERR_TIMEOUT, sent,
                                 &r->delay_ms);
}

void rsdk__pool_wait_cmd(rsdk_pool *p, rsdk__pool_waiter *w, long long acquire_deadline, bool *timed_out) {
    *timed_out = false;
    for (;;) {
        long long dl = w->ride ? w->cmd->deadline : acquire_deadline;
        pthread_mutex_unlock(&p->mu);
        if (rsdk__pool_sem_wait_until(w, dl) == 0) return;
        pthread_mutex_lock(&p->mu);
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
            rider_timed_out(p, w, w->taken);
            pthread_mutex_unlock(&p->mu);
            return;
        }
        pthread_mutex_unlock(&p->mu);
        rsdk__pool_sem_wait_posted(w); /* handed something just as the wait ended */
        return;
    }
}

/* ---- leading ---------------------------------------------------------------- */

/* Closes the batch of `sl` and appends the riders' commands to own->enc,
 * taking up to `cap` of them into rw (the batch is bounded, cap never
 * binds in practice); returns how many. With no memory for their bytes,
 * *failed is set and they are still taken, to fail unsent. */
static size_t take_riders(rsdk_pool *p, rsdk__pool_cmd *own, rsdk__pool_slot *sl, rsdk__pool_waiter **rw,
                          size_t cap, bool *failed) {
    *failed = false;
    pthread_mutex_lock(&p->mu);
    while (sl->rider_bytes > own->enc.cap - own->enc.len) {
        size_t need = sl->rider_bytes;
        pthread_mutex_unlock(&p->mu);
        bool ok = rsdk_buf_reserve(&own->enc, need) == RSDK_OK;
        pthread_mutex_lock(&p->mu);
        if (!ok) {
            *failed = true;
            break;
        }
    }
    sl->batch_open = false;
    if (p->joinable == sl) p->joinable = NULL;
    size_t n = 0;
    for (rsdk__pool_waiter *x = sl->riders; x && n < cap; x = x->rnext) {
        if (!*failed) rsdk_buf_append(&own->enc, x->cmd->enc.data, x->cmd->enc.len); /* room reserved */
        x->taken = true;
        rw[n++] = x;
    }
    sl->riders = sl->riders_tail = NULL;
    sl->nriders = sl->rider_bytes = 0;
    if (!*failed) p->st.combined += n;
    pthread_mutex_unlock(&p->mu);
    return n;
}

/* Gives each rider its result and wakes it; a rider that left at its
 * deadline gets nothing (its reply is freed). */
static void deliver(rsdk_pool *p, rsdk__pool_waiter **rw, rsdk__batch_item *it, size_t n) {
    bool wake[RSDK__POOL_BATCH_MAX];
    pthread_mutex_lock(&p->mu);
    for (size_t i = 0; i < n; i++) {
        wake[i] = !rw[i]->gone;
        if (!wake[i]) continue;
        rw[i]->cmd->res = it[i];
        it[i].reply = NULL; /* the rider's now */
        rw[i]->done = true;
    }
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < n; i++) {
        if (wake[i]) rsdk__pool_wake(rw[i]);
        else rsdk_reply_free(it[i].reply);
    }
}

static void fail_all(rsdk__batch_item *it, size_t n, rsdk_status s) {
    for (size_t i = 0; i < n; i++) {
        it[i].reply = NULL;
        it[i].status = s;
        it[i].retry = false;
        it[i].t0_us = 0;
        rsdk_error_set(&it[i].err, s, 0, NULL);
    }
}

void rsdk__pool_batch_write(rsdk_pool *p, rsdk__pool_cmd *own, rsdk__pool_slot *sl) {
    rsdk__pool_waiter *rw[RSDK__POOL_BATCH_MAX];
    size_t own_len = own->enc.len;
    bool failed;
    size_t n = take_riders(p, own, sl, rw, RSDK__POOL_BATCH_MAX, &failed);
    own->written = true;
    /* One block: the items, then the riders. */
    size_t isz = (n + 1) * sizeof(rsdk__batch_item);
    char *block = rsdk__malloc(isz + n * sizeof *rw);
    if (!block) {
        own->items = NULL;
        own->sent = RSDK_ERR_NOMEM;
        fail_all(&own->res, 1, RSDK_ERR_NOMEM);
        rsdk__batch_item one;
        for (size_t i = 0; i < n; i++) {
            fail_all(&one, 1, RSDK_ERR_NOMEM);
            deliver(p, &rw[i], &one, 1);
        }
        return;
    }
    rsdk__batch_item *it = (rsdk__batch_item *)(void *)block;
    own->items = it;
    own->rw = (rsdk__pool_waiter **)(void *)(block + isz);
    own->nriders = n;
    if (n) memcpy(own->rw, rw, n * sizeof *rw);
    it[0].len = own_len;
    it[0].deadline_ms = own->deadline;
    for (size_t i = 0; i < n; i++) {
        it[i + 1].len = rw[i]->cmd->enc.len;
        it[i + 1].deadline_ms = rw[i]->cmd->deadline;
    }
    size_t count = failed ? 1 : n + 1; /* without memory for theirs: its own alone */
    own->sent = rsdk__client_batch_send(sl->c, own->enc.data, failed ? own_len : own->enc.len, it, count);
    if (failed) {
        fail_all(it + 1, n, RSDK_ERR_NOMEM);
        deliver(p, own->rw, it + 1, n);
        own->nriders = 0;
    }
}

void rsdk__pool_lead(rsdk_pool *p, rsdk__pool_cmd *own, rsdk__pool_slot *sl) {
    if (!own->written) rsdk__pool_batch_write(p, own, sl);
    rsdk__batch_item *it = own->items;
    if (!it) return; /* no memory: own->res says so */
    size_t n = own->nriders;
    rsdk__client_batch_recv(sl->c, own->enc.data, own->sent, it, n + 1);
    own->res = it[0];
    deliver(p, own->rw, it + 1, n);
    rsdk__free(it);
    own->items = NULL;
}
