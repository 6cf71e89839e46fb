/* Several nodes' batches in flight at once, on one thread: every batch is
 * written before any is read to the end, so the nodes work on their parts
 * of a pipeline at the same time (the slowest node's time, not the sum).
 *
 * Writes never wait on one node while another could take bytes: each
 * connection takes what its socket accepts, and a batch whose socket is
 * full has its replies read as they come meanwhile (a server whose replies
 * are not read may stop reading requests: writing a big batch whole before
 * reading would then wait forever). poll(2) waits for any of them, within
 * the earliest deadline of the batches still writing. Then each batch's
 * remaining replies are read within its own deadline, the last batch
 * first: the batches are written in order and the nodes answer about in
 * that order, so the one wait for the last covers the others, whose
 * replies are then there (read first to last, the client slept once for
 * every node that had not answered yet). Reading in readiness order
 * instead (what is there without waiting, poll(2) on all while two owe)
 * wakes at the first answer rather than the last, and its reads that
 * find nothing and its polls cost about three more system calls a batch
 * on three nodes (docs/cluster.md, "Cost"). */
#include <errno.h>
#include <poll.h>

#include "alloc.h"
#include "client_batch.h"
#include "cluster_types.h"

static void fail(rsdk__cbatch *b, rsdk_status s) {
    b->status = s;
    b->err = *rsdk_client_error(b->c);
}

/* Acquires the node's connection and begins the call. */
static void start(rsdk_cluster *cl, rsdk__cbatch *b) {
    b->c = NULL;
    b->status = rsdk__cnode_pool(cl, b->node, &b->pool, &b->err);
    if (b->status) return;
    b->status = rsdk_pool_acquire(b->pool, &b->c, &b->err);
    if (b->status) {
        b->c = NULL;
        return;
    }
    rsdk_status s = rsdk__client_batch_begin(b->c, b->data, b->len, b->ncmds, b->may_block, b->may_track);
    b->begun = s == RSDK_OK; /* a failed begin ended the call itself */
    if (s) fail(b, s);
}

/* Writes what the socket takes; while bytes are left, reads the replies
 * already there (a batch written whole reads nothing yet: the replies are
 * read after every batch is out, without a read that finds nothing). */
static void step(rsdk__cbatch *b) {
    size_t n = 0;
    rsdk_status s = rsdk__client_batch_write(b->c, b->data + b->off, b->len - b->off, &n);
    if (s) return fail(b, s);
    b->off += n;
    while (b->off < b->len && b->got < b->ncmds) {
        rsdk_reply *r = NULL;
        s = rsdk__client_batch_read(b->c, false, &r);
        if (s) return fail(b, s);
        if (r == NULL) return;
        b->replies[b->got++] = r;
    }
}

static bool writing(const rsdk__cbatch *b) { return b->status == RSDK_OK && b->off < b->len; }

/* Until every batch is written (or failed). Up to LOCAL_POLL batches wait
 * in arrays on the stack. */
#define LOCAL_POLL 16
static rsdk_status write_all(rsdk__cbatch *b, size_t n) {
    struct pollfd local_pf[LOCAL_POLL];
    size_t local_of[LOCAL_POLL];
    bool heap = n > LOCAL_POLL;
    struct pollfd *pf = heap ? rsdk__malloc(n * sizeof *pf) : local_pf;
    size_t *of = heap ? rsdk__malloc(n * sizeof *of) : local_of;
    if (pf == NULL || of == NULL) {
        if (heap) rsdk__free(pf), rsdk__free(of);
        return RSDK_ERR_NOMEM;
    }
    for (;;) {
        size_t np = 0;
        int wait = -1;
        for (size_t i = 0; i < n; i++) {
            if (!writing(&b[i])) continue;
            step(&b[i]);
            if (!writing(&b[i])) continue;
            int fd, w;
            short ev = rsdk__client_batch_events(b[i].c, true, &fd, &w);
            if (w >= 0 && (wait < 0 || w < wait)) wait = w;
            pf[np] = (struct pollfd){.fd = fd, .events = ev, .revents = 0};
            of[np++] = i;
        }
        if (np == 0) break;
        int r = poll(pf, np, wait);
        if (r < 0 && errno != EINTR) { /* cannot wait: the batches still writing fail */
            int why = errno;
            for (size_t k = 0; k < np; k++) fail(&b[of[k]], rsdk__client_batch_abort(b[of[k]].c, why));
            break;
        }
        /* The batches whose deadline passed fail; the others go on (what
         * woke poll shows in the next step). */
        for (size_t k = 0; r == 0 && k < np; k++)
            if (rsdk__client_batch_expired(b[of[k]].c)) fail(&b[of[k]], rsdk__client_batch_timeout(b[of[k]].c));
    }
    if (heap) rsdk__free(pf), rsdk__free(of);
    return RSDK_OK;
}

void rsdk__cluster_send_batches(rsdk_cluster *cl, rsdk__cbatch *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        b[i].off = b[i].got = 0;
        for (size_t k = 0; k < b[i].ncmds; k++) b[i].replies[k] = NULL;
        start(cl, &b[i]);
        /* Last first: the reader takes them back in order. */
        for (size_t k = b[i].nspare; k-- > 0;) {
            if (b[i].c) rsdk__client_batch_recycle(b[i].c, b[i].spare[k]);
            else rsdk_reply_free(b[i].spare[k]);
        }
        b[i].nspare = 0;
    }
    /* Without memory to wait on them, the batches fail (their connections,
     * with replies owed, are not kept by the pools). */
    if (write_all(b, n) != RSDK_OK) {
        for (size_t i = 0; i < n; i++)
            if (b[i].status == RSDK_OK)
                b[i].status = rsdk_error_set(&b[i].err, RSDK_ERR_NOMEM, 0, "no memory to wait for the nodes");
    }
    for (size_t i = n; i-- > 0;) { /* the last written first (above) */
        if (b[i].status == RSDK_OK && b[i].got < b[i].ncmds) {
            rsdk_status s = rsdk__client_batch_read_all(b[i].c, b[i].replies, b[i].ncmds, &b[i].got);
            if (s) fail(&b[i], s);
        }
        if (b[i].c == NULL) continue;
        if (b[i].begun) rsdk__client_batch_end(b[i].c, b[i].data, b[i].len, b[i].ncmds, b[i].status);
        rsdk_pool_release(b[i].pool, b[i].c);
        b[i].c = NULL;
    }
}
