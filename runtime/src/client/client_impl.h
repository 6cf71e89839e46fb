/* client_impl.h — the sync client's state and the internal calls shared by
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

/* Bytes asked of the reader per read(2): large enough that a pipelined batch
 * or a big value needs few system calls. */
#define RSDK__READ_CHUNK ((size_t)16 * 1024)

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
     * with in_multi or watching set (close it, or UNWATCH). Both outlive a
     * broken connection on purpose: while in_multi, rsdk__client_ready
     * refuses to reconnect (the rest would run outside MULTI) until the
     * caller ends the transaction; a WATCH whose connection was replaced
     * (connects != watch_connects) makes the next EXEC abort. */
    bool in_multi;   /* inside an interactive MULTI (rsdk_txn_multi); a
                      * transaction pipeline's exec is one call instead */
    bool watching;   /* WATCH sent, not yet ended by EXEC/DISCARD/UNWATCH */
    uint64_t connects;       /* successful connects so far: a change tells that
                              * subscriptions, WATCH and tracking were lost */
    uint64_t watch_connects; /* `connects` when the WATCH was sent */
    /* Sees each RESP3 push before push_fn; returns true when it took the
     * push over (pub/sub messages, tracking invalidations). */
    bool (*push_hook)(rsdk_client *c, rsdk_reply *push);
    void *push_hook_ud;  /* the hook's own state (the owning subscriber) */
    void (*inval_fn)(const rsdk_reply *keys, void *ud); /* rsdk_invalidate_fn */
    void *inval_ud;
};

/* A pipeline (pipeline.c); transactions (txn*.c) run through exec_hook. */
struct rsdk_pipeline {
    rsdk_client *c;
    rsdk_buf buf;       /* queued, encoded commands */
    size_t count;       /* commands in buf */
    size_t mark;        /* buf.len before the encode in progress */
    bool may_block;     /* a queued command may be a blocking one */
    bool may_state;     /* a queued command may leave session state */
    rsdk_reply **slots; /* replies of the last exec */
    size_t nslots, cap;
    /* Set when the pipeline is a transaction: runs instead of the plain
     * exec (slots already freed, queue still full). */
    rsdk_status (*exec_hook)(rsdk_pipeline *p);
    rsdk_reply *slots_owner; /* when set, slots point inside this reply
                              * (EXEC's array) and only it is freed */
    /* rsdk_pipeline_commit_shaped: shapes[i] is the form command i's reply
     * is brought to after exec (NULL: as received); entries from nshapes
     * on are NULL. Allocated when first needed. */
    const rsdk_shape **shapes;
    size_t nshapes, capshapes;
    /* Reshaped replies that replaced slots pointing inside slots_owner (a
     * transaction): freed with the slots. */
    rsdk_reply **reshaped;
    size_t nreshaped;
};

/* Frees the replies of the last exec (pipeline.c). */
void rsdk__pipeline_free_slots(rsdk_pipeline *p);

/* Empties the queue after an exec (pipeline.c). */
void rsdk__pipeline_reset_queue(rsdk_pipeline *p);

/* Grows the slot array to `n` entries. RSDK_OK or RSDK_ERR_NOMEM (pipeline.c). */
rsdk_status rsdk__pipeline_reserve_slots(rsdk_pipeline *p, size_t n);

/* Server-side session state a connection can be left in; any of it makes
 * the connection unfit for another user (rsdk__client_dirty). The client
 * sets these bits from the names of the commands it sends, so raw commands
 * are covered too; the transaction and pub/sub code may set and clear them
 * with rsdk__client_state_set (in_multi/watching above count as well).
 * Every bit is cleared when the connection closes: a new one starts clean. */
#define RSDK__STATE_MULTI 0x01u      /* MULTI sent, no EXEC/DISCARD yet */
#define RSDK__STATE_WATCH 0x02u      /* WATCH sent, no EXEC/DISCARD/UNWATCH */
#define RSDK__STATE_SUBSCRIBED 0x04u /* (P|S)SUBSCRIBE sent: pub/sub mode */
#define RSDK__STATE_SELECTED 0x08u   /* SELECT sent: maybe another db */
#define RSDK__STATE_MONITOR 0x10u    /* MONITOR: the stream is not replies */
#define RSDK__STATE_IDENTITY 0x20u   /* AUTH, HELLO, CLIENT REPLY/TRACKING... sent
                                      * by the caller: not what the pool set up */

