/* client_state.h — the sync client's state and the internal calls shared by
 * client*.c, handshake.c, pipeline.c and, later, the session layer (pool,
 * pub/sub, transactions). */
#ifndef RSDK_SRC_CLIENT_IMPL_H
#define RSDK_SRC_CLIENT_IMPL_H

#include "conn.h"
#include "rsdk/backoff.h"
#include "rsdk/client.h"
#include "rsdk/credentials.h"
#include "rsdk/events.h"
#include "rsdk/pipeline_internal.h"
#include "rsdk/retry.h"
#include "txn_state.h"

/* Room asked of the reader before a read(2), which then takes all the room
 * there is. Small, so an idle connection whose replies were small holds a
 * small buffer; the reader doubles its buffer for a reply that does not
 * fit and after a read that filled it, so a pipelined batch or a big value
 * still needs few system calls. */
#define RSDK__READ_CHUNK ((size_t)512)

/* A write buffer that grew past this is released after the command, so one
 * huge value does not pin memory for the life of the client. */
#define RSDK__WBUF_KEEP ((size_t)1024 * 1024)

struct rsdk_client {
    rsdk_client_opts opts; /* strings point at the owned copies below */
    char *host, *unix_path, *username, *password, *client_name;
    rsdk__conn_upgrade_fn upgrade; /* transport upgrade (TLS), or NULL */
    void *upgrade_arg;

    /* Connection management (client_session.c, client_call.c). */
    rsdk_events *events;             /* borrowed (opts.events) */
    rsdk_credentials_provider *cred; /* borrowed (opts.credentials) */
    rsdk_retry_policy retry;         /* copy of opts.retry; max_attempts 1 without */
    rsdk_backoff backoff;            /* delays between attempts of one call */
    char endpoint[160];              /* "host:port" or the socket path, for events */
    uint64_t auth_gen;               /* provider generation the connection
                                      * authenticated with (0: none) */
    uint64_t reauth_failed_gen;      /* generation whose re-AUTH failed: not
                                      * tried again until the generation moves */
    uint32_t reconnect_attempts;     /* reconnects since the last successful connect */
    uint32_t next_delay_ms;          /* wait before the connect about to run */
    bool announced;                  /* CONNECTED emitted for this connection */
    bool opened;                     /* a connect succeeded once: later ones
                                      * are reconnects */
    unsigned state;                  /* RSDK__STATE_* bits of this connection */
    size_t pending;                  /* replies sent for but not read yet */
    void *pool_slot;                 /* the pool's record while pooled */

    rsdk__conn *conn;     /* NULL while broken: a late reply is never read */
    rsdk_reader *reader;  /* one per connection; replaced on reconnect */
    rsdk_buf wbuf;        /* reused for every command's encoding */
    int io_timeout_ms;    /* per-wait limit outside a call's deadline: the
                           * connect timeout during the handshake, the
                           * command timeout afterwards (pub/sub waits set
                           * their own) */
    long long deadline_ms;      /* monotonic ms by which the call in progress
                                 * must end: every wait of the call gets only
                                 * what is left (client_deadline.c);
                                 * RSDK__NO_DEADLINE inside a call without one
                                 * (waits unlimited), 0 outside calls (waits
                                 * use io_timeout_ms) */
    bool handshaking;           /* inside rsdk__client_connect's handshake */
    signed char call_may_block; /* what the caller knows of the next call's
                                 * commands: 0 none blocks, 1 some may, -1
                                 * (default) unknown: the deadline looks */
    signed char call_may_track; /* likewise for session state: 0 none of the
                                 * commands leaves any, so they are not walked */
    long long batch_t0_us;      /* when a timed call in halves began
                                 * (client_batch.c); 0: not timed */
    int attempts_done;          /* attempts the next call's command already
                                 * had elsewhere (a pool's combined command):
                                 * its retries count on from there */
    long long outer_deadline_ms;/* set by a caller that started the clock
                                 * before the call (a pool acquire): the call
                                 * keeps it instead of starting its own */
    int protocol;         /* 2 or 3 once connected */
    bool push_as_reply;   /* pub/sub: hand RESP3 pushes to the reader of
                           * replies instead of the push handler */
    bool request_sent;    /* some byte of the last write reached the socket:
                           * false after a failure means the request never
                           * left (the retry layer's "safe to resend") */
    rsdk_client_push_fn push_fn;
    void *push_ud;
    rsdk_reply *held;     /* a whole reply read ahead while looking for
                           * pushes behind a call's last reply: the next
                           * reply read (client.c, drain_pushes) */
    rsdk_error err;

