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

/* Bounds of a batch of combined commands (pool_combine.c): commands in
 * one write, their bytes, and the largest command that joins one. */
#define RSDK__POOL_BATCH_MAX 64
#define RSDK__POOL_BATCH_BYTES ((size_t)64 * 1024)
#define RSDK__POOL_COMBINE_CMD_BYTES ((size_t)16 * 1024)
/* A one-shot command in line wakes by itself after this long (then twice
 * as long each time, up to the max) to read a batch left unread for it
 * (pool_combine.c); a batch is left so only when its leader wakes within
 * twice this. */
#define RSDK__POOL_UNREAD_MS 1
#define RSDK__POOL_UNREAD_MAX_MS 1024
/* ... and only while one-shot commands find every connection out at
 * least this often (microseconds between them, on average and since the
 * last), so that one comes soon to read it. */
#define RSDK__POOL_UNREAD_GAP_US 200

struct rsdk__pool_waiter;

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
    /* Handed to a one-shot command that has not written yet: other
     * one-shot commands ride along (pool_combine.c). */
    bool batch_open;
    struct rsdk__pool_waiter *riders, *riders_tail;
    size_t nriders, rider_bytes;
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
    /* A combinable one-shot command waiting (NULL: an acquire). It may be
     * taken off the queue into the batch of a slot handed to another
     * one-shot command (`ride`), or join one there (pool_combine.c). */
    struct rsdk__pool_cmd *cmd;
    rsdk__pool_slot *ride; /* the slot whose batch it rides in */
    bool taken;            /* its bytes were copied for the write */
    bool done;             /* its result is in cmd->res: posted */
    bool gone;             /* left at its deadline: the reply is dropped */
    bool awake;            /* handed a batch and woke by itself: post it */
    bool reader;           /* the place of a thread reading the batch: never posted */
    long long wake_at;     /* when its wait ends by itself (monotonic ms; -1: not soon) */
    struct rsdk__pool_waiter *rnext; /* next rider of the same slot */
} rsdk__pool_waiter;

/* A one-shot command (rsdk_pool_command) while its thread waits: encoded
 * once it has to wait, so that it can ride in another thread's batch
 * (pool_combine.c). Lives on the caller's stack. */
typedef struct rsdk__pool_cmd {
    size_t argc;
    const char *const *argv;
    const size_t *argvlen;
    long long start;      /* when its call started (monotonic ms) */
    rsdk_buf enc;         /* the encoded command; empty until needed */
    bool encoded;         /* enc holds it (or its encoding failed) */
    bool combinable;      /* may share a write (rsdk__command_combinable) */
    long long deadline;   /* its command deadline (monotonic ms; -1 none) */
    rsdk__pool_slot *lead;/* handed a slot whose batch this command leads */
    bool written;         /* its batch was sent (by the releasing thread) */
    bool skip;            /* its deadline had passed: left out of it */
    size_t own_len;       /* its own bytes, first in enc */
    rsdk_status sent;     /* ... with this result */
    rsdk__combined_item *items;         /* the batch: its own item, then the riders' */
    struct rsdk__pool_waiter **rw;   /* the riders (one block with items) */
    size_t nriders;
    rsdk__combined_item res; /* what became of it in a batch */
    bool taken_over;      /* its batch is read by another thread: res */
    struct rsdk__pool_cmd *batch;       /* reading the batch of this leader */
    struct rsdk__pool_waiter *batch_w;  /* ... whose thread it wakes */
    rsdk__pool_waiter self;             /* its own place in that batch */
} rsdk__pool_cmd;


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
    rsdk__pool_slot *joinable; /* newest slot with an open batch, or NULL */
    /* A leader whose batch was written at the hand-over and that was left
     * asleep: the next one-shot command to come takes the read over
     * (pool_combine.c). NULL: none. */
    rsdk__pool_waiter *unread;
    long long busy_at_us, busy_gap_us; /* the last one-shot command to find all out; mean gap */
    int unread_ms;            /* RSDK__POOL_UNREAD_MS (tests may change it) */
    long long unread_gap_us;  /* RSDK__POOL_UNREAD_GAP_US (tests may change it) */
    bool combine;              /* opts.combine_commands */
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
