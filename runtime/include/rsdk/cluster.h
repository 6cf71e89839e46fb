/* rsdk/cluster.h — a Redis Cluster client over per-node connection pools.
 *
 * An rsdk_cluster learns the slot map from CLUSTER SHARDS (CLUSTER SLOTS on
 * servers without it), keeps one rsdk_pool per node, and sends every
 * command to the node that owns its keys' slot. Key positions come from the
 * generated command metadata (rsdk/command_meta.h) of the modules the
 * caller registers, so every generated command of every module routes
 * without hand-written tables. MOVED, ASK, TRYAGAIN, CLUSTERDOWN and
 * LOADING are handled inside; multi-key commands whose keys span slots are
 * refused before sending (RSDK_ERR_CROSSSLOT) unless their command tips
 * make them splittable (MGET, MSET, DEL, UNLINK, EXISTS, TOUCH); keyless
 * commands fan out as their REQUEST_POLICY/RESPONSE_POLICY tips say.
 * See docs/cluster.md.
 *
 * A cluster handle is thread-safe: any number of threads may call into it
 * at once. The calls are synchronous; rsdk/async_cluster.h routes commands
 * on an event loop with the same slot map and tables. */
#ifndef RSDK_CLUSTER_H
#define RSDK_CLUSTER_H

#include "rsdk/buf.h"
#include "rsdk/client.h"
#include "rsdk/common.h"
#include "rsdk/error.h"
#include "rsdk/reply.h"
#include "rsdk/retry.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rsdk_command_meta; /* rsdk/command_meta.h (generated modules) */

/* One module's command table, as every generated module publishes it:
 * {rcore_commands, rcore_commands_count}. Borrowed (generated tables are
 * static). */
typedef struct rsdk_command_table {
    const struct rsdk_command_meta *commands;
    size_t count;
} rsdk_command_table;

/* Where read-only commands go (docs/cluster.md). A command is a read when
 * its generated metadata carries the READONLY flag; every other command
 * goes to the slot's primary. Replica connections get READONLY in the same
 * write as each read, so a reconnected one needs nothing else. The
 * pipeline object (rsdk_cluster_pipeline_new) sends a shard's reads of one
 * exec to one node picked so; rsdk_cluster_send_encoded, a pipeline queue
 * with a MULTI ... EXEC, fan-out or multi-key command, fan-out and
 * rsdk_cluster_acquire use primaries. */
typedef enum rsdk_read_from {
    RSDK_READ_PRIMARY = 0,    /* every command to the slot's primary (default) */
    RSDK_READ_PREFER_REPLICA, /* reads to one of the slot's replicas (chosen at
                               * random), to the primary when it has none */
    RSDK_READ_ROUND_ROBIN,    /* reads to the slot's primary and replicas in turn */
} rsdk_read_from;

/* Cluster configuration. Initialise with rsdk_cluster_opts_init(); borrowed
 * for the duration of rsdk_cluster_open() (copied inside) unless a field
 * says otherwise. New fields are appended, never reordered. */
typedef struct rsdk_cluster_opts {
    const char *const *seeds;  /* URLs of one or more nodes to learn the
                                * topology from ("redis://127.0.0.1:7000");
                                * user, password, protocol and TLS of the
                                * first seed apply to every node */
    size_t nseeds;
    const rsdk_client_opts *client; /* how each node connection is opened
                                * (timeouts, TLS files, credentials, events);
                                * NULL: rsdk_client_opts_init() defaults;
                                * host, port and unix_path are ignored, db
                                * must be 0 */
    const rsdk_command_table *tables; /* command metadata used for routing;
                                * borrowed for the cluster's life (generated
                                * tables are static) */
    size_t ntables;
    int pool_max_size;         /* connections per node at most; default 8 */
    int refresh_interval_ms;   /* the slot map is reloaded by the first call
                                * after this long; default 30000; 0 = only on
                                * MOVED and connection errors */
    int max_redirects;         /* MOVED/ASK hops for one command; default 5 */
    const rsdk_retry_policy *retry; /* backoff between attempts on TRYAGAIN,
                                * CLUSTERDOWN, LOADING and connection errors
                                * (copied); NULL: rsdk_retry_policy_init();
                                * attempts always end at the caller's
                                * deadline (client->command_timeout_ms) */
    rsdk_read_from read_from;  /* default RSDK_READ_PRIMARY */
} rsdk_cluster_opts;

