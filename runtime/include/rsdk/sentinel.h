/* rsdk/sentinel.h — a client for a primary/replica set managed by Redis
 * Sentinel.
 *
 * An rsdk_sentinel asks a list of sentinels for the address of the primary
 * named `master_name` (SENTINEL GET-MASTER-ADDR-BY-NAME: the first sentinel
 * that answers is asked first from then on), checks with ROLE that the node
 * really is a primary, and keeps one rsdk_pool to it. It follows failovers:
 * a background thread subscribes to +switch-master on a sentinel, and a
 * connection failure or a READONLY reply makes the next call ask the
 * sentinels again. Reads may go to replicas (SENTINEL REPLICAS, skipping
 * those flagged s_down, o_down or disconnected). Sentinels have their own
 * connection options (AUTH, TLS), apart from the data nodes'.
 * See docs/sentinel.md.
 *
 * A sentinel handle is thread-safe: any number of threads may call into it
 * at once. The calls are synchronous; rsdk/async_sentinel.h follows the
 * same handle on an event loop. */
#ifndef RSDK_SENTINEL_H
#define RSDK_SENTINEL_H

#include "rsdk/client.h"
#include "rsdk/common.h"
#include "rsdk/error.h"
#include "rsdk/reply.h"
#include "rsdk/retry.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which node a call or a connection is for. */
typedef enum rsdk_sentinel_role {
    RSDK_SENTINEL_PRIMARY = 0, /* the current primary */
    RSDK_SENTINEL_REPLICA,     /* a healthy replica, round-robin; the primary
                                * when there is none */
} rsdk_sentinel_role;

/* Configuration. Initialise with rsdk_sentinel_opts_init(); borrowed for
 * the duration of rsdk_sentinel_open() (copied inside) unless a field says
 * otherwise. New fields are appended, never reordered. */
typedef struct rsdk_sentinel_opts {
    const char *const *sentinels; /* "host:port" of each sentinel
                                * ("127.0.0.1:26379", "[::1]:26379") */
    size_t nsentinels;
    const char *master_name;   /* the name the sentinels monitor */
    const rsdk_client_opts *sentinel_client; /* how sentinel connections are
                                * opened: timeouts, username/password for
                                * sentinel AUTH, TLS; NULL: defaults (no
                                * AUTH, plain TCP); host, port, unix_path and
                                * db are ignored */
    const rsdk_client_opts *client; /* how data-node connections are opened
                                * (credentials, TLS, db, protocol, timeouts,
                                * events); NULL: defaults; host, port and
                                * unix_path are ignored. Its command_timeout_ms
                                * bounds a whole call, failover waits
                                * included */
    int pool_max_size;         /* connections per data node at most; default 8 */
    const rsdk_retry_policy *retry; /* backoff between attempts while no
                                * usable primary is known (copied); NULL:
                                * rsdk_retry_policy_init(); attempts end at
                                * the caller's deadline */
    bool watch;                /* default true: a thread subscribes to
                                * +switch-master on a sentinel and switches
                                * at once; false: only calls that fail ask
                                * the sentinels again */
} rsdk_sentinel_opts;

/* Counters, for monitoring and tests. */
typedef struct rsdk_sentinel_stats {
    uint64_t discoveries;   /* times the sentinels were asked for the primary */
    uint64_t switches;      /* primary address changes followed */
    uint64_t role_mismatch; /* named primaries that said they were replicas */
    uint64_t retries;       /* calls attempted again (nothing had been sent) */
    uint64_t events;        /* +switch-master messages received */
} rsdk_sentinel_stats;

typedef struct rsdk_sentinel rsdk_sentinel; /* opaque */

/* Sets every default. */
RSDK_API void rsdk_sentinel_opts_init(rsdk_sentinel_opts *o);

