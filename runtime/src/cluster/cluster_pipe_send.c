/* The cluster pipeline's fast exec: every command was routed as it was
 * queued (cluster_pipe_note.c), so the slots' nodes are looked up under
 * one lock, the commands grouped per node (the queue as it is when they
 * all go to one), every group sent at once (cluster_batch.c) and the
 * replies put back in the caller's order; reads go where cl->read_from
 * says, in a group of their own per shard. A command answered MOVED, ASK,
 * TRYAGAIN ... (it did not run), or whose node refused the connection, is
 * read back from the queue and sent again alone through the redirect loop;
 * the others' replies stay as they are. */
#include "alloc.h"
#include "cluster_pipe_types.h"

#define FAST_GROUPS 16 /* more nodes than this: the general exec */
#define FAST_SHARDS 64 /* more shards in the map: the general exec */

/* Queues of more commands than this do not keep their work area. */
#define WORK_KEEP 4096

static bool reserve_work(rsdk__cpipe *cp, size_t n, size_t bytes) {
    if (n > cp->capwork) {
        rsdk__cpipe_free_work(cp);
        cp->shard = rsdk__malloc(n * sizeof *cp->shard);
        cp->group = rsdk__malloc(n);
        cp->got = rsdk__malloc(n * sizeof *cp->got);
        if (!cp->shard || !cp->group || !cp->got) {
            rsdk__cpipe_free_work(cp);
            return false;
        }
        cp->capwork = n;
    }
    if (bytes > cp->capbytes) {
        rsdk__free(cp->bytes);
        cp->bytes = rsdk__malloc(bytes);
        cp->capbytes = cp->bytes ? bytes : 0;
        if (!cp->bytes) return false;
    }
    return true;
}

void rsdk__cpipe_free_work(rsdk__cpipe *cp) {
    rsdk__free(cp->shard);
    rsdk__free(cp->group);
    rsdk__free(cp->got);
    rsdk__free(cp->bytes);
    cp->shard = NULL;
    cp->group = NULL;
    cp->got = NULL;
    cp->bytes = NULL;
    cp->capwork = cp->capbytes = 0;
}

/* The fast exec's groups: their batches, how many, and which of them
 * read from a replica (READONLY first: one more command, its reply
 * dropped). */
typedef struct fgroups {
    rsdk__cbatch g[FAST_GROUPS];
    bool replica[FAST_GROUPS];
    size_t n;
} fgroups;

#define READONLY_LEN RSDK__LIT_LEN(RSDK__READONLY_CMD)

/* A new group to `node`, READONLY first when it is a replica: its
 * index, or -1 when there is no room. */
static int new_group(fgroups *fg, rsdk__cnode *node, bool replica) {
    if (fg->n == FAST_GROUPS) return -1;
    fg->g[fg->n] = (rsdk__cbatch){.node = node};
    fg->replica[fg->n] = replica;
    return (int)fg->n++;
}

/* The group of command i of shard s, made when it is the first: the
 * shard's primary's, or for a read that cl->read_from sends to a replica
 * (picked for the first read of the shard) the replica's; of_shard[2 * s]
 * and [2 * s + 1] remember them. -1 when there is no room or no node. */
static int group_of(rsdk__cpipe *cp, fgroups *fg, unsigned char *of_shard, size_t s,
                    rsdk__cnode *primary, bool reads, int slot) {
    unsigned char *at = &of_shard[2 * s + reads];
    if (*at != 0xff) return *at;
    bool replica = false;
    rsdk__cnode *node = reads ? rsdk__cluster_read_node_for(cp->cl, slot, &replica) : primary;
    if (node == NULL) return -1;
    if (replica) {
        int k = new_group(fg, node, true);
        if (k >= 0) *at = (unsigned char)k;
        return k;
    }
    /* The primary: one group for its reads and writes (one connection). */
    unsigned char *prim = &of_shard[2 * s];
    if (*prim == 0xff) {
        int k = new_group(fg, primary, false);
        if (k < 0) return -1;
        *prim = (unsigned char)k;
    }
    return *at = *prim;
}