/* Counters, for monitoring and tests. */
typedef struct rsdk_cluster_stats {
    uint64_t refreshes;    /* slot maps loaded */
    uint64_t moved;        /* MOVED redirects followed */
    uint64_t ask;          /* ASK redirects followed */
    uint64_t retries;      /* attempts repeated after TRYAGAIN, CLUSTERDOWN,
                            * LOADING or a connection error */
    size_t nodes;          /* nodes known (with a pool) */
    size_t primaries;      /* primaries in the current slot map */
} rsdk_cluster_stats;

typedef struct rsdk_cluster rsdk_cluster; /* opaque */

/* Sets every default. */
RSDK_API void rsdk_cluster_opts_init(rsdk_cluster_opts *o);

/* Hash slot (0..16383) of a key: CRC16 of the key, or of the part between
 * the first '{' and the next '}' when that part is not empty (hash tags).
 * Pure. */
RSDK_API unsigned rsdk_cluster_keyslot(const char *key, size_t len);

/* Opens a cluster: loads the slot map from the seeds (the first that
 * answers). On failure *out is untouched and `err` (may be NULL) says why:
 * RSDK_ERR_INVALID_ARG (no seeds, db != 0, bad options), RSDK_ERR_URL,
 * RSDK_ERR_NOMEM, or the last seed's failure (RSDK_ERR_CONNECT, ...). */
RSDK_API rsdk_status rsdk_cluster_open(const rsdk_cluster_opts *o, rsdk_cluster **out,
                                       rsdk_error *err);

/* Closes every node pool and frees the cluster. Accepts NULL. No thread may
 * be inside a cluster call. */
RSDK_API void rsdk_cluster_close(rsdk_cluster *cl);

/* Reloads the slot map now. Concurrent reloads are collapsed into one:
 * a caller that finds one running waits for it and shares its result.
 * RSDK_OK, or the failure of the last node asked. Thread-safe. */
RSDK_API rsdk_status rsdk_cluster_refresh(rsdk_cluster *cl, rsdk_error *err);

/* Sends one command where it belongs and waits for its reply, following
 * redirects and retrying as docs/cluster.md says. On RSDK_OK *out is the
 * reply (caller frees; for a fan-out command, the aggregate). A server
 * error reply is returned as its code with *out untouched and `err` (may
 * be NULL) filled; RSDK_ERR_CROSSSLOT when the keys span slots (nothing is
 * sent); RSDK_ERR_INVALID_ARG for a command no registered table knows.
 * Thread-safe. */
RSDK_API rsdk_status rsdk_cluster_command_argv(rsdk_cluster *cl, size_t argc,
                                               const char *const *argv, const size_t *argvlen,
                                               rsdk_reply **out, rsdk_error *err);

/* Convenience: arguments are C strings, terminated by NULL. */
RSDK_API rsdk_status rsdk_cluster_command(rsdk_cluster *cl, rsdk_reply **out, rsdk_error *err,
                                          const char *arg0, ...) RSDK_SENTINEL;

/* A pipeline: `ncmds` commands already encoded in `encoded` (generated
 * encoders, rsdk_write_command). They are grouped per node, each group
 * sent in one write, and replies[0..ncmds) filled in the caller's order.
 * Server errors stay in their slots as RSDK_REPLY_ERROR nodes; a command
 * answered MOVED or ASK is sent again alone to its new owner (it did not
 * run), the others are not touched. A command that cannot be routed
 * (CROSSSLOT, unknown command) gets an error node in its slot and is not
 * sent. Returns RSDK_OK when every slot holds a reply; otherwise the first
 * failure (connection, memory), with unanswered slots NULL. The caller
 * frees each non-NULL reply. Thread-safe. */
RSDK_API rsdk_status rsdk_cluster_send_encoded(rsdk_cluster *cl, const rsdk_buf *encoded,
                                               size_t ncmds, rsdk_reply **replies,
                                               rsdk_error *err);