    /* Session layer (txn*.c, pubsub*.c). A pool must not hand out a client
     * with txn.in_multi or txn.watching set (close it, or UNWATCH). Both outlive a
     * broken connection on purpose: while in_multi, rsdk__client_ready
     * refuses to reconnect (the rest would run outside MULTI) until the
     * caller ends the transaction; a WATCH whose connection was replaced
     * (connects != watch_connects) makes the next EXEC abort. */
    rsdk__txn_state txn;     /* the transaction code's (client_api.h) */
    uint64_t connects;       /* successful connects so far: a change tells that
                              * subscriptions, WATCH and tracking were lost */
    /* Sees each RESP3 push before push_fn; returns true when it took the
     * push over (pub/sub messages, tracking invalidations). */
    bool (*push_hook)(rsdk_client *c, rsdk_reply *push);
    void *push_hook_ud;  /* the hook's own state (the owning subscriber) */
    void (*inval_fn)(const rsdk_reply *keys, void *ud); /* rsdk_invalidate_fn */
    void *inval_ud;
};

/* Server-side session state a connection can be left in; any of it makes
 * the connection unfit for another user (rsdk__client_dirty). The client
 * sets these bits from the names of the commands it sends, so raw commands
 * are covered too; the transaction and pub/sub code may set and clear them
 * with rsdk__client_state_set (txn.in_multi/watching above count as well).
 * Every bit is cleared when the connection closes: a new one starts clean. */
#define RSDK__STATE_MULTI 0x01u      /* MULTI sent, no EXEC/DISCARD yet */
#define RSDK__STATE_WATCH 0x02u      /* WATCH sent, no EXEC/DISCARD/UNWATCH */
#define RSDK__STATE_SUBSCRIBED 0x04u /* (P|S)SUBSCRIBE sent: pub/sub mode */
#define RSDK__STATE_SELECTED 0x08u   /* SELECT sent: maybe another db */
#define RSDK__STATE_MONITOR 0x10u    /* MONITOR: the stream is not replies */
#define RSDK__STATE_IDENTITY 0x20u   /* AUTH, HELLO, CLIENT REPLY/TRACKING... sent
                                      * by the caller: not what the pool set up */

/* True when `name` (len bytes, any case) is in the built-in list of
 * commands without side effects that a retry may repeat (client_readonly.c). */
bool rsdk__command_readonly(const char *name, size_t len);

#define RSDK__NO_DEADLINE (-1LL)

/* Whole-call deadlines (client_deadline.c). _start sets c->deadline_ms for
 * a call sending `len` bytes of `ncmds` encoded commands (c->call_may_block
 * may say in advance whether any can block; it is reset to unknown): command_timeout_ms from
 * now (or the outer deadline), extended by the block time of blocking
 * commands, none at all when one blocks forever or the timeout is 0. */
void rsdk__deadline_start(rsdk_client *c, const char *data, size_t len, size_t ncmds);

/* What a single wait may take now: what is left of the deadline (at least
 * 1 ms), capped by `cap_ms` when positive; cap_ms itself without a
 * deadline (<= 0: no limit). */
int rsdk__deadline_wait_ms(const rsdk_client *c, int cap_ms);

/* Milliseconds left before the deadline (INT_MAX without one, 0 when it
 * has passed). */
int rsdk__deadline_left_ms(const rsdk_client *c);

/* The connect + handshake of rsdk__client_connect: _begin saves the call's
 * deadline in *call_deadline and gives the connect its own — the connect
 * timeout, no more than what is left of the call's deadline — as the
 * deadline and as the limit of each wait, and returns it (ms, <= 0: none);
 * _end puts the call's deadline back and the command timeout as the limit
 * of each wait. */
int rsdk__deadline_connect_begin(rsdk_client *c, long long *call_deadline);
void rsdk__deadline_connect_end(rsdk_client *c, long long call_deadline);

/* What one read or write wait may take now: what is left of the deadline
 * when a call (or the handshake) set one, 0 (no limit) inside a call
 * without one, else io_timeout_ms. */
int rsdk__deadline_io_wait_ms(const rsdk_client *c);

/* After a wait timed out under a deadline: says so in c->err. Returns s. */
rsdk_status rsdk__deadline_timeout(rsdk_client *c, rsdk_status s);

#endif
