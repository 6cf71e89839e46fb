/* Subscribing and unsubscribing: the subscription set is updated first (it
 * is what a reconnect restores), then the command goes out and its
 * confirmations are awaited. */
#include "alloc.h"
#include "pubsub_impl.h"

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
    return ps->c->conn && ps->c->connects == ps->synced_connects;
}

/* Sends `b` (carrying `want` confirmations) and waits for them. */
static rsdk_status run(rsdk_pubsub *ps, const rsdk_buf *b, size_t want) {
    rsdk_status s = rsdk__ps_send(ps, b);
    if (s) return s;
    ps->confirms_wanted = want;
    return rsdk__ps_await(ps);
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
    if (!s) {
        if (in_sync(ps)) {
            rsdk_buf b;
            rsdk_buf_init(&b);
            rsdk__ps_encode(&b, SUB[kind], names, n);
            s = run(ps, &b, n);
            rsdk_buf_deinit(&b);
            if (s && rsdk_err_class(s) != RSDK_CLASS_RESPONSE && !ps->c->conn) rsdk__ps_lost(ps, s);
        } else {
            s = rsdk__ps_ensure(ps, -1, true); /* restores the whole set, new names too */
        }
    }
    /* Refused by the server (or no memory): the set must not promise what
     * the server does not have. A connection failure keeps the names: the
     * reconnect subscribes them. */
    if (s && (rsdk_err_class(s) == RSDK_CLASS_RESPONSE || s == RSDK_ERR_NOMEM))
        for (size_t i = 0; i < n; i++)
            if (added[i]) rsdk__psset_remove(set, names[i].ptr, names[i].len);
    rsdk__free(added);
    return s;
}

static rsdk_status unsubscribe(rsdk_pubsub *ps, int kind, const rsdk_str *names, size_t n) {
    if (!ps) return RSDK_ERR_INVALID_ARG;
    rsdk_status s = check(ps, UNSUB[kind], names, n, true);
    if (s) return s;
    rsdk__psset *set = &ps->sets[kind];
    rsdk_buf b;
    rsdk_buf_init(&b);
    size_t want = n;
    if (n == 0) {
        /* Every name of the set, encoded before the set lets them go. */
        want = set->count;
        if (want == 0) return RSDK_OK;
        rsdk_str *all = want <= SIZE_MAX / sizeof *all ? rsdk__malloc(want * sizeof *all) : NULL;
        bool got = all != NULL;
        if (got) {
            size_t k = 0;
            for (size_t i = 0; i < set->cap; i++)
                if (set->slot[i].ptr) all[k++] = rsdk_str_n(set->slot[i].ptr, set->slot[i].len);
            rsdk__ps_encode(&b, UNSUB[kind], all, k);
            rsdk__free(all);
        }
        if (!got || b.failed) {
            rsdk_buf_deinit(&b);
            return rsdk_error_set(&ps->err, RSDK_ERR_NOMEM, 0, NULL);
        }
        rsdk__psset_free(set);
    } else {
        rsdk__ps_encode(&b, UNSUB[kind], names, n);
        for (size_t i = 0; i < n; i++) rsdk__psset_remove(set, names[i].ptr, names[i].len);
    }
    if (in_sync(ps)) {
        s = run(ps, &b, want);
        if (s && rsdk_err_class(s) != RSDK_CLASS_RESPONSE && !ps->c->conn) rsdk__ps_lost(ps, s);
    } else {
        s = rsdk__ps_ensure(ps, -1, true); /* a new connection has none of them */
    }
    rsdk_buf_deinit(&b);
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