/* Opens a sentinel client: finds the primary (the sentinels in order, the
 * first that answers) and checks its ROLE. On failure *out is untouched and
 * `err` (may be NULL) says why: RSDK_ERR_INVALID_ARG (no sentinels, a NULL
 * or empty master name, a malformed "host:port", bad sizes; nothing is
 * sent), RSDK_ERR_NOMEM, RSDK_ERR_CONNECT (no sentinel answered; the
 * message names the sentinels tried), RSDK_ERR_AUTH (no sentinel answered
 * and one refused the sentinel_client login; or the primary refused the
 * client login: the message names the node), RSDK_ERR_MASTERDOWN
 * (sentinels answered but none named a primary that says it is one), or
 * the primary's connection failure. */
RSDK_API rsdk_status rsdk_sentinel_open(const rsdk_sentinel_opts *o, rsdk_sentinel **out,
                                        rsdk_error *err);

/* Stops the watch thread, closes every pool and frees. Accepts NULL. No
 * thread may be inside a call and every acquired client must be released. */
RSDK_API void rsdk_sentinel_close(rsdk_sentinel *s);

/* Sends one command to the primary (or a replica) and waits for its reply.
 * On RSDK_OK *out is the reply (caller frees). A server error reply is
 * returned as its code with *out untouched and `err` (may be NULL) filled.
 * During a failover: a command refused without running (READONLY from a
 * demoted primary, NOREPLICAS, MASTERDOWN, LOADING) or never sent (connect
 * refused, pool exhausted) is tried again, after asking the sentinels,
 * until the deadline (client->command_timeout_ms); a command whose bytes
 * may have reached a server that then failed is never sent again: it
 * fails with that connection error (RSDK_ERR_EOF, RSDK_ERR_IO,
 * RSDK_ERR_TIMEOUT) and the next call goes to the new primary.
 * Thread-safe. */
RSDK_API rsdk_status rsdk_sentinel_command_argv(rsdk_sentinel *s, rsdk_sentinel_role role,
                                                size_t argc, const char *const *argv,
                                                const size_t *argvlen, rsdk_reply **out,
                                                rsdk_error *err);

/* Convenience: to the primary; arguments are C strings, terminated by NULL. */
RSDK_API rsdk_status rsdk_sentinel_command(rsdk_sentinel *s, rsdk_reply **out, rsdk_error *err,
                                           const char *arg0, ...) RSDK_SENTINEL;

/* Borrows a connection to the primary (or a replica) for what must run on
 * one connection (MULTI/EXEC, WATCH, pipelines, generated typed calls).
 * Release it with rsdk_sentinel_release. The connection does not follow a
 * failover by itself: after a connection error or READONLY, release it and
 * acquire again. On failure *out is untouched. Thread-safe. */
RSDK_API rsdk_status rsdk_sentinel_acquire(rsdk_sentinel *s, rsdk_sentinel_role role,
                                           rsdk_client **out, rsdk_error *err);

/* Gives back a connection from rsdk_sentinel_acquire. A NULL `c` is
 * RSDK_OK; RSDK_ERR_INVALID_ARG when `c` did not come from `s`. A failed
 * call on it (connection error, READONLY) makes the next call ask the
 * sentinels again. Thread-safe. */
RSDK_API rsdk_status rsdk_sentinel_release(rsdk_sentinel *s, rsdk_client *c);

/* Asks the sentinels for the primary now (and checks its ROLE); concurrent
 * refreshes are collapsed into one. RSDK_OK, or as rsdk_sentinel_open.
 * Thread-safe. */
RSDK_API rsdk_status rsdk_sentinel_refresh(rsdk_sentinel *s, rsdk_error *err);

/* "host:port" of the current primary, copied into buf (NUL-terminated,
 * cut to size); RSDK_ERR_MASTERDOWN when none is known. Thread-safe. */
RSDK_API rsdk_status rsdk_sentinel_primary(rsdk_sentinel *s, char *buf, size_t size);

/* Fills *out with the current counters. Thread-safe. */
RSDK_API void rsdk_sentinel_stats_get(rsdk_sentinel *s, rsdk_sentinel_stats *out);

#ifdef __cplusplus
}
#endif
#endif