void rsdk__client_state_set(rsdk_client *c, unsigned bits, bool on);

/* True when the connection must not be handed to another user: session
 * state (above, or in_multi/watching), replies still owed (pending), unread
 * bytes in the reader, a push hook or pushes routed as replies (pub/sub).
 * A broken client is not "dirty": ask rsdk_client_broken() too. */
bool rsdk__client_dirty(const rsdk_client *c);

/* For a pool about to hand out an idle connection: false when it is broken,
 * dirty, or its socket is readable (closed by the server, or bytes nobody
 * asked for). Does not block. */
bool rsdk__client_idle_ok(rsdk_client *c);

/* One call (client_call.c): sends `len` bytes holding `ncmds` encoded
 * commands and reads ncmds replies into replies[0..ncmds) (NULLed first).
 * Reconnects a broken connection (RECONNECT_ATTEMPT events, the retry
 * policy's backoff), re-AUTHs stale credentials first, tracks session
 * state, retries per policy under the write guarantee and emits
 * COMMAND_COMPLETED. Server error replies stay in their slot. On a
 * connection failure the slots without a reply are NULL. */
rsdk_status rsdk__client_call(rsdk_client *c, const char *data, size_t len, size_t ncmds,
                              rsdk_reply **replies);

/* Connection management part of rsdk_client_open (client_session.c): takes
 * events, credentials, the retry policy and the seed from `o` and sets the
 * endpoint name (c->opts must hold the copied strings already).
 * RSDK_ERR_INVALID_ARG for a policy whose backoff is invalid. */
rsdk_status rsdk__client_session_init(rsdk_client *c, const rsdk_client_opts *o, rsdk_error *err);

/* Around a connect (client.c). _begin emits RECONNECT_ATTEMPT when this is
 * a reconnect and, with a provider, fetches credentials into `cr` and points
 * opts.username/password at them for the handshake (old pointers saved in
 * *saved); its failure is the connect's. _end puts the options back, wipes
 * `cr`, and on success records the generation, resets the reconnect count
 * and emits CONNECTED. */
typedef struct rsdk__auth_save {
    const char *username, *password;
} rsdk__auth_save;
rsdk_status rsdk__client_connect_begin(rsdk_client *c, rsdk_credentials *cr, rsdk__auth_save *saved);
void rsdk__client_connect_end(rsdk_client *c, rsdk_credentials *cr, const rsdk__auth_save *saved,
                              rsdk_status s);

/* The connection is being closed (`cause` RSDK_OK for an orderly close):
 * emits DISCONNECTED if CONNECTED was emitted for it, clears its session
 * state and owed replies. */
void rsdk__client_on_close(rsdk_client *c, rsdk_status cause);

/* A RESP3 push arrived outside pub/sub: emits PUSH (when wanted). */
void rsdk__client_on_push(rsdk_client *c, const rsdk_reply *push);

/* Re-AUTHs with the provider's current credentials when the connection's
 * generation is behind (but not inside MULTI or pub/sub: then later).
 * Emits REAUTH_REQUIRED, then _SUCCEEDED or _FAILED. A refused AUTH or a
 * provider failure leaves the connection on its old, still valid
 * authentication and returns RSDK_OK; only a connection failure (the
 * connection is then broken) is returned. */
rsdk_status rsdk__client_reauth_if_stale(rsdk_client *c);

/* The same, with the REAUTH_* events sent to `events` (may be NULL) with
 * `source`: a subscriber re-AUTHing its RESP3 connection in-band reports
 * as itself. Pushes read while waiting for the AUTH reply go to the push
 * hook as usual. */
rsdk_status rsdk__client_reauth_as(rsdk_client *c, rsdk_events *events, const void *source);

/* True when `name` (len bytes, any case) is in the built-in list of
 * commands without side effects that a retry may repeat (client_readonly.c). */
bool rsdk__command_readonly(const char *name, size_t len);

/* Deep copy of client options for a pool (client_opts.c): every string is
 * copied into allocations `dst` owns, the retry policy (when set) into
 * `*retry` and the TLS options (when set) into `*tls`, which dst->retry and
 * dst->tls then point at. RSDK_ERR_NOMEM leaves nothing allocated.
 * rsdk__client_opts_free releases (and wipes the password); `tls` is the
 * same storage. */
