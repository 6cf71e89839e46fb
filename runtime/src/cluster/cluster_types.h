/* Types the cluster files share (the node table, the slot map, routing
 * info) and the declarations of their rsdk__ functions, each with the file
 * that defines it. A header of its own, owned by no one file: the files
 * form a chain (slot, resp, clock -> map -> keys, topology -> exec ->
 * fanout -> pipeline, scan, cluster), never a circle. */
#ifndef RSDK_SRC_CLUSTER_TYPES_H
#define RSDK_SRC_CLUSTER_TYPES_H

#include <pthread.h>

#include "clock.h"
#include "rsdk/cluster.h"
#include "rsdk/command_meta.h"
#include "rsdk/pool.h"

#define RSDK__SLOTS 16384
#define RSDK__NO_SHARD 0xFFFFu
#define RSDK__MAX_ARGS_INLINE 8

/* One node: its address and a pool opened on first use. Nodes are never
 * removed while the cluster lives (a node that left keeps an idle pool), so
 * a node pointer stays valid without reference counts. */
typedef struct rsdk__cnode {
    char *host;
    int port;
    size_t index; /* its place in cl->nodes, for tables kept per node */
    rsdk_pool *pool;
} rsdk__cnode;

/* One shard of the slot map: a primary and its replicas (node indices). */
typedef struct rsdk__cshard {
    size_t primary;
    size_t nreplicas;
    size_t replicas[8];
} rsdk__cshard;

/* The slot map: slot -> shard index (RSDK__NO_SHARD: unowned). */
typedef struct rsdk__cmap {
    uint16_t slot[RSDK__SLOTS];
    size_t nshards, capshards;
    rsdk__cshard *shards;
} rsdk__cmap;

/* Command lookup: an open-addressing index over the registered tables. */
typedef struct rsdk__cindex {
    size_t cap; /* power of two */
    const rsdk_command_meta **slots;
} rsdk__cindex;

struct rsdk_cluster {
    rsdk_client_opts copts;     /* per-node template; strings below */
    rsdk_tls_opts tls;          /* copts.tls points here when TLS is on */
    char *username, *password, *client_name, *tls_ca_file, *tls_ca_dir, *tls_cert_file,
        *tls_key_file, *tls_server_name, *tls_min_version, *tls_ciphers, *tls_ciphersuites;
    rsdk_retry_policy node_retry; /* no retries inside a node call: the cluster decides */
    rsdk_retry_policy retry;
    int pool_max_size, refresh_interval_ms, max_redirects;
    rsdk_read_from read_from;
    rsdk__cindex index;

    pthread_mutex_t mu;         /* guards everything below */
    pthread_cond_t refreshed;   /* a refresh finished */
    rsdk__cnode **nodes;
    size_t nnodes, capnodes;
    rsdk__cmap *map;            /* never NULL after open */
    bool refreshing;
    uint64_t refresh_gen;
    long long last_refresh_ms;
    uint64_t rng;               /* xorshift state for random primaries */
    uint64_t read_turn;         /* RSDK_READ_ROUND_ROBIN's counter */
    rsdk_cluster_stats stats;
    void *scratch;              /* a pipeline's work area, kept for the next
                                 * (cluster_pipeline.c) */
};

/* A view of one encoded command: its arguments point into the buffer. */
typedef struct rsdk__carg {
    const char *p;
    size_t len;
} rsdk__carg;

typedef struct rsdk__ccmd {
    const char *data; /* the command's bytes in the encoded buffer */
    size_t len;
    size_t argc;
    rsdk__carg *argv;  /* inline[] or allocated */
    rsdk__carg inline_argv[RSDK__MAX_ARGS_INLINE];
} rsdk__ccmd;

/* How a command is routed, from its metadata and arguments. */
typedef enum rsdk__croute_kind {
    RSDK__ROUTE_SLOT = 1,  /* to the slot's primary */
    RSDK__ROUTE_ANY,       /* keyless: a random primary */
    RSDK__ROUTE_SHARDS,    /* every primary (REQUEST_POLICY:ALL_SHARDS) */
    RSDK__ROUTE_NODES,     /* every node (REQUEST_POLICY:ALL_NODES) */
    RSDK__ROUTE_SPLIT,     /* keys in several slots, splittable (MULTI_SHARD) */
} rsdk__croute_kind;

typedef enum rsdk__cresp {
    RSDK__RESP_DEFAULT = 0, /* none given: arrays concatenated, else all succeeded */
    RSDK__RESP_AGG_SUM,
    RSDK__RESP_AGG_MIN,
    RSDK__RESP_AGG_MAX,
    RSDK__RESP_AGG_AND,
    RSDK__RESP_AGG_OR,
    RSDK__RESP_ALL_SUCCEEDED,
    RSDK__RESP_ONE_SUCCEEDED,
    RSDK__RESP_SPECIAL,
} rsdk__cresp;

