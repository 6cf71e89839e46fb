/* async_state.h — the async client's state, shared by the async*.c files;
 * declares no function of a file that includes it. */
#ifndef RSDK_SRC_ASYNC_STATE_H
#define RSDK_SRC_ASYNC_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "conn.h"
#include "rsdk/async.h"
#include "rsdk/async_internal.h"
#include "rsdk/backoff.h"
#include "rsdk/reader.h"
#include "rsdk/retry.h"

/* One queued unit (a command, or the commands of one rsdk_async_send_encoded)
 * in the order it was issued. Its bytes sit in a->out while it may still
 * be (re)sent. */
typedef struct rsdk__acmd {
    rsdk_async_call call;
    long long deadline; /* monotonic ms by which it must be answered; 0: none */
    size_t len;         /* its encoded bytes in a->out (0 once cut out) */
    uint32_t replies;   /* replies still to read for it; 0: none will come
                         * (dead before it was written, or the connection
                         * it was written on is gone) */
    uint32_t ncmds;     /* commands in the unit (replies when sent whole) */
    bool dead;          /* its completion ran or was cancelled: what it
                         * still gets is read and dropped; unwritten, its
                         * bytes leave a->out at the next compaction */
    bool fail;          /* its connection broke: the completion is due
                         * with the connection error (async_conn.c) */
} rsdk__acmd;

/* A record's call.flags bit: an (un)subscribe, whose replies are the
 * server's confirmations, one per name (pushes on RESP3). */
#define RSDK__ASYNC_SUB 0x40000000u
/* With RSDK__ASYNC_SUB: an unsubscribe (its confirmations are unsubscribes). */
#define RSDK__ASYNC_UNSUB 0x20000000u

/* One name the client is subscribed to, restored after a reconnect. */
typedef struct rsdk__asub {
    rsdk_pubsub_kind kind;
    char *name;
    size_t len;
} rsdk__asub;

/* Where the connection is. */
typedef enum rsdk__astate {
    RSDK__A_IDLE = 0,   /* not attached yet */
    RSDK__A_CONNECTING, /* socket connect under way */
    RSDK__A_TLS,        /* TLS handshake under way */
    RSDK__A_HELLO,      /* handshake commands sent, replies awaited */
    RSDK__A_READY,      /* commands flow */
    RSDK__A_WAITING,    /* backoff before the next connect attempt */
    RSDK__A_BROKEN,     /* dropped, no reconnect: commands fail */
    RSDK__A_CLOSED,     /* rsdk_async_close: commands fail with CLOSED */
} rsdk__astate;

struct rsdk_async {
    rsdk_async_opts opts;
    rsdk_client_opts copt;       /* deep copy (client_opts.h) */
    rsdk_retry_policy retry;     /* copy.retry points here */
    rsdk_tls_opts tls_copy;      /* copy.tls points here when set */
    void *tls;                   /* rsdk__tls_ctx when copt.tls is set */
    rsdk_backoff backoff;        /* delays between connect attempts */
    char endpoint[160];          /* for events */

    /* The loop. */
    const rsdk_loop_ops *ops;
    void *adapter;
    rsdk_loop_event_fn event_fn; /* the client's event handler (async_io.c) */
    int watched_fd;              /* what the adapter watches now */
    int watched_mask;
    long long timer_at;          /* what the timer is armed for (-1: none) */

    /* The connection. */
    rsdk__astate state;
    rsdk__conn *conn;
    rsdk__conn_opts conn_opts;
    unsigned addr_index;         /* address being tried */
    rsdk_reader *reader;
    long long conn_deadline;     /* connect + TLS + handshake; 0: none */
    long long reconnect_at;      /* WAITING: when the next attempt starts */
    uint32_t attempts;           /* reconnect attempts since the last success */
    uint32_t next_delay_ms;
    bool opened;                 /* a connect succeeded once */
    int protocol;                /* 2 or 3 while READY */
    bool tls_wants_write;        /* TLS needs writability to go on */

    /* The handshake (HELLO state). */
    rsdk_buf hs;                 /* its commands (wiped: may hold a password) */
    size_t hs_sent;
    size_t hs_n, hs_got;         /* replies expected, read */
    int hs_proto;                /* 3: HELLO step, 2: RESP2 step, 1: the
                                  * resubscribe step after either */
    int hs_final;                /* the protocol once the steps are done */
    bool hs_auth;                /* the step logs in (AUTH) */
    rsdk_reply *hs_replies[3];
    uint64_t auth_gen;           /* provider generation logged in with (or
                                  * re-AUTH queued for) */
    uint64_t reauth_failed_gen;  /* generation whose re-AUTH failed: not
                                  * tried again until it moves */

    /* The command records: a ring in issue order; the record of id
     * head_id + i is ring[(head + i) & mask]. */
    rsdk__acmd *ring;
    size_t cap, head, count;
    size_t live;                 /* records not dead: rsdk_async_pending */
    uint64_t head_id;
    uint64_t dl_next;            /* id from which deadlines are still to check */
    size_t nsent;                /* records from the head whose bytes (some)
                                  * left: their replies are awaited */
    bool need_compact;           /* some unsent record died */

    /* The encoded bytes of the records still holding any (len > 0), in
     * order, from out.data + ostart; out.data[..osent) were written. */
    rsdk_buf out;
    size_t ostart, osent;
    size_t wnext;                /* offset where record `nsent` starts */

    /* Pub/sub (async_pubsub.c). */
    rsdk__asub *subs;
    size_t nsubs, subs_cap;
    rsdk_async_message_fn on_message;
    void *on_message_ud;
    rsdk_async_push_fn on_push;
    void *on_push_ud;

    /* Callbacks. */
    rsdk_async_connect_fn on_connect;
    void *on_connect_ud;
    unsigned depth;              /* callbacks running (reentrancy) */
    long long event_ms;          /* the clock when the running loop event
                                  * began (0 outside one): the deadline
                                  * base of commands issued during it */
    bool free_pending;           /* rsdk_async_free inside a callback */
    rsdk_reply *cur_reply;       /* the reply of the running callback */
    rsdk_error err;              /* the last call's failure */
};

#endif