/* The groups: per shard met, one for its writes (and its reads when they
 * go to the primary) and one for its reads (when cl->read_from may send
 * them elsewhere); their commands and bytes counted and each command's
 * group in cp->group. False when a command's slot has no owner or there
 * are more groups than FAST_GROUPS. */
static bool make_groups(rsdk__cpipe *cp, size_t n, rsdk__cnode *const *primary, size_t nshards,
                        fgroups *fg) {
    /* Group of shard s: of_shard[2 * s] for its writes, + 1 for its reads. */
    unsigned char of_shard[2 * FAST_SHARDS];
    memset(of_shard, 0xff, 2 * nshards);
    bool apart = cp->cl->read_from != RSDK_READ_PRIMARY;
    /* Counted here, then stored: a group's batch is a large struct. */
    size_t ncmds[FAST_GROUPS] = {0}, len[FAST_GROUPS] = {0};
    const size_t *off = cp->off;
    fg->n = 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t s = cp->shard[i];
        if (s == RSDK__NO_SHARD) return false; /* no owner known: the general exec says so */
        bool reads = apart && cp->reads[i];
        unsigned char k = of_shard[2 * s + reads];
        if (k == 0xff) {
            int got = group_of(cp, fg, of_shard, s, primary[s], reads, cp->slot[i]);
            if (got < 0) return false;
            k = (unsigned char)got;
        }
        cp->group[i] = k;
        ncmds[k]++;
        len[k] += off[i + 1] - off[i];
    }
    for (size_t k = 0; k < fg->n; k++) { /* a replica's group: READONLY first */
        fg->g[k].ncmds = ncmds[k] + fg->replica[k];
        fg->g[k].len = len[k] + (fg->replica[k] ? READONLY_LEN : 0);
    }
    return true;
}

/* memcpy, without the library call for a command of 16 to 32 bytes (a
 * GET or a DEL of a short key): two 16-byte copies that overlap. */
static inline void copy_command(char *to, const char *from, size_t len) {
    if (len >= 16 && len <= 32) {
        memcpy(to, from, 16);
        memcpy(to + len - 16, from + len - 16, 16);
        return;
    }
    memcpy(to, from, len);
}

/* Each group's bytes, copied out of the queue in the caller's order
 * after READONLY for a replica (the queue itself when it all goes to one
 * primary). */
static void lay_out(rsdk__cpipe *cp, const rsdk_buf *q, size_t n, fgroups *fg) {
    if (fg->n == 1 && !fg->replica[0]) {
        fg->g[0].data = q->data;
        return;
    }
    char *at[FAST_GROUPS], *to = cp->bytes;
    for (size_t k = 0; k < fg->n; k++) {
        fg->g[k].data = at[k] = to;
        to += fg->g[k].len;
        if (fg->replica[k]) {
            memcpy(at[k], RSDK__READONLY_CMD, READONLY_LEN);
            at[k] += READONLY_LEN;
        }
    }
    const size_t *off = cp->off;
    for (size_t i = 0; i < n; i++) {
        size_t len = off[i + 1] - off[i];
        unsigned char k = cp->group[i];
        copy_command(at[k], q->data + off[i], len);
        at[k] += len;
    }
}

/* Command i read back from the queue and sent alone into replies[i]
 * (after the MOVED that `from` answered, when it did). */
static rsdk_status resend(rsdk__cpipe *cp, const rsdk_buf *q, size_t i, rsdk_reply **replies,
                          const rsdk__cnode *from, rsdk_error *e) {
    rsdk__ccmd cmd;
    rsdk_status s;
    size_t pos = cp->off[i];
    if (!rsdk__ccmd_parse(q->data, q->len, &pos, &cmd, &s))
        return rsdk_error_set(e, s, 0, "command %zu of the pipeline cannot be read back", i);
    s = rsdk__cluster_run_alone(cp->cl, &cmd, &replies[i], from, e);
    rsdk__ccmd_deinit(&cmd);
    return s;
}