typedef struct rsdk__croute {
    rsdk__croute_kind kind;
    int slot;                      /* ROUTE_SLOT */
    bool readonly;                 /* READONLY flag: safe to resend */
    rsdk__cresp resp;
    const rsdk_command_meta *meta;
} rsdk__croute;

/* ---- cluster_resp.c: encoded commands and reply bytes ---------------------- */

/* Parses the command at data[*pos..len) into `cmd` (argv into the buffer).
 * False on malformed input or no memory (`why` says which). */
bool rsdk__ccmd_parse(const char *data, size_t len, size_t *pos, rsdk__ccmd *cmd,
                      rsdk_status *why);
void rsdk__ccmd_deinit(rsdk__ccmd *cmd);

/* Whether the command's name is `name` (any case). */
bool rsdk__ccmd_named(const rsdk__ccmd *c, const char *name);

/* Whether its meaning lives on one connection: MULTI, EXEC, DISCARD,
 * WATCH, UNWATCH (alone, each would land on a connection the next command
 * does not get). */
bool rsdk__ccmd_session(const rsdk__ccmd *c);

/* Appends `r` as RESP3 bytes. Sticky errors as rsdk_buf. */
rsdk_status rsdk__reply_write(rsdk_buf *b, const rsdk_reply *r);

/* Parses exactly one reply from `b`. */
rsdk_status rsdk__reply_from_bytes(const rsdk_buf *b, rsdk_reply **out);

/* An error reply with `text`, built as a server would send it. */
rsdk_status rsdk__reply_error(const char *text, rsdk_reply **out);

/* ---- cluster_keys.c: command lookup and key positions ---------------------- */

rsdk_status rsdk__cindex_build(rsdk__cindex *ix, const rsdk_command_table *t, size_t n);
void rsdk__cindex_free(rsdk__cindex *ix);

/* The metadata for cmd (a subcommand's entry when there is one), or NULL. */
const rsdk_command_meta *rsdk__cindex_find(const rsdk__cindex *ix, const rsdk__ccmd *cmd);

/* Calls fn(ud, argv index) for every key position of `cmd` per `m`'s key
 * specs (NOT_KEY specs only for pub/sub commands, whose channels route).
 * Stops and returns false when fn does. */
typedef bool (*rsdk__key_fn)(void *ud, size_t index);
bool rsdk__ckeys_each(const rsdk_command_meta *m, const rsdk__ccmd *cmd, rsdk__key_fn fn,
                      void *ud);

/* Works out the route of `cmd`. RSDK_ERR_INVALID_ARG (unknown command) and
 * RSDK_ERR_CROSSSLOT (keys in several slots, not splittable; the message
 * names the slots) fill `err`. */
rsdk_status rsdk__croute_of(const rsdk_cluster *cl, const rsdk__ccmd *cmd, rsdk__croute *rt,
                            rsdk_error *err);

/* The same with the metadata already found (rsdk__cindex_find; NULL: the
 * command is unknown, RSDK_ERR_INVALID_ARG). */
rsdk_status rsdk__croute_by(const rsdk_command_meta *m, const rsdk__ccmd *cmd, rsdk__croute *rt,
                            rsdk_error *err);

/* ---- cluster_map.c: nodes and the slot map (callers hold cl->mu) ----------- */

/* The node at host:port, added (without connecting) when new. NULL: no memory. */
rsdk__cnode *rsdk__cnode_get(rsdk_cluster *cl, const char *host, int port, size_t *index);
rsdk__cmap *rsdk__cmap_new(void);
void rsdk__cmap_free(rsdk__cmap *m);
/* Adds a shard with `primary`; its index, or RSDK__NO_SHARD on no memory. */
size_t rsdk__cmap_add_shard(rsdk__cmap *m, size_t primary);
/* Points `slot` at a shard whose primary is node `primary` (MOVED). */
void rsdk__cmap_move(rsdk__cmap *m, unsigned slot, size_t primary);

/* Picks a node: the slot's primary, or a random primary for slot < 0. NULL
 * when the map has no owner. Takes cl->mu itself. */
rsdk__cnode *rsdk__cluster_node_for(rsdk_cluster *cl, int slot);
/* The node a read of `slot` goes to under cl->read_from: a replica
 * (*replica set: send READONLY first) or the primary. Takes cl->mu. */
