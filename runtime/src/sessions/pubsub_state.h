/* pubsub_state.h — the subscriber's state and the internal calls shared by
 * pubsub*.c. */
#ifndef RSDK_SRC_PUBSUB_IMPL_H
#define RSDK_SRC_PUBSUB_IMPL_H

#include "client_api.h"
#include "client_io.h"
#include "client_session.h"
#include "rsdk/pubsub.h"

/* A set of binary-safe names (pubsub_set.c): open addressing with linear
 * probing; the names are owned copies. */
typedef struct rsdk__psname {
    char *ptr; /* NULL: empty slot */
    size_t len;
    uint64_t hash;
} rsdk__psname;

typedef struct rsdk__psset {
    rsdk__psname *slot;
    size_t cap; /* 0 or a power of two */
    size_t count;
} rsdk__psset;

/* 1 when added, 0 when already there, RSDK_ERR_NOMEM as -1. */
int rsdk__psset_add(rsdk__psset *s, const char *p, size_t len);
/* True when it was there. */
bool rsdk__psset_remove(rsdk__psset *s, const char *p, size_t len);
void rsdk__psset_free(rsdk__psset *s);

/* Subscription kinds index sets[] and name the commands. */
enum { PS_CHANNEL = 0, PS_PATTERN = 1, PS_SHARD = 2, PS_KINDS = 3 };

struct rsdk_pubsub {
    rsdk_client *c;
    rsdk_events *events;
    int ping_interval_ms;
    int reply_timeout_ms;
    bool reconnect;
    rsdk_backoff backoff;
    char endpoint[160]; /* for events */

    rsdk__psset sets[PS_KINDS]; /* what to (re)subscribe */

    /* Received messages not yet handed out: a ring of owned replies. */
    rsdk_reply **q;
    size_t qhead, qlen, qcap;

    uint64_t synced_connects; /* c->connects when the subscriptions were
                               * last restored (or first set up) */
    bool announced;           /* CONNECTED emitted for this connection */
    long long next_attempt_ms; /* when a broken connection may be retried */
    uint32_t attempts;        /* reconnect attempts since the last success */
    uint32_t last_delay_ms;

    long long last_io_ms;     /* last traffic either way, for the keepalive */
    long long ping_sent_ms;
    unsigned pings_out;       /* PINGs not yet answered */
    size_t confirms_wanted;   /* confirmations owed to the operation running */
    size_t sunsub_wanted;     /* of those, SUNSUBSCRIBE confirmations: any
                               * other "sunsubscribe" is the server's own */
    rsdk__psset moved;        /* shard channels the server dropped (slot
                               * moved), for rsdk__pubsub_pop_moved */
    rsdk_reply *op_error;     /* error reply that ended that operation */
    int64_t client_id;

    bool tracking;            /* rsdk_pubsub_track is on */
    char **track_args;
    size_t ntrack;

    /* Credential rotation (pubsub_auth.c, pubsub_handover.c). */
    int wake[2];              /* self-pipe written by the provider listener so
                               * a wait in rsdk_pubsub_next ends at once; -1
                               * without a provider */
    uint64_t cred_listener;   /* provider subscription id; 0: none */
    char marker[48];          /* RESP2 handover channel, one per subscriber */
    size_t marker_len;
    char marker_seq[24];      /* payload of the handover marker awaited */
    size_t marker_seq_len;
    uint64_t handovers;       /* RESP2 handovers started (the marker payload) */
    int handover;             /* PS_HO_*: how messages meet the marker */
    bool marker_seen;         /* the awaited marker arrived */

    rsdk_pubsub_stats stats;
    rsdk_error err;
};

/* Handover phases: what a message on the current connection means while a
 * RESP2 subscriber moves to a connection logged in with new credentials. */
enum {
    PS_HO_NONE = 0, /* no handover: every message counts */
    PS_HO_DRAIN,    /* the old connection: messages count up to the marker */
    PS_HO_SKIP,     /* the new connection: messages before the marker came
                     * on the old one too, so they are dropped */
};

/* Takes over one reply that arrived on the subscriber's connection
 * (message, confirmation, PONG, invalidation, error) and files it. */
void rsdk__ps_take(rsdk_pubsub *ps, rsdk_reply *r);

/* Waits up to wait_ms (negative: no limit) for the next reply and files it.
 * RSDK_OK when one was filed, RSDK_ERR_TIMEOUT when none came (the
 * connection stays), else the connection failure (then broken). */
rsdk_status rsdk__ps_pump(rsdk_pubsub *ps, int wait_ms);

/* Writes encoded commands; a failure breaks the connection. */
rsdk_status rsdk__ps_send(rsdk_pubsub *ps, const rsdk_buf *b);

/* Waits until the running operation got all its confirmations (or an
 * error reply) within the reply timeout. A missing confirmation breaks the
 * connection (RSDK_ERR_TIMEOUT). */
rsdk_status rsdk__ps_await(rsdk_pubsub *ps);

