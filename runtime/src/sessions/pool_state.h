/* pool_state.h — the pool's types, shared by pool.c (acquire/release),
 * pool_idle.c (idle list and waiters), pool_index.c (client to slot),
 * pool_auth.c (re-AUTH on credential changes) and pool_cmd.c. Types only,
 * so the list and index code need nothing of pool.c. */
#ifndef RSDK_SRC_POOL_STATE_H
#define RSDK_SRC_POOL_STATE_H

#include <pthread.h>
#include <semaphore.h>

#include "client_api.h"
#include "client_io.h"
#include "client_session.h"
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
 * with neither set: the pool is closing. The queue is doubly linked so a
 * waiter whose time ran out leaves it from anywhere in O(1). */
typedef struct rsdk__pool_waiter {
    sem_t sem;
    rsdk__pool_slot *slot;
    bool may_open;
    bool queued;
    struct rsdk__pool_waiter *prev;
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

#endif