rsdk__cnode *rsdk__cluster_read_node_for(rsdk_cluster *cl, int slot, bool *replica);
/* The same for n slots under one lock (-2: none wanted, out[i] = NULL). */
void rsdk__cluster_nodes_for(rsdk_cluster *cl, const int *slots, size_t n, rsdk__cnode **out);
/* The shard of each of n slots (-1: a random primary's; RSDK__NO_SHARD:
 * no owner) into shard[], and each shard's primary into primary[], all
 * under one lock; *nshards is the map's count. False, and nothing filled,
 * when the map has more shards than `cap`. */
bool rsdk__cluster_shards_for(rsdk_cluster *cl, const int *slots, size_t n, uint16_t *shard,
                              rsdk__cnode **primary, size_t cap, size_t *nshards);
/* The primaries (or every node with `all`), copied under the lock into a
 * new array (caller frees with rsdk__free). */
rsdk_status rsdk__cluster_targets(rsdk_cluster *cl, bool all, rsdk__cnode ***out, size_t *n);
/* The pool of `node`, opened on first use. Takes cl->mu itself. */
rsdk_status rsdk__cnode_pool(rsdk_cluster *cl, rsdk__cnode *node, rsdk_pool **out,
                             rsdk_error *err);

/* ---- cluster_topology.c ---------------------------------------------------- */

/* Loads a new slot map from `node` (CLUSTER SHARDS, else CLUSTER SLOTS) and
 * installs it. */
rsdk_status rsdk__topology_load(rsdk_cluster *cl, rsdk__cnode *node, rsdk_error *err);

/* A refresh unless one finished within `min_gap_ms` (collapsed with any
 * running one). */
rsdk_status rsdk__cluster_refresh_if_older(rsdk_cluster *cl, long long min_gap_ms,
                                           rsdk_error *err);

/* ---- cluster_exec.c: one command to one node, redirects and retries ------- */

/* Runs the encoded command `cmd` routed by `rt` (a slot or a random
 * primary), following MOVED/ASK and retrying within the deadline. On RSDK_OK
 * *out is the reply, which may be an error reply (the caller decides). */
rsdk_status rsdk__cluster_exec(rsdk_cluster *cl, const rsdk__ccmd *cmd, const rsdk__croute *rt,
                               rsdk_reply **out, rsdk_error *err);

/* "MOVED 3999 127.0.0.1:6381" / "ASK ...": the slot (*slot) and the node
 * named (its index in *idx, added when new; an empty host means the host
 * of `from`, the node that answered). NULL when `r` is not of that form
 * or on no memory. Takes cl->mu itself. */
rsdk__cnode *rsdk__cluster_redirect_target(rsdk_cluster *cl, const rsdk_reply *r,
                                           const rsdk__cnode *from, unsigned *slot, size_t *idx);

/* Sends `data` (ncmds commands) to `node` in one write. */
rsdk_status rsdk__cluster_send(rsdk_cluster *cl, rsdk__cnode *node, const char *data,
                               size_t len, size_t ncmds, rsdk_reply **replies, rsdk_error *err);

/* ---- cluster_batch.c: several nodes' batches in flight at once ---------- */

/* One node's part: `ncmds` encoded commands in data[0..len), replies[]
 * filled in order (NULL past a failure); `may_block` / `may_track`: some
 * command may block / leave session state, from their names (false: the
 * node's client need not walk them for it). `status`/`err` say how it went;
 * RSDK_ERR_CONNECT (or a pool that could not be had) means nothing was
 * sent. The other fields are the sender's. */
typedef struct rsdk__cbatch {
    rsdk__cnode *node;
    const char *data;
    size_t len, ncmds;
    rsdk_reply **replies;
    bool may_block, may_track;
    rsdk_status status;
    rsdk_error err;
    size_t off, got;
    rsdk_pool *pool;
    rsdk_client *c;
    bool begun;
    /* Replies of an earlier batch, taken over: their blocks go to the
     * connection's reader for this batch's replies (freed when it has none). */
    rsdk_reply **spare;
    size_t nspare;
} rsdk__cbatch;

/* Writes every batch before reading any to the end, then reads them all. */
void rsdk__cluster_send_batches(rsdk_cluster *cl, rsdk__cbatch *b, size_t n);

/* ---- cluster_pipeline.c ------------------------------------------------- */

/* rsdk_cluster_send_encoded, taking over spare[0..nspare) (replies of an
 * earlier pipeline, never handed out): their blocks are recycled for the
 * replies of the node groups, or freed. */
rsdk_status rsdk__cluster_send_spared(rsdk_cluster *cl, const rsdk_buf *encoded, size_t ncmds,
                                      rsdk_reply **replies, rsdk_reply **spare, size_t nspare,
                                      rsdk_error *err);

/* Whether `r` is an error reply that says the command did not run where
 * it was sent (MOVED, ASK, TRYAGAIN, CLUSTERDOWN, LOADING): it goes again
 * alone. */