/* Makes sure the connection is up and every subscription is in place:
 * reconnects (when allowed and due; `force` ignores the backoff delay,
 * otherwise waits for it up to `deadline_ms`, -1 = no limit) and restores
 * subscriptions and tracking. RSDK_OK, RSDK_ERR_TIMEOUT (deadline before the
 * next attempt), or the failure of the attempt. */
rsdk_status rsdk__ps_ensure(rsdk_pubsub *ps, long long deadline_ms, bool force);

/* The connection is up with everything subscribed: CONNECTED. */
void rsdk__ps_announce(rsdk_pubsub *ps);

/* After the connection broke with `cause`: DISCONNECTED, and a reconnect
 * is due at once. */
void rsdk__ps_lost(rsdk_pubsub *ps, rsdk_status cause);

/* Sends a keepalive PING when the connection has been idle long enough;
 * breaks it when a PING went unanswered for the reply timeout. */
rsdk_status rsdk__ps_keepalive(rsdk_pubsub *ps);

/* Milliseconds until rsdk__ps_keepalive has work (-1: none pending). */
int rsdk__ps_keepalive_due(const rsdk_pubsub *ps);

/* RESP3: reads until every keepalive PING is answered, so the next
 * ordinary command on the connection gets its own reply. */
rsdk_status rsdk__ps_settle(rsdk_pubsub *ps);

/* Names per SUBSCRIBE-family command: keeps each command small. */
#define PS_CHUNK 512

/* Appends SUBSCRIBE-family commands for names (one per PS_CHUNK) to `b`. */
void rsdk__ps_encode(rsdk_buf *b, const char *cmd, const rsdk_str *names, size_t n);

/* Appends commands re-subscribing everything in the sets; returns the
 * number of confirmations they will bring. */
size_t rsdk__ps_encode_all(rsdk_pubsub *ps, rsdk_buf *b);

/* Push hook installed on the subscriber's client (RESP3 pushes during
 * ordinary commands) and on clients with an invalidation handler. */
bool rsdk__ps_push_hook(rsdk_client *c, rsdk_reply *push);
bool rsdk__inval_push_hook(rsdk_client *c, rsdk_reply *push);

/* If `r` is an invalidation notice (RESP3 "invalidate" push, or a message
 * on __redis__:invalidate) and `c` has a handler: calls it, frees `r`,
 * returns true. */
bool rsdk__inval_take(rsdk_client *c, rsdk_reply *r);

/* Sends CLIENT TRACKING ON with the saved arguments (RESP3) on a fresh
 * connection, before anything else is owed. */
rsdk_status rsdk__ps_track_restore(rsdk_pubsub *ps);

/* Same as rsdk__ps_pump, but a credentials change (the provider's
 * listener writes the wake pipe) also ends the wait, as RSDK_ERR_TIMEOUT
 * with nothing filed: for rsdk_pubsub_next's idle wait only. */
rsdk_status rsdk__ps_pump_wakeable(rsdk_pubsub *ps, int wait_ms);

/* With a credentials provider: creates the wake pipe and subscribes to the
 * provider's changes. RSDK_OK (also without a provider), RSDK_ERR_IO (no
 * pipe), RSDK_ERR_NOMEM. rsdk__ps_cred_unwatch undoes it (idempotent). */
rsdk_status rsdk__ps_cred_watch(rsdk_pubsub *ps);
void rsdk__ps_cred_unwatch(rsdk_pubsub *ps);

/* When the provider's generation moved past the connection's login (and
 * that generation has not already failed): RESP3 re-AUTHs in-band, RESP2
 * hands over to a new connection (rsdk__ps_handover). REAUTH_* events go
 * to the subscriber's dispatcher. Only a failure of the subscriber's
 * connection is returned (it is then broken); a refused or unavailable
 * secret is an event, and the connection stays on its old login. */
rsdk_status rsdk__ps_reauth(rsdk_pubsub *ps);

/* RESP2: opens a connection with the provider's current credentials,
 * subscribes it to the whole set, and moves over without losing or
 * repeating a message (a marker published on a channel of the subscriber's
 * own tells where the old stream ends and the new one starts); see
 * pubsub_handover.c. Emits REAUTH_REQUIRED and _SUCCEEDED or _FAILED for
 * `gen`. Returns like rsdk__ps_reauth. */
rsdk_status rsdk__ps_handover(rsdk_pubsub *ps, uint64_t gen);

/* Picks the marker channel name (once, at creation). */
void rsdk__ps_marker_init(rsdk_pubsub *ps);

/* Takes a well-formed message or pmessage `r` when it belongs to a
 * handover (on the marker channel, or to be skipped): frees it, returns
 * true. */
bool rsdk__ps_marker_take(rsdk_pubsub *ps, rsdk_reply *r);

/* Runs one command on the subscriber's connection and returns its reply
 * (pushes that arrive meanwhile are filed). Only while nothing else is
 * owed. */
rsdk_status rsdk__ps_command(rsdk_pubsub *ps, size_t argc, const char *const *argv, rsdk_reply **out);

#endif
