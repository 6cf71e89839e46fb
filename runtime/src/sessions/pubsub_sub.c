/* Subscribing and unsubscribing: the subscription set is updated first (it
 * is what a reconnect restores), then the command goes out and its
 * confirmations are awaited. */
#include "alloc.h"
#include "client_io.h"
#include "pubsub_state.h"

static const char *const SUB[PS_KINDS] = {"SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE"};
static const char *const UNSUB[PS_KINDS] = {"UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE"};

static rsdk_status check(rsdk_pubsub *ps, const char *cmd, const rsdk_str *names, size_t n,
                         bool allow_none) {
    if (n == 0 && !allow_none)
        return rsdk_error_set(&ps->err, RSDK_ERR_INVALID_ARG, 0, "%s needs at least one name", cmd);
    if (n && !names) return rsdk_error_set(&ps->err, RSDK_ERR_INVALID_ARG, 0, "%s: NULL names", cmd);
    for (size_t i = 0; i < n; i++)
        if (!names[i].ptr && names[i].len)
            return rsdk_error_set(&ps->err, RSDK_ERR_INVALID_ARG, 0,
                                  "%s: name %zu is NULL with a non-zero length", cmd, i);
    return RSDK_OK;
}

/* True when the connection is up and holds every subscription of the set. */
static bool in_sync(const rsdk_pubsub *ps) {
    return !rsdk_client_broken(ps->c) && rsdk__client_connects(ps->c) == ps->synced_connects;
}

/* Sends `b` (carrying `want` confirmations) and waits for them. */
static rsdk_status run(rsdk_pubsub *ps, const rsdk_buf *b, size_t want) {
    rsdk_status s = rsdk__ps_send(ps, b);
    if (s) return s;
    ps->confirms_wanted = want;
    return rsdk__ps_await(ps);
}

/* Sends `cmd` for names[0..n) one command of at most PS_CHUNK names at a
 * time, each awaited before the next goes out: a server's error reply then
 * stands for exactly one command (it refuses the whole command, with no
 * confirmation), so no count drifts, and *done (may be NULL) tells how many
 * names the server took before a failure. A connection that is not in sync
 * is re-opened instead, which restores the whole set. */
static rsdk_status send_chunks(rsdk_pubsub *ps, const char *cmd, const rsdk_str *names, size_t n,
                               size_t *done) {
    if (done) *done = 0;
    if (!in_sync(ps)) return rsdk__ps_ensure(ps, -1, true);
    rsdk_status s = RSDK_OK;
    for (size_t at = 0; at < n && !s;) {
        size_t k = n - at < PS_CHUNK ? n - at : PS_CHUNK;
        rsdk_buf b;
        rsdk_buf_init(&b);
        rsdk__ps_encode(&b, cmd, names + at, k);
        ps->sunsub_wanted = strcmp(cmd, UNSUB[PS_SHARD]) == 0 ? k : 0;
        s = run(ps, &b, k);
        ps->sunsub_wanted = 0;
        rsdk_buf_deinit(&b);
        if (!s) at += k;
        if (done) *done = at;
    }
    if (s && rsdk_err_class(s) != RSDK_CLASS_RESPONSE && rsdk_client_broken(ps->c)) rsdk__ps_lost(ps, s);
    return s;
}

/* After a failure that may leave the server with names the set lacks:
 * closes the connection, so that the reconnect restores exactly the set. */
static void resync_later(rsdk_pubsub *ps, rsdk_status s) {
    if (rsdk_client_broken(ps->c)) return;
    rsdk__client_break(ps->c, s);
    rsdk__ps_lost(ps, s);
}

/* A failed subscribe leaves nothing subscribed: unsubscribes the names it
 * added among names[0..done), which the server took before the failure.
 * The first failure stays the error. */
static void undo(rsdk_pubsub *ps, int kind, const rsdk_str *names, const bool *added, size_t done) {
    rsdk_error first = ps->err;
    rsdk_str chunk[PS_CHUNK];
    rsdk_status s = RSDK_OK;
    for (size_t i = 0, k = 0; i < done && !s; i++) {
        if (added[i]) chunk[k++] = names[i];
        if (k == PS_CHUNK || (k && i + 1 == done)) {
            s = send_chunks(ps, UNSUB[kind], chunk, k, NULL);
            k = 0;
        }
    }
    if (s) resync_later(ps, s);
    ps->err = first;
}

