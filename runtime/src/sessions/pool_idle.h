/* pool_idle.h — the pool's idle list, queue of waiting threads and the
 * riders of a batch (pool_idle.c): under the pool's lock, each call O(1)
 * or bounded by a batch's size. */
#ifndef RSDK_SRC_POOL_IDLE_H
#define RSDK_SRC_POOL_IDLE_H

#include "pool_state.h"

/* Gives `sl` (out, usable) back under the lock: to the first waiter if one
 * is queued (returned: wake it with rsdk__pool_wake once the lock is let
 * go; a one-shot command leads a batch on it, pool_combine.c), else to
 * the head of the idle list (NULL). `since_ms` is set by the
 * caller (idle since, or kept). */
rsdk__pool_waiter *rsdk__pool_put_locked(rsdk_pool *p, rsdk__pool_slot *sl);

/* A place opened up (open was decremented) under the lock: the first
 * waiter, if any, gets the right to open a connection (open goes back up
 * for it) and is returned, to be woken as above. */
rsdk__pool_waiter *rsdk__pool_room_locked(rsdk_pool *p);

/* Puts `w` at the tail of the wait queue, with nothing handed over yet.
 * Under the lock. */
void rsdk__pool_queue_waiter(rsdk_pool *p, rsdk__pool_waiter *w);

/* Takes `w`, still queued, off the wait queue wherever it is. Under the
 * lock. */
void rsdk__pool_unqueue_waiter(rsdk_pool *p, rsdk__pool_waiter *w);

/* Takes the first waiter off the queue (NULL: none). Under the lock. */
rsdk__pool_waiter *rsdk__pool_pop_waiter(rsdk_pool *p);

/* Under the lock: `sl` was just handed to the one-shot command waiting in
 * `w`, which will lead a batch on it: other one-shot commands queued may
 * ride along (they are taken off the queue into it) and later ones may
 * join until the leader writes. */
void rsdk__pool_open_batch_locked(rsdk_pool *p, rsdk__pool_slot *sl, rsdk__pool_waiter *w);

/* Under the lock: joins `w` (a one-shot command) to the open batch of
 * another thread if there is one with room. */
bool rsdk__pool_join_locked(rsdk_pool *p, rsdk__pool_waiter *w);

/* The monotonic clock in microseconds. */
long long rsdk__pool_now_us(void);

/* Under the lock, for a one-shot command that found every connection out
 * (counted for rsdk__pool_leave_unread): when a leader was left asleep on a batch written at
 * its hand-over (p->unread), the one-shot command `cmd` (encoded,
 * combinable) takes its read over: it joins as the batch's last rider
 * (through cmd->self) and cmd->batch/batch_w/lead say whose batch it
 * reads; true. When it does not fit, *post is that leader, to be woken
 * to read its batch itself. */
bool rsdk__pool_take_read_locked(rsdk_pool *p, rsdk__pool_cmd *cmd, rsdk__pool_waiter **post);

/* Under the lock: takes a rider whose deadline passed before its bytes
 * were taken for the write out of the batch of `sl`. */
void rsdk__pool_remove_rider(rsdk__pool_slot *sl, rsdk__pool_waiter *w);

/* Wakes a waiter taken off the queue; NULL is ignored. Outside the lock. */
void rsdk__pool_wake(rsdk__pool_waiter *w);

/* Waits for `w`'s semaphore until `deadline` (monotonic ms; -1: none).
 * 0 when posted, -1 when the deadline passed (or waiting failed). */
int rsdk__pool_sem_wait_until(rsdk__pool_waiter *w, long long deadline);

/* Waits for a post known to be on its way (the waiter was taken off the
 * queue, or its result delivered, just as its own wait ended): it must
 * land before the semaphore goes away. */
void rsdk__pool_sem_wait_posted(rsdk__pool_waiter *w);

/* Takes `sl` off the idle list (marks it out). Under the lock. */
void rsdk__pool_idle_unlink(rsdk_pool *p, rsdk__pool_slot *sl);

#endif