bool rsdk__cluster_redirected(const rsdk_reply *r);

/* ASKING and READONLY as encoded commands, sent in front of a command
 * for an importing node or a replica; RSDK__LIT_LEN gives their length. */
#define RSDK__ASKING_CMD "*1\r\n$6\r\nASKING\r\n"
#define RSDK__READONLY_CMD "*1\r\n$8\r\nREADONLY\r\n"
#define RSDK__LIT_LEN(lit) (sizeof(lit) - 1)

/* Whether `r` is an error reply MOVED. */
bool rsdk__cluster_is_moved(const rsdk_reply *r);

/* Whether `r` is an error reply the pipeline made itself for a command it
 * refused before sending (keys in several slots, a slot without an owner,
 * a command it cannot route): then e (may be NULL) gets its status and
 * message back. A server's error never reads so. */
bool rsdk__cluster_refused_here(const rsdk_reply *r, rsdk_error *e);

/* A MOVED reply `r` from `from` applied (cluster_exec.c): a refresh of
 * the map (at most one a second), the slot moved to the node named, the
 * redirect counted. That node, or NULL when `r` cannot be read. */
rsdk__cnode *rsdk__cluster_follow_moved(rsdk_cluster *cl, const rsdk_reply *r, const rsdk__cnode *from);

/* Runs `cmd` alone (rsdk__cluster_run) into *slot, freeing what was there
 * — a MOVED that `from` (may be NULL) answered in a pipeline is applied
 * first, so the command goes to the owner at once: a failure that is not
 * the connection's or memory's becomes an error reply in the slot.
 * RSDK_OK, or the failure (`e` says why). */
rsdk_status rsdk__cluster_run_alone(rsdk_cluster *cl, const rsdk__ccmd *cmd, rsdk_reply **slot,
                                    const rsdk__cnode *from, rsdk_error *e);

/* ---- cluster_fanout.c ------------------------------------------------------ */

/* Puts n > 0 replies of a fan-out together into *out under policy `pol`.
 * Error replies win (the first one) except under ONE_SUCCEEDED, which
 * wants one success. `names` label the parts of a SPECIAL reply (a map
 * node -> reply). A part that becomes *out is taken out of parts[]
 * (set to NULL); the caller frees the rest. RSDK_OK or RSDK_ERR_NOMEM. */
rsdk_status rsdk__cluster_aggregate(rsdk__cresp pol, rsdk_reply **parts, size_t n, char **names,
                                    rsdk_reply **out);

/* A multi-key command split per slot: one command per distinct slot of
 * its keys (the words before the keys, then that slot's key units). */
typedef struct rsdk__csplit {
    rsdk__cresp resp;      /* the command's response policy */
    size_t first, step;    /* key units: argv[first + u*step .. +step) */
    size_t units;
    unsigned *unit_slot;   /* per unit */
    size_t nparts;
    unsigned *slots;       /* per part: its slot (distinct, first seen first) */
    rsdk_buf *bufs;        /* per part: its encoded command */
} rsdk__csplit;

/* Plans the split of `cmd` (routed RSDK__ROUTE_SPLIT). RSDK_OK, or
 * RSDK_ERR_INVALID_ARG (key units cut short) / RSDK_ERR_NOMEM with `err`
 * set and nothing to free. */
rsdk_status rsdk__csplit_plan(const rsdk__ccmd *cmd, const rsdk__croute *rt, rsdk__csplit *sp,
                              rsdk_error *err);

/* The parts' replies (parts[p] for sp->bufs[p], none NULL) as the one
 * reply of the command: lists put back in the order of the keys (MGET),
 * integers summed (DEL), an error reply the first one's. A part that
 * becomes *out is taken out of parts[]. RSDK_OK, RSDK_ERR_NOMEM or
 * RSDK_ERR_PROTOCOL (a part answered with too few elements). */
rsdk_status rsdk__csplit_join(const rsdk__csplit *sp, rsdk_reply **parts, rsdk_reply **out);

void rsdk__csplit_free(rsdk__csplit *sp);

/* A command for several nodes or several slots: sends and aggregates. */
rsdk_status rsdk__cluster_fanout(rsdk_cluster *cl, const rsdk__ccmd *cmd, const rsdk__croute *rt,
                                 rsdk_reply **out, rsdk_error *err);

/* Routes and runs one encoded command (any kind). *out may be an error reply. */
rsdk_status rsdk__cluster_run(rsdk_cluster *cl, const rsdk__ccmd *cmd, rsdk_reply **out,
                              rsdk_error *err);

/* ---- cluster_clock.c --------------------------------------------------- */

void rsdk__cluster_sleep_ms(uint32_t ms);

#endif
