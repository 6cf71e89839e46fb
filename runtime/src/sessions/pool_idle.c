/* The pool's idle list, its queue of waiting threads and the riders of a
 * batch (pool_combine.c): every operation here is O(1) (or bounded by a
 * batch's size), under the pool's lock. A connection that comes back goes
 * to the oldest waiter directly, so exactly one thread wakes for it. */
#define _GNU_SOURCE /* sem_clockwait: a waiter's deadline on the monotonic clock */
#include "pool_idle.h"

#include <errno.h>
#include <time.h>


void rsdk__pool_idle_unlink(rsdk_pool *p, rsdk__pool_slot *sl) {
    if (sl->prev) sl->prev->next = sl->next;
    else p->idle = sl->next;
    if (sl->next) sl->next->prev = sl->prev;
    else p->idle_tail = sl->prev;
    sl->prev = sl->next = NULL;
    sl->out = true;
    p->nidle--;
}

void rsdk__pool_queue_waiter(rsdk_pool *p, rsdk__pool_waiter *w) {
    w->slot = NULL;
    w->may_open = false;
    w->queued = true;
    w->next = NULL;
    w->prev = p->wait_tail;
    if (p->wait_tail) p->wait_tail->next = w;
    else p->wait_head = w;
    p->wait_tail = w;
    p->waiting++;
}

void rsdk__pool_unqueue_waiter(rsdk_pool *p, rsdk__pool_waiter *w) {
    if (w->prev) w->prev->next = w->next;
    else p->wait_head = w->next;
    if (w->next) w->next->prev = w->prev;
    else p->wait_tail = w->prev;
    w->prev = w->next = NULL;
    w->queued = false;
    p->waiting--;
}

rsdk__pool_waiter *rsdk__pool_pop_waiter(rsdk_pool *p) {
    rsdk__pool_waiter *w = p->wait_head;
    if (w) rsdk__pool_unqueue_waiter(p, w);
    return w;
}

static bool fits(const rsdk__pool_slot *sl, const rsdk__pool_cmd *cmd) {
    return sl->nriders + 1 < RSDK__POOL_BATCH_MAX && sl->rider_bytes + cmd->enc.len <= RSDK__POOL_BATCH_BYTES;
}

static void add_rider(rsdk__pool_slot *sl, rsdk__pool_waiter *w) {
    w->ride = sl;
    w->rnext = NULL;
    if (sl->riders_tail) sl->riders_tail->rnext = w;
    else sl->riders = w;
    sl->riders_tail = w;
    sl->nriders++;
    sl->rider_bytes += w->cmd->enc.len;
}

/* A rider whose deadline passed before its bytes were taken leaves. */
void rsdk__pool_remove_rider(rsdk__pool_slot *sl, rsdk__pool_waiter *w) {
    rsdk__pool_waiter *prev = NULL;
    for (rsdk__pool_waiter *x = sl->riders; x; prev = x, x = x->rnext) {
        if (x != w) continue;
        if (prev) prev->rnext = x->rnext;
        else sl->riders = x->rnext;
        if (sl->riders_tail == x) sl->riders_tail = prev;
        sl->nriders--;
        sl->rider_bytes -= w->cmd->enc.len;
        return;
    }
}

void rsdk__pool_open_batch_locked(rsdk_pool *p, rsdk__pool_slot *sl, rsdk__pool_waiter *w) {
    w->cmd->lead = sl;
    sl->batch_open = true;
    sl->riders = sl->riders_tail = NULL;
    sl->nriders = sl->rider_bytes = 0;
    p->joinable = sl;
    /* The one-shot commands in line ride along (a look at as many waiters
     * as a batch holds, so the hand-over stays cheap behind acquirers). */
    rsdk__pool_waiter *x = p->wait_head;
    for (int looked = 0; x && looked < RSDK__POOL_BATCH_MAX; looked++) {
        rsdk__pool_waiter *next = x->next;
        if (x->cmd && fits(sl, x->cmd)) {
            rsdk__pool_unqueue_waiter(p, x);
            add_rider(sl, x);
        }
        x = next;
    }
}

long long rsdk__pool_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

bool rsdk__pool_take_read_locked(rsdk_pool *p, rsdk__pool_cmd *cmd, rsdk__pool_waiter **post) {
    long long now = rsdk__pool_now_us(), gap = now - p->busy_at_us;
    p->busy_gap_us = (3 * p->busy_gap_us + (gap < 1000000 ? gap : 1000000)) / 4;
    p->busy_at_us = now;
    rsdk__pool_waiter *a = p->unread;
    *post = NULL;
    if (!a) return false;
    p->unread = NULL;
    rsdk__pool_slot *sl = a->slot;
    if (!fits(sl, cmd)) {
        *post = a; /* no room for it: the leader reads */
        return false;
    }
    a->cmd->taken_over = true;
    cmd->batch = a->cmd;
    cmd->batch_w = a;
    cmd->lead = sl;
    rsdk__pool_waiter *me = &cmd->self;
    me->cmd = cmd;
    me->taken = me->done = me->gone = false;
    me->reader = true;
    add_rider(sl, me);
    return true;
}

bool rsdk__pool_join_locked(rsdk_pool *p, rsdk__pool_waiter *w) {
    rsdk__pool_slot *sl = p->joinable;
    if (!sl || !fits(sl, w->cmd)) return false;
    add_rider(sl, w);
    return true;
}

rsdk__pool_waiter *rsdk__pool_put_locked(rsdk_pool *p, rsdk__pool_slot *sl) {
    rsdk__pool_waiter *w = rsdk__pool_pop_waiter(p);
    if (w) {
        w->slot = sl; /* stays out: handed over */
        if (w->cmd) rsdk__pool_open_batch_locked(p, sl, w);
        return w;
    }
    sl->out = false;
    sl->probe_gen = p->probe_gen;
    sl->prev = NULL;
    sl->next = p->idle;
    if (p->idle) p->idle->prev = sl;
    else p->idle_tail = sl;
    p->idle = sl;
    p->nidle++;
    return NULL;
}

rsdk__pool_waiter *rsdk__pool_room_locked(rsdk_pool *p) {
    rsdk__pool_waiter *w = rsdk__pool_pop_waiter(p);
    if (w) {
        p->open++;
        w->may_open = true;
    }
    return w;
}

void rsdk__pool_wake(rsdk__pool_waiter *w) {
    if (w && !w->reader) sem_post(&w->sem);
}

int rsdk__pool_sem_wait_until(rsdk__pool_waiter *w, long long deadline) {
    struct timespec ts = {(time_t)(deadline / 1000), (long)(deadline % 1000) * 1000000L};
    for (;;) {
        int r = deadline < 0 ? sem_wait(&w->sem) : sem_clockwait(&w->sem, CLOCK_MONOTONIC, &ts);
        if (r == 0) return 0;
        if (errno != EINTR) return -1;
    }
}

void rsdk__pool_sem_wait_posted(rsdk__pool_waiter *w) {
    while (sem_wait(&w->sem) != 0 && errno == EINTR) {
    }
}