/* The replies back in the caller's order; the redirected and the refused
 * sent again alone. The call's status: the first failure. */
static rsdk_status gather(rsdk__cpipe *cp, rsdk_pipeline *p, size_t n, fgroups *fg) {
    rsdk_reply **next[FAST_GROUPS];
    rsdk_status first = RSDK_OK, group_failure = RSDK_OK;
    rsdk__cbatch *g = fg->g;
    for (size_t k = 0; k < fg->n; k++) {
        next[k] = g[k].replies;
        if (fg->replica[k]) { /* READONLY's own reply */
            rsdk_reply_free(*next[k]);
            *next[k]++ = NULL;
        }
        rsdk_status s = g[k].status;
        if (s != RSDK_OK && s != RSDK_ERR_CONNECT && first == RSDK_OK) {
            first = s;
            *p->err = g[k].err;
        }
        if (s != RSDK_OK) group_failure = s;
    }
    rsdk_reply **replies = p->slots;
    bool missing = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char k = cp->group[i];
        rsdk_reply *r = replies[i] = *next[k]++;
        if (r != NULL && r->type != RSDK_REPLY_ERROR) continue;
        /* A refused connect sent nothing: the command may still go alone. */
        if (r ? rsdk__cluster_redirected(r) : g[k].status == RSDK_ERR_CONNECT) {
            rsdk_error e;
            rsdk_status s = resend(cp, &p->buf, i, replies, g[k].node, &e);
            if (s != RSDK_OK && first == RSDK_OK) {
                first = s;
                *p->err = e;
            }
        }
        missing |= replies[i] == NULL;
    }
    if (first == RSDK_OK && missing) first = group_failure ? group_failure : RSDK_ERR_PROTOCOL;
    return first;
}

bool rsdk__cpipe_send_fast(rsdk__cpipe *cp, rsdk_pipeline *p, rsdk_reply **old, size_t nold,
                           rsdk_status *out) {
    size_t n = p->count, nshards = 0;
    fgroups fg;
    rsdk__cbatch *g = fg.g;
    rsdk__cnode *primary[FAST_SHARDS];
    /* Room for a READONLY (command and reply) in front of every group. */
    if (cp->slow || n == 0 || cp->nnotes != n || cp->end != p->buf.len ||
        !reserve_work(cp, n + FAST_GROUPS, p->buf.len + FAST_GROUPS * READONLY_LEN))
        return false;
    cp->off[n] = p->buf.len;
    if (!rsdk__cluster_shards_for(cp->cl, cp->slot, n, cp->shard, primary, FAST_SHARDS, &nshards) ||
        !make_groups(cp, n, primary, nshards, &fg))
        return false;
    size_t ng = fg.n;
    lay_out(cp, &p->buf, n, &fg);
    for (size_t k = 0, at = 0; k < ng; k++) {
        g[k].replies = cp->got + at;
        at += g[k].ncmds;
        /* The session state and blocking a group may meet: the queue's. */
        g[k].may_block = p->may_block;
        g[k].may_track = p->may_state;
        /* Each group takes as many spares as it has commands, while they last. */
        g[k].spare = old;
        g[k].nspare = nold < g[k].ncmds ? nold : g[k].ncmds;
        old += g[k].nspare;
        nold -= g[k].nspare;
    }
    for (size_t i = 0; i < nold; i++) rsdk_reply_free(old[i]);
    rsdk__cluster_send_batches(cp->cl, g, ng);
    *out = gather(cp, p, n, &fg);
    if (n > WORK_KEEP) rsdk__cpipe_free_work(cp);
    return true;
}