static rsdk_status subscribe(rsdk_pubsub *ps, int kind, const rsdk_str *names, size_t n) {
    if (!ps) return RSDK_ERR_INVALID_ARG;
    rsdk_status s = check(ps, SUB[kind], names, n, false);
    if (s) return s;
    bool *added = rsdk__calloc(n, sizeof *added);
    if (!added) return rsdk_error_set(&ps->err, RSDK_ERR_NOMEM, 0, NULL);
    rsdk__psset *set = &ps->sets[kind];
    for (size_t i = 0; i < n && !s; i++) {
        int r = rsdk__psset_add(set, names[i].ptr, names[i].len);
        if (r < 0) s = rsdk_error_set(&ps->err, RSDK_ERR_NOMEM, 0, NULL);
        added[i] = r == 1;
    }
    size_t done = 0;
    if (!s) s = send_chunks(ps, SUB[kind], names, n, &done);
    /* Refused by the server (or no memory): the set must not promise what
     * the server does not have, nor the server have what the set lacks. A
     * connection failure keeps the names: the reconnect subscribes them. */
    if (s && (rsdk_err_class(s) == RSDK_CLASS_RESPONSE || s == RSDK_ERR_NOMEM)) {
        if (done) undo(ps, kind, names, added, done);
        for (size_t i = 0; i < n; i++)
            if (added[i]) rsdk__psset_remove(set, names[i].ptr, names[i].len);
    }
    rsdk__free(added);
    return s;
}

static rsdk_status unsubscribe(rsdk_pubsub *ps, int kind, const rsdk_str *names, size_t n) {
    if (!ps) return RSDK_ERR_INVALID_ARG;
    rsdk_status s = check(ps, UNSUB[kind], names, n, true);
    if (s) return s;
    /* The names leave the set before anything is sent, so a reconnect on
     * the way does not bring them back. */
    rsdk__psset *set = &ps->sets[kind];
    rsdk__psset gone = {0};
    rsdk_str *all = NULL;
    if (n == 0) { /* every name of the set: taken out of it, kept alive here */
        if (set->count == 0) return RSDK_OK;
        all = set->count <= SIZE_MAX / sizeof *all ? rsdk__malloc(set->count * sizeof *all) : NULL;
        if (!all) return rsdk_error_set(&ps->err, RSDK_ERR_NOMEM, 0, NULL);
        gone = *set;
        *set = (rsdk__psset){0};
        for (size_t i = 0; i < gone.cap; i++)
            if (gone.slot[i].ptr) all[n++] = rsdk_str_n(gone.slot[i].ptr, gone.slot[i].len);
        names = all;
    } else {
        for (size_t i = 0; i < n; i++) rsdk__psset_remove(set, names[i].ptr, names[i].len);
    }
    s = send_chunks(ps, UNSUB[kind], names, n, NULL);
    if (s) resync_later(ps, s); /* refused, or a chunk not sent */
    rsdk__free(all);
    rsdk__psset_free(&gone);
    return s;
}

rsdk_status rsdk_pubsub_subscribe(rsdk_pubsub *ps, const rsdk_str *names, size_t n) {
    return subscribe(ps, PS_CHANNEL, names, n);
}

rsdk_status rsdk_pubsub_psubscribe(rsdk_pubsub *ps, const rsdk_str *names, size_t n) {
    return subscribe(ps, PS_PATTERN, names, n);
}

rsdk_status rsdk_pubsub_ssubscribe(rsdk_pubsub *ps, const rsdk_str *names, size_t n) {
    return subscribe(ps, PS_SHARD, names, n);
}

rsdk_status rsdk_pubsub_unsubscribe(rsdk_pubsub *ps, const rsdk_str *names, size_t n) {
    return unsubscribe(ps, PS_CHANNEL, names, n);
}

rsdk_status rsdk_pubsub_punsubscribe(rsdk_pubsub *ps, const rsdk_str *names, size_t n) {
    return unsubscribe(ps, PS_PATTERN, names, n);
}

rsdk_status rsdk_pubsub_sunsubscribe(rsdk_pubsub *ps, const rsdk_str *names, size_t n) {
    return unsubscribe(ps, PS_SHARD, names, n);
}
