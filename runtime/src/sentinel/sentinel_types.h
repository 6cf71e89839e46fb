/* Types the sentinel files share (the data nodes, the handle) and the
 * declarations of their rsdk__ functions, each with the file that defines
 * it. A header of its own, owned by no one file: the files form a chain
 * (addr, nap, node -> ask -> discover -> call -> watch -> sentinel),
 * never a circle. */
#ifndef RSDK_SRC_SENTINEL_TYPES_H
#define RSDK_SRC_SENTINEL_TYPES_H

#include <pthread.h>

#include "rsdk/backoff.h"
#include "rsdk/pool.h"
#include "rsdk/sentinel.h"

#define RSDK__SENTINEL_MAX_REPLICAS 16

/* A host and port ("127.0.0.1", 26379). */
typedef struct rsdk__saddr {
    char *host;
    int port;
} rsdk__saddr;

/* A data node: its address and its pool. Counted: the handle's reference
 * (as primary or replica) plus every call and acquired client using it, so
 * a node replaced by a failover is freed by the last one to let go. */
typedef struct rsdk__snode {
    rsdk__saddr addr;
    rsdk_pool *pool;
    int refs; /* under the handle's mu */
} rsdk__snode;

/* A client handed out by rsdk_sentinel_acquire, the node it came from, and
 * its error record then (the record is sticky: only a change tells of a
 * failure during the loan). */
typedef struct rsdk__sout {
    rsdk_client *c;
    rsdk__snode *node;
    rsdk_error at_acquire;
} rsdk__sout;

struct rsdk_sentinel {
    char *name;                   /* the master name */
    rsdk_client_opts sopts;       /* sentinel connections (deep copy) */
    rsdk_tls_opts stls;
    rsdk_client_opts dopts;       /* data-node connections (deep copy) */
    rsdk_tls_opts dtls;
    rsdk_retry_policy copied;     /* storage for the copies' policies */
    rsdk_retry_policy none;       /* every connection: one attempt; this
                                   * layer decides what is tried again */
    rsdk_retry_policy retry;
    int pool_max_size;
    bool watch;

    pthread_mutex_t mu;           /* guards everything below */
    pthread_cond_t changed;       /* a discovery finished, or stop was set */
    rsdk__saddr *sentinels;       /* in the order they are asked */
    size_t nsentinels;
    rsdk__snode *primary;         /* NULL until found */
    bool stale;                   /* a call failed on it: ask before the next */
    rsdk__snode *replicas[RSDK__SENTINEL_MAX_REPLICAS]; /* healthy, round-robin */
    size_t nreplicas, next_replica;
    bool replicas_stale;          /* ask SENTINEL REPLICAS before using them */
    bool discovering;
    uint64_t gen;                 /* discoveries finished */
    rsdk_status last;             /* the last discovery's result */
    rsdk_error last_err;
    rsdk__sout *out;              /* acquired clients */
    size_t nout, capout;
    bool stop;                    /* close: the watch thread ends */
    bool thread_started;
    pthread_t thread;
    rsdk_sentinel_stats stats;
};

/* ---- sentinel_addr.c: "host:port" and the sentinel order ------------------ */

/* Parses "host:port" or "[v6]:port" into `a` (host copied). RSDK_ERR_NOMEM,
 * or RSDK_ERR_INVALID_ARG for a malformed address. */
rsdk_status rsdk__saddr_parse(const char *text, rsdk__saddr *a);

/* Moves sentinel `i` to the front (it answered). Callers hold mu. */
void rsdk__sentinel_promote(rsdk_sentinel *s, size_t i);

/* Copies the sentinel order under mu into a new array (hosts shared: the
 * list's entries are never freed before close). Caller frees the array. */
rsdk_status rsdk__sentinel_order(rsdk_sentinel *s, rsdk__saddr **out, size_t *n);

/* Options for a connection to `a` from a template (retry: none). */
void rsdk__sentinel_opts_for(const rsdk_sentinel *s, const rsdk_client_opts *tmpl,
                             const rsdk__saddr *a, rsdk_client_opts *out);

/* ---- sentinel_node.c: data nodes ------------------------------------------ */

/* Opens a node's pool and checks its ROLE on one connection: "master" when
 * `replica` is false, "slave" otherwise. RSDK_ERR_MASTERDOWN (the message
 * says what it is) when the role differs; the pool's errors otherwise. */
rsdk_status rsdk__snode_open(rsdk_sentinel *s, const char *host, int port, bool replica,
                             rsdk__snode **out, rsdk_error *err);

/* ROLE on an existing node, as above. */
rsdk_status rsdk__snode_check(rsdk_sentinel *s, rsdk__snode *n, bool replica, rsdk_error *err);

/* Drops one reference (callers hold mu); returns the node when that was the
 * last, for rsdk__snode_free outside the lock, else NULL. */
rsdk__snode *rsdk__snode_unref(rsdk__snode *n);
void rsdk__snode_free(rsdk__snode *n);

/* ---- sentinel_ask.c: questions to the sentinels --------------------------- */

/* Asks the sentinels in order "SENTINEL <sub> <master name>" until one
 * gives a non-nil, non-error reply (*out; caller frees), and moves that one
 * to the front. RSDK_ERR_CONNECT when none answered (the message names
 * each sentinel and why), RSDK_ERR_MASTERDOWN when some answered but none
 * knew the master, RSDK_ERR_AUTH when none answered and one refused the
 * login. */
rsdk_status rsdk__sentinel_ask(rsdk_sentinel *s, const char *sub, rsdk_reply **out,
                               rsdk_error *err);

/* ---- sentinel_discover.c -------------------------------------------------- */

/* Finds the primary again unless a discovery finished after generation
 * `seen` (then its result is taken); one at a time, others wait for it. */
rsdk_status rsdk__sentinel_discover(rsdk_sentinel *s, uint64_t seen, rsdk_error *err);

/* The healthy replicas (SENTINEL REPLICAS, ROLE checked), installed. */
rsdk_status rsdk__sentinel_load_replicas(rsdk_sentinel *s, rsdk_error *err);

/* ---- sentinel_watch.c ----------------------------------------------------- */

/* Starts the +switch-master watch thread. */
rsdk_status rsdk__sentinel_watch_start(rsdk_sentinel *s, rsdk_error *err);

/* Sets stop and joins the thread (when started). */
void rsdk__sentinel_watch_stop(rsdk_sentinel *s);

/* ---- sentinel_call.c: calls with failover -------------------------------- */

/* A referenced node for `role` (asking the sentinels first when needed),
 * or NULL with the failure in `err`. */
rsdk__snode *rsdk__sentinel_take(rsdk_sentinel *s, rsdk_sentinel_role role, rsdk_status *st,
                                 rsdk_error *err);

/* Marks `n` as failed: when it is the primary, the next call asks again;
 * when a replica, the replica list is reloaded. */
void rsdk__sentinel_suspect(rsdk_sentinel *s, const rsdk__snode *n);

/* ---- sentinel_nap.c -------------------------------------------------------- */

/* Waits `ms` milliseconds, or less when close() sets stop. Takes mu. */
void rsdk__sentinel_nap(rsdk_sentinel *s, uint32_t ms);

#endif
