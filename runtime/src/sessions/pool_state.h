/* pool_state.h — the pool's state, shared by pool.c (acquire/release),
 * pool_slot.c (closing a connection), pool_auth.c (re-AUTH on credential
 * changes) and pool_cmd.c. Types only. */
#ifndef RSDK_SRC_POOL_STATE_H
#define RSDK_SRC_POOL_STATE_H

#include <pthread.h>

#include "client_api.h"
#include "client_io.h"
#include "client_session.h"
#include "rsdk/pool.h"

/* One pooled connection. Lives from its open to its close; the client
 * points back at it (client->pool_slot). */
typedef struct rsdk__pool_slot {
    rsdk_client *c;
    rsdk_pool *pool;
    long long since_ms;               /* idle since, or handed out at */
    bool out;                         /* handed out (or taken for a check) */
    struct rsdk__pool_slot *next;     /* idle stack, most recent first */
    struct rsdk__pool_slot *all_prev; /* every open slot, for free */
    struct rsdk__pool_slot *all_next;
} rsdk__pool_slot;

struct rsdk_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;       /* a connection came back or a slot opened up */
    rsdk_client_opts copts;  /* deep copy; copts.retry -> retry when set */
    rsdk_retry_policy retry;
    rsdk_tls_opts tls;       /* copts.tls -> tls when set */
    bool has_retry;
    int max_size, min_idle, acquire_timeout_ms, health_ms, max_idle_ms;
    rsdk_events *events;
    rsdk__pool_slot *idle;   /* LIFO: the oldest sink and age out */
    rsdk__pool_slot *all;
    size_t open, nidle, waiting;
    bool closed;
    uint64_t cred_sub;       /* credentials subscription id; 0 = none */
    rsdk_pool_stats st;      /* counters (open/idle/in_use/waiting derived) */
};

#endif
