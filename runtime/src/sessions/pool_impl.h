/* pool_impl.h — the pool's state, shared by pool.c (acquire/release),
 * pool_idle.c (idle list, waiters, hand-off), pool_index.c (client to slot),
 * pool_auth.c (re-AUTH on credential changes) and pool_cmd.c. */
#ifndef RSDK_SRC_POOL_IMPL_H
#define RSDK_SRC_POOL_IMPL_H

#include <pthread.h>
#include <semaphore.h>

#include "client_impl.h"
#include "rsdk/pool.h"

/* An idle connection is probed (a non-blocking poll of its socket, to see
 * a close by the server) before it is handed out only when it has been idle
 * this long, or the pool has seen a connection fail since it went idle
 * (probe_gen); a busy pool hands its connections out without a system
 * call. docs/connections.md says what that costs. */
#define RSDK__POOL_PROBE_IDLE_MS 1000

/* One pooled connection. Lives from its open to its close; the client
 * points back at it (client->pool_slot). */
typedef struct rsdk__pool_slot {
    rsdk_client *c;
    rsdk_pool *pool;
    long long since_ms;               /* idle since, or handed out at */
    uint64_t probe_gen;               /* pool's probe_gen when it went idle */
    bool out;                         /* handed out (or taken for a check) */
    struct rsdk__pool_slot *prev;     /* idle list: newest at the head, */
    struct rsdk__pool_slot *next;     /* oldest at the tail */
    struct rsdk__pool_slot *all_prev; /* every open slot, for free */
    struct rsdk__pool_slot *all_next;
} rsdk__pool_slot;

/* A thread blocked in acquire, queued oldest first. A release hands its
 * connection to the head waiter alone (`slot`), a closed connection hands
 * it the right to open one (`may_open`, already counted in open): nobody
 * else wakes, and a thread that arrives later cannot take it first. The
 * record lives on the waiter's stack; it is taken off the queue under the
 * lock, and its semaphore is posted after the lock is let go, so the woken
 * thread never has to wait for the lock its waker still holds. Taken off
 * with neither set: the pool is closing. */
typedef struct rsdk__pool_waiter {
    sem_t sem;
    rsdk__pool_slot *slot;
    bool may_open;
    bool queued;
    struct rsdk__pool_waiter *next;
} rsdk__pool_waiter;

struct rsdk_pool {
    pthread_mutex_t mu;
    rsdk_client_opts copts;  /* deep copy; copts.retry -> retry when set */
    rsdk_retry_policy retry;
    rsdk_tls_opts tls;       /* copts.tls -> tls when set */
    bool has_retry;
    int max_size, min_idle, acquire_timeout_ms, health_ms, max_idle_ms;
    rsdk_events *events;
    rsdk__pool_slot *idle, *idle_tail; /* LIFO: the oldest sink to the tail */
    rsdk__pool_slot *all;
    rsdk__pool_waiter *wait_head, *wait_tail;
    size_t open, nidle, waiting;
    bool closed;
    uint64_t probe_gen;      /* moves when a connection is found broken */
    rsdk__pool_slot **index; /* client address -> slot (pool_index.c) */
    size_t index_cap, index_used;
    uint64_t probes;         /* index entries passed over by lookups (tests) */
    uint64_t cred_sub;       /* credentials subscription id; 0 = none */
    rsdk_pool_stats st;      /* counters (open/idle/in_use/waiting derived) */
};

/* Closes the slot's client and frees the slot, which must be out of the
 * idle list; takes the lock to unlink it, counts it as discarded when
 * `discarded` (a broken one also moves probe_gen), and gives the room to
 * open a connection to the first waiter. */
void rsdk__pool_close_slot(rsdk_pool *p, rsdk__pool_slot *sl, bool discarded);

/* Gives `sl` (out, usable) back under the lock: to the first waiter if one
 * is queued (returned: wake it with rsdk__pool_wake once the lock is let
 * go), else to the head of the idle list (NULL). `since_ms` is set by the
 * caller (idle since, or kept). */
rsdk__pool_waiter *rsdk__pool_put_locked(rsdk_pool *p, rsdk__pool_slot *sl);

/* A place opened up (open was decremented) under the lock: the first
 * waiter, if any, gets the right to open a connection (open goes back up
 * for it) and is returned, to be woken as above. */
rsdk__pool_waiter *rsdk__pool_room_locked(rsdk_pool *p);

/* Takes the first waiter off the queue (NULL: none). Under the lock. */
rsdk__pool_waiter *rsdk__pool_pop_waiter(rsdk_pool *p);

/* Wakes a waiter taken off the queue; NULL is ignored. Outside the lock. */
void rsdk__pool_wake(rsdk__pool_waiter *w);

/* Takes `sl` off the idle list (marks it out). Under the lock. */
void rsdk__pool_idle_unlink(rsdk_pool *p, rsdk__pool_slot *sl);

/* Index of slots by client address (pool_index.c), under the lock. _add:
 * false on no memory. _find: NULL when `c` is not one of the pool's. */
bool rsdk__pool_index_add(rsdk_pool *p, rsdk__pool_slot *sl);
rsdk__pool_slot *rsdk__pool_index_find(rsdk_pool *p, const rsdk_client *c);
void rsdk__pool_index_del(rsdk_pool *p, const rsdk__pool_slot *sl);

/* Listener for RSDK_EVENT_CREDENTIALS_CHANGED (pool_auth.c): re-AUTHs every
 * idle connection, one at a time so the others stay available. */
void rsdk__pool_on_credentials(const rsdk_event *ev, void *ud);

#endif