/* A pipeline object on the cluster, as a client's (rsdk/client.h): queue
 * with the generated <prefix>X_queue functions of any module or
 * rsdk_pipeline_append_argv, then rsdk_pipeline_exec, rsdk_pipeline_reply,
 * rsdk_pipeline_reply_count, rsdk_pipeline_free. An exec sends the queue
 * as rsdk_cluster_send_encoded does (same grouping, order, redirects and
 * MULTI/EXEC rules; docs/cluster.md "Pipelines") and empties it for the
 * next; an exec of an empty queue is RSDK_OK with no replies. The
 * pipeline has no client: its failures are described by
 * rsdk_pipeline_error(p). In transaction mode (rsdk/txn.h) each exec
 * goes as MULTI ... EXEC to the primary that owns its keys' slot, with a
 * client's transaction's results; keys in several slots are refused
 * before sending (RSDK_ERR_CROSSSLOT), and a MOVED inside answers
 * RSDK_ERR_EXECABORT (nothing ran) after which the map is reloaded
 * (docs/cluster.md). `cl` is borrowed and must outlive the pipeline; one
 * pipeline is used by one thread at a time (several pipelines may share
 * `cl`). RSDK_ERR_INVALID_ARG for a NULL `cl` or `out`, RSDK_ERR_NOMEM;
 * on failure *out is untouched and `err` (may be NULL) says why. */
RSDK_API rsdk_status rsdk_cluster_pipeline_new(rsdk_cluster *cl, rsdk_pipeline **out,
                                               rsdk_error *err);

/* The slot a command routes by: RSDK_OK with *slot in 0..16383, or -1 for a
 * command without keys; RSDK_ERR_CROSSSLOT (the message names the keys'
 * slots) when its keys span slots; RSDK_ERR_INVALID_ARG for an unknown
 * command. Nothing is sent. Thread-safe. */
RSDK_API rsdk_status rsdk_cluster_command_slot(rsdk_cluster *cl, size_t argc,
                                               const char *const *argv, const size_t *argvlen,
                                               int *slot, rsdk_error *err);

/* "host:port" of the primary that owns `slot` in the current map, copied
 * into buf (NUL-terminated, cut to size). RSDK_ERR_INVALID_ARG for a slot
 * out of range or no owner known. Thread-safe. */
RSDK_API rsdk_status rsdk_cluster_slot_owner(rsdk_cluster *cl, unsigned slot, char *buf,
                                             size_t size);

/* Borrows a connection to the primary that owns `slot`, for what must run
 * on one connection: MULTI/EXEC, WATCH, blocking pops (rsdk/txn.h works on
 * it). Release it with rsdk_cluster_release. On failure *out is untouched.
 * Thread-safe. */
RSDK_API rsdk_status rsdk_cluster_acquire(rsdk_cluster *cl, unsigned slot, rsdk_client **out,
                                          rsdk_error *err);

/* Gives back a connection from rsdk_cluster_acquire. A NULL `c` is RSDK_OK;
 * RSDK_ERR_INVALID_ARG when `c` did not come from `cl`. Thread-safe. */
RSDK_API rsdk_status rsdk_cluster_release(rsdk_cluster *cl, rsdk_client *c);

/* A cluster-wide SCAN: the primaries one after another, in slot order.
 * Initialise with rsdk_cluster_scan_init(); plain data. */
typedef struct rsdk_cluster_scan {
    unsigned next_slot;  /* first slot of the shard being scanned */
    char cursor[24];     /* that node's SCAN cursor ("0" to start) */
    bool done;           /* every shard scanned */
} rsdk_cluster_scan;

/* Starts a scan. */
RSDK_API void rsdk_cluster_scan_init(rsdk_cluster_scan *s);

/* One SCAN step on the current shard with MATCH `match` (NULL: none) and
 * COUNT `count` (0: none). On RSDK_OK *keys is an array reply of the keys
 * found (caller frees; may be empty) and `s` has moved on; s->done says the
 * scan is over. A key may be returned twice when its slot moves during the
 * scan (as with SCAN on one server). Thread-safe (on distinct `s`). */
RSDK_API rsdk_status rsdk_cluster_scan_next(rsdk_cluster *cl, rsdk_cluster_scan *s,
                                            const char *match, size_t count, rsdk_reply **keys,
                                            rsdk_error *err);

/* Fills *out with the current counters. Thread-safe. */
RSDK_API void rsdk_cluster_stats_get(rsdk_cluster *cl, rsdk_cluster_stats *out);

#ifdef __cplusplus
}
#endif
#endif
