/* Several nodes' batches in flight at once, on one thread: every batch is
 * written before any is read to the end, so the nodes work on their parts
 * of a pipeline at the same time (the slowest node's time, not the sum).
 *
 * Writes never wait on one node while another could take bytes: each
 * connection takes what its socket accepts, and a batch whose socket is
 * full has its replies read as they come meanwhile (a server whose replies
 * are not read may stop reading requests: writing a big batch whole before
 * reading would then wait forever). Then the replies are read as they
 * come, not node after node: each batch reads what is already there,
 * without waiting, until one alone owes replies, which it then reads with
 * a blocking read within its deadline. In both phases, when no batch can
 * go on, poll(2) waits for any of them, within the earliest deadline of
 * the batches it waits for: a wait ends when any node answers, not only
 * when the next one in line does. A batch whose deadline passed fails
 * alone, as does one whose connection fails. */
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

static bool owes(const rsdk__cbatch *b) { return b->status == RSDK_OK && b->got < b->ncmds; }

/* Reads the replies already there, without waiting. */
static void drain(rsdk__cbatch *b) {
    while (owes(b)) {
        rsdk_reply *r = NULL;
        rsdk_status s = rsdk__client_batch_read(b->c, false, &r);
        if (s) return fail(b, s);
        if (r == NULL) return;
        b->replies[b->got++] = r;
    }
}

/* Writes what the socket takes; while bytes are left, reads the replies
 * already there (a batch written whole reads nothing yet: its replies are
 * read once every batch is out). */
static void step(rsdk__cbatch *b) {
    size_t n = 0;
    rsdk_status s = rsdk__client_batch_write(b->c, b->data + b->off, b->len - b->off, &n);
    if (s) return fail(b, s);
    b->off += n;
    if (b->off < b->len) drain(b);
}

static bool writing(const rsdk__cbatch *b) { return b->status == RSDK_OK && b->off < b->len; }

/* Whether a batch still has work in the phase: bytes to write or, when
 * `reading`, replies owed. */
static bool busy(const rsdk__cbatch *b, bool reading) { return reading ? owes(b) : writing(b); }

/* One phase: until every batch is written (or failed) or, when `reading`,
 * until at most one owes replies. The busy batches each take a turn (step
 * or drain); then poll(2) waits for them within the earliest of their
 * deadlines, and the next turn goes to those it reported, or to all when
 * it reported none or one had nothing to wait for (its deadline passed,
 * or TLS holds bytes already decrypted). After a poll, a batch whose
 * deadline passed fails once its turn left it still busy. `pf` and `of`
 * (the batch of each pollfd) have room for n. */
static void phase(rsdk__cbatch *b, size_t n, bool reading, struct pollfd *pf, size_t *of) {
    size_t np = 0;
    for (size_t i = 0; i < n; i++)
        if (busy(&b[i], reading)) of[np++] = i;
    for (bool all = true, polled = false;; polled = true) {
        size_t keep = 0;
        int wait = -1;
        for (size_t k = 0; k < np; k++) {
            rsdk__cbatch *x = &b[of[k]];
            if (all || pf[k].revents) {
                if (reading)
                    drain(x);
                else
                    step(x);
            }
            if (!busy(x, reading)) continue;
            if (polled && rsdk__client_batch_expired(x->c)) {
                fail(x, rsdk__client_batch_timeout(x->c));
                continue;
            }
            int fd, w;
            short ev = rsdk__client_batch_events(x->c, !reading, &fd, &w);
            if (w >= 0 && (wait < 0 || w < wait)) wait = w;
            pf[keep] = (struct pollfd){.fd = fd, .events = ev, .revents = 0};
            of[keep++] = of[k];
        }
        np = keep;
        if (np <= (reading ? 1u : 0u)) return;
        int r = poll(pf, np, wait);
        if (r < 0 && errno != EINTR) { /* cannot wait: the batches still busy fail */
            int why = errno;
            for (size_t k = 0; k < np; k++) fail(&b[of[k]], rsdk__client_batch_abort(b[of[k]].c, why));
            return;
        }
        all = r <= 0 || wait == 0;
    }
}

/* Up to LOCAL_POLL batches wait in arrays on the stack. */
#define LOCAL_POLL 16

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
    struct pollfd local_pf[LOCAL_POLL];
    size_t local_of[LOCAL_POLL];
    bool heap = n > LOCAL_POLL;
    struct pollfd *pf = heap ? rsdk__malloc(n * sizeof *pf) : local_pf;
    size_t *of = heap ? rsdk__malloc(n * sizeof *of) : local_of;
    if (pf && of) {
        phase(b, n, false, pf, of);
        phase(b, n, true, pf, of);
    } else { /* the batches fail (their connections, with replies owed, are not kept by the pools) */
        for (size_t i = 0; i < n; i++)
            if (b[i].status == RSDK_OK)
                b[i].status = rsdk_error_set(&b[i].err, RSDK_ERR_NOMEM, 0, "no memory to wait for the nodes");
    }
    if (heap) rsdk__free(pf), rsdk__free(of);
    /* The one batch left owing replies (if any) reads them, waiting. */
    for (size_t i = 0; i < n; i++) {
        if (owes(&b[i])) {
            rsdk_status s = rsdk__client_batch_read_all(b[i].c, b[i].replies, b[i].ncmds, &b[i].got);
            if (s) fail(&b[i], s);
        }
        if (b[i].c == NULL) continue;
        if (b[i].begun) rsdk__client_batch_end(b[i].c, b[i].data, b[i].len, b[i].ncmds, b[i].status);
        rsdk_pool_release(b[i].pool, b[i].c);
        b[i].c = NULL;
    }
}
