/* The pool's idle list and its queue of waiting threads: every operation
 * here is O(1), under the pool's lock. A connection that comes back goes to
 * the oldest waiter directly, so exactly one thread wakes for it. */
#include "pool_idle.h"

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

rsdk__pool_waiter *rsdk__pool_put_locked(rsdk_pool *p, rsdk__pool_slot *sl) {
    rsdk__pool_waiter *w = rsdk__pool_pop_waiter(p);
    if (w) {
        w->slot = sl; /* stays out: handed over */
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
    if (w) sem_post(&w->sem);
}
