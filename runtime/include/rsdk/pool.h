/* rsdk/pool.h — a thread-safe pool of sync clients.
 *
 * Threads borrow a connection (an rsdk_client) with rsdk_pool_acquire, use it
 * alone, and give it back with rsdk_pool_release; or let rsdk_pool_command
 * do all three. The pool opens connections on demand up to max_size, makes
 * acquirers wait (up to a deadline) when all are out, checks idle
 * connections before handing them out, closes connections left in a state
 * the next user must not inherit (MULTI, WATCH, pub/sub, SELECT, unread
 * replies, broken), and re-authenticates connections when the credentials
 * provider says the credentials changed. See docs/pooling.md. */
#ifndef RSDK_POOL_H
#define RSDK_POOL_H

#include "rsdk/client.h"
#include "rsdk/common.h"
#include "rsdk/error.h"
#include "rsdk/events.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Pool configuration. Initialise with rsdk_pool_opts_init(); new fields are
 * appended, never reordered (docs/abi.md). */
typedef struct rsdk_pool_opts {
    const rsdk_client_opts *client; /* how each connection is opened; NULL
                               * (default): rsdk_client_opts_init defaults.
                               * Deep-copied by rsdk_pool_new (strings, TLS
                               * options and the retry policy); its events and
                               * credentials stay borrowed and must outlive the
                               * pool. A pointer, so that rsdk_client_opts can
                               * grow without moving the fields below. */
    int max_size;             /* connections open or opening at most; default 8 */
    int min_idle;             /* opened by rsdk_pool_new and never closed for
                               * idleness; default 0; at most max_size */
    int acquire_timeout_ms;   /* how long acquire waits for a connection when
                               * max_size are out; default 5000; 0 = do not
                               * wait; -1 = wait forever */
    int health_check_idle_ms; /* a connection idle at least this long gets a
                               * PING before it is handed out; default 30000;
                               * 0 = always; -1 = never */
    int max_idle_ms;          /* idle connections older than this are closed
                               * (keeping min_idle); default 300000; 0 = never */
    rsdk_events *events;      /* borrowed, may be NULL: POOL_ACQUIRE and
                               * POOL_RELEASE go here; NULL = client->events */
    bool combine_commands;    /* default true: a one-shot command
                               * (rsdk_pool_command) that finds every
                               * connection out rides in the write of
                               * another one-shot command instead of
                               * waiting for a connection of its own
                               * (docs/pooling.md, "Combined commands");
                               * false: it waits in line like an acquire */
} rsdk_pool_opts;

/* Counters, for monitoring and tests. A snapshot taken under the pool's lock. */
typedef struct rsdk_pool_stats {
    size_t open;             /* connections open or being opened */
    size_t idle;             /* of which waiting in the pool */
    size_t in_use;           /* of which handed out (or being checked) */
    size_t waiting;          /* threads blocked in acquire */
    uint64_t created;        /* connections opened successfully, ever */
    uint64_t discarded;      /* connections closed as broken, dirty or stale */
    uint64_t exhausted;      /* acquires that timed out */
    uint64_t reauths;        /* re-AUTHs the pool ran (idle or on release) */
    uint64_t combined;       /* one-shot commands that rode in another
                              * thread's write (combine_commands) */
} rsdk_pool_stats;

typedef struct rsdk_pool rsdk_pool; /* opaque */

/* Sets every default; `client` is NULL (the client defaults). */
RSDK_API void rsdk_pool_opts_init(rsdk_pool_opts *o);

/* Creates a pool and opens `min_idle` connections. On failure *out is
 * untouched and `err` (may be NULL) says why: RSDK_ERR_INVALID_ARG (bad
 * sizes, bad client options), RSDK_ERR_NOMEM, or the failure to open one of
 * the min_idle connections (RSDK_ERR_CONNECT, RSDK_ERR_AUTH, ...). With
 * min_idle 0 no connection is opened here, so an unreachable server shows
 * only at the first acquire. */
RSDK_API rsdk_status rsdk_pool_new(const rsdk_pool_opts *o, rsdk_pool **out, rsdk_error *err);

/* Closes every connection and frees the pool. Accepts NULL. Every acquired
 * client must have been released and no thread may be inside a pool call;
 * a client still out is closed too (its user must not touch it again). */
RSDK_API void rsdk_pool_free(rsdk_pool *p);

/* Borrows a connection: an idle one (checked first: a connection whose
 * socket is closed or readable is discarded, one idle longer than
 * health_check_idle_ms must answer PING) or a newly opened one when fewer
 * than max_size are open; otherwise waits up to acquire_timeout_ms for a
 * release. On RSDK_OK *out is a client for the calling thread's exclusive
 * use until rsdk_pool_release (not rsdk_client_close). On failure *out is
 * untouched and `err` (may be NULL) says: RSDK_ERR_POOL_EXHAUSTED (the
 * wait timed out), RSDK_ERR_POOL_CLOSED (the pool is being freed), or why a
 * new connection could not be opened (RSDK_ERR_CONNECT, ...). Emits
 * POOL_ACQUIRE with the wait and the status. Thread-safe. */
RSDK_API rsdk_status rsdk_pool_acquire(rsdk_pool *p, rsdk_client **out, rsdk_error *err);

/* Gives a connection back. It is closed instead of kept when it is broken,
 * dirty (left in MULTI, WATCH, pub/sub or MONITOR mode, after SELECT, AUTH
 * or HELLO, with replies still owed) or its credentials are stale and the
 * re-AUTH failed; a connection with stale credentials is re-AUTHed here,
 * before anyone else can take it. Wakes one waiting acquirer. Emits
 * POOL_RELEASE (held time, discarded). Returns RSDK_OK, or
 * RSDK_ERR_INVALID_ARG when `c` was not acquired from `p` (nothing is done
 * then). A NULL `c` is RSDK_OK. Thread-safe. */
RSDK_API rsdk_status rsdk_pool_release(rsdk_pool *p, rsdk_client *c);

/* Acquire, one command, release. When every connection is out and
 * combine_commands is on, a command that neither blocks nor leaves session
 * state instead joins the next write of another thread's one-shot command
 * on its connection and gets its own reply from it (docs/pooling.md);
 * what the caller sees is the same. On RSDK_OK *out is the reply (caller
 * frees). A server error reply is returned as its code with *out untouched;
 * `err` (may be NULL) gets the detail of any failure (acquire, connection,
 * server). Acquire failures that the retry policy of client.retry accepts
 * (RSDK_ERR_POOL_EXHAUSTED, connect failures: nothing was sent) are retried
 * with its backoff; the command itself is retried by the client under the
 * write guarantee (docs/retries.md). The connection is always released, on
 * every path. Thread-safe. */
RSDK_API rsdk_status rsdk_pool_command_argv(rsdk_pool *p, size_t argc, const char *const *argv,
                                            const size_t *argvlen, rsdk_reply **out,
                                            rsdk_error *err);

/* Convenience: arguments are C strings, terminated by NULL. */
RSDK_API rsdk_status rsdk_pool_command(rsdk_pool *p, rsdk_reply **out, rsdk_error *err,
                                       const char *arg0, ...) RSDK_SENTINEL;

/* Fills *out with the current counters. Thread-safe. */
RSDK_API void rsdk_pool_stats_get(rsdk_pool *p, rsdk_pool_stats *out);

#ifdef __cplusplus
}
#endif
#endif