rsdk_status rsdk__client_opts_copy(rsdk_client_opts *dst, rsdk_retry_policy *retry,
                                   rsdk_tls_opts *tls, const rsdk_client_opts *src);
void rsdk__client_opts_free(rsdk_client_opts *o, rsdk_tls_opts *tls);

/* Connects (if needed) and runs the handshake. RSDK_OK or the failure, with
 * c->err filled and the client left broken. */
rsdk_status rsdk__client_connect(rsdk_client *c);

/* Before a command: RSDK_OK when connected (re-AUTHing first when the
 * credentials provider moved on: rsdk__client_reauth_if_stale); reconnects
 * a broken client when opts.reconnect, else RSDK_ERR_BROKEN. */
rsdk_status rsdk__client_ready(rsdk_client *c);

/* Closes the connection after a failure so nothing more is read from it.
 * Returns `s`. */
rsdk_status rsdk__client_break(rsdk_client *c, rsdk_status s);

/* Writes `len` bytes; breaks the connection on failure. Sets
 * c->request_sent. */
rsdk_status rsdk__client_write(rsdk_client *c, const char *p, size_t len);

/* Reads the next reply (server errors are RSDK_REPLY_ERROR nodes, not
 * failures). RESP3 pushes go to the push handler unless push_as_reply.
 * Breaks the connection on any failure. */
rsdk_status rsdk__client_read_reply(rsdk_client *c, rsdk_reply **out);

/* One argument of an encoded command (client_cmdview.c). */
typedef struct rsdk__arg {
    const char *p;
    size_t len;
} rsdk__arg;

/* What the client reads of a command it sends: its first arguments (the
 * name first), their count and the last one. */
#define RSDK__CMD_VIEW_ARGS 16
typedef struct rsdk__cmd_view {
    rsdk__arg arg[RSDK__CMD_VIEW_ARGS]; /* arg[0..min(argc, 16)) */
    size_t argc;                        /* every argument, name included */
    rsdk__arg last;                     /* the last argument */
} rsdk__cmd_view;

/* Reads the command at *pos of p[0..len) (a RESP array of bulk strings, as
 * the writer makes them) and moves past it. False when the bytes are not
 * that shape (hand-made input): the caller then assumes the worst. */
bool rsdk__cmd_next(const char *p, size_t len, size_t *pos, rsdk__cmd_view *v);

/* The first command's name alone, cheaply (a pipeline's commit). */
bool rsdk__cmd_peek_name(const char *p, size_t len, rsdk__arg *name);

/* True when a command named `name` may leave session state on the
 * connection (MULTI, WATCH, SUBSCRIBE, SELECT, AUTH, CLIENT ...): what the
 * client tracks (client_call.c). */
bool rsdk__name_may_change_state(const rsdk__arg *name);

/* The first command's name and first argument only (arg[0], arg[1] when
 * argc > 1; `last` is not set): what session tracking needs of a lone
 * command, without walking the rest of it. */
bool rsdk__cmd_head(const char *p, size_t len, rsdk__cmd_view *v);

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

/* After a wait timed out under a deadline: says so in c->err. Returns s. */
rsdk_status rsdk__deadline_timeout(rsdk_client *c, rsdk_status s);

/* How long the blocking command encoded at data[0..len) may block the
 * connection, from its own timeout argument: -1 when it does not block
 * (or is not a blocking command), 0 when it blocks forever, else
 * milliseconds. For a buffer holding several commands, the sum; 0 if any
 * blocks forever (client_blocking.c). */
long long rsdk__command_block_ms(const char *data, size_t len);

/* False when the first command at data[0..len) surely does not block (its
 * name starts with no letter a blocking command starts with): a cheap look
 * at one name, for single commands and for the pipeline's queue. */
bool rsdk__command_may_block(const char *data, size_t len);

/* The same test on a command name. */
bool rsdk__name_may_block(const rsdk__arg *name);

/* Whether `name` is in that table, and its i-th entry (NULL past the end):
 * for the test that keeps the table in step with the specs. */
bool rsdk__blocking_known(const char *name);
const char *rsdk__blocking_name(size_t i);

/* The handshake on a fresh connection (handshake.c): HELLO or the RESP2
 * sequence, then SELECT. Sets c->protocol. */
rsdk_status rsdk__handshake(rsdk_client *c);

#endif
