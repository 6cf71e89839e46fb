/* Calls with failover: the node for a role (asking the sentinels when the
 * primary is unknown or suspect), one operation on it, and what happens
 * when it fails.
 *
 * The write guarantee (docs/retries.md) holds across failovers: an
 * operation is tried again only when it did not run — it was never sent
 * (no sentinel answered, connect refused, pool exhausted, a connection
 * known broken before writing) or the server refused it without running it
 * (READONLY from a demoted primary, NOREPLICAS, MASTERDOWN, LOADING). A
 * connection failure after the command's bytes may have left ends the call
 * with that error: the server may have run it. The pools' connections do
 * not retry (their policy has one attempt), so no layer below resends. */
#include <string.h>

#include "alloc.h"
#include "clock.h"
#include "sentinel_types.h"

rsdk__snode *rsdk__sentinel_take(rsdk_sentinel *s, rsdk_sentinel_role role, rsdk_status *st,
                                 rsdk_error *err) {
    rsdk__snode *n = NULL;
    if (role == RSDK_SENTINEL_REPLICA) {
        pthread_mutex_lock(&s->mu);
        bool stale = s->replicas_stale;
        pthread_mutex_unlock(&s->mu);
        if (stale) rsdk__sentinel_load_replicas(s, NULL); /* none: the primary serves */
        pthread_mutex_lock(&s->mu);
        if (s->nreplicas > 0) {
            n = s->replicas[s->next_replica++ % s->nreplicas];
            n->refs++;
        }
        pthread_mutex_unlock(&s->mu);
        if (n) return n;
    }
    for (int round = 0; round < 2; round++) {
        pthread_mutex_lock(&s->mu);
        uint64_t gen = s->gen;
        bool usable = s->primary != NULL && !s->stale;
        if (usable) {
            n = s->primary;
            n->refs++;
        }
        pthread_mutex_unlock(&s->mu);
        if (usable) return n;
        if ((*st = rsdk__sentinel_discover(s, gen, err)) != RSDK_OK) return NULL;
    }
    *st = rsdk_error_set(err, RSDK_ERR_MASTERDOWN, 0, "the primary of '%s' keeps changing", s->name);
    return NULL;
}

void rsdk__sentinel_suspect(rsdk_sentinel *s, const rsdk__snode *n) {
    pthread_mutex_lock(&s->mu);
    if (n == s->primary) s->stale = true;
    else s->replicas_stale = true;
    pthread_mutex_unlock(&s->mu);
}

static void drop(rsdk_sentinel *s, rsdk__snode *n) {
    pthread_mutex_lock(&s->mu);
    rsdk__snode *gone = rsdk__snode_unref(n);
    pthread_mutex_unlock(&s->mu);
    rsdk__snode_free(gone);
}

/* A failure that says the node is no longer what we think it is. */
static bool failover_sign(rsdk_sentinel_role role, const rsdk_error *e) {
    return rsdk_err_class(e->code) == RSDK_CLASS_CONNECTION || e->code == RSDK_ERR_POOL_EXHAUSTED ||
           e->code == RSDK_ERR_MASTERDOWN || strcmp(e->prefix, "NOREPLICAS") == 0 ||
           (e->code == RSDK_ERR_READONLY && role == RSDK_SENTINEL_PRIMARY);
}

/* A failure after which the operation certainly did not run. */
static bool not_run(rsdk_sentinel_role role, const rsdk_error *e, bool sent) {
    rsdk_status c = e->code;
    if (!sent) return c != RSDK_ERR_NOMEM && rsdk_err_class(c) != RSDK_CLASS_ARGUMENT;
    return c == RSDK_ERR_CONNECT || c == RSDK_ERR_BROKEN || c == RSDK_ERR_MASTERDOWN ||
           c == RSDK_ERR_LOADING || strcmp(e->prefix, "NOREPLICAS") == 0 ||
           (c == RSDK_ERR_READONLY && role == RSDK_SENTINEL_PRIMARY);
}

typedef struct backoff_state {
    rsdk_backoff b;
    bool seeded;
    long long deadline; /* 0: none */
} backoff_state;

static bool wait_retry(rsdk_sentinel *s, backoff_state *bs, int attempt) {
    if (s->retry.max_attempts != RSDK_RETRY_UNBOUNDED && attempt >= s->retry.max_attempts)
        return false;
    if (!bs->seeded && rsdk_retry_backoff_init(&s->retry, &bs->b, rsdk_backoff_seed_auto()) != RSDK_OK)
        return false;
    bs->seeded = true;
    uint32_t delay = rsdk_backoff_next(&bs->b);
    if (bs->deadline > 0 && rsdk__now_ms() + delay >= bs->deadline) return false;
    rsdk__sentinel_nap(s, delay);
    pthread_mutex_lock(&s->mu);
    s->stats.retries++;
    pthread_mutex_unlock(&s->mu);
    return true;
}

/* One operation on a node: its status; *sent says whether a command's
 * bytes may have left. */
typedef rsdk_status (*op_fn)(rsdk_sentinel *s, rsdk__snode *n, void *ud, rsdk_error *e,
                             bool *sent);

static rsdk_status with_failover(rsdk_sentinel *s, rsdk_sentinel_role role, op_fn op, void *ud,
                                 rsdk_error *err) {
    long long timeout = s->dopts.command_timeout_ms;
    backoff_state bs = {.seeded = false, .deadline = timeout > 0 ? rsdk__now_ms() + timeout : 0};
    for (int attempt = 1;; attempt++) {
        rsdk_error e;
        rsdk_error_clear(&e);
        rsdk_status st;
        bool sent = false;
        rsdk__snode *n = rsdk__sentinel_take(s, role, &st, &e);
        if (n) {
            st = op(s, n, ud, &e, &sent);
            e.code = st;
            if (st != RSDK_OK && failover_sign(role, &e)) rsdk__sentinel_suspect(s, n);
            drop(s, n);
        }
        if (st == RSDK_OK) return RSDK_OK;
        if (not_run(role, &e, sent) && wait_retry(s, &bs, attempt)) continue;
        if (err) *err = e;
        return st;
    }
}

typedef struct command_args {
    size_t argc;
    const char *const *argv;
    const size_t *argvlen;
    rsdk_reply **out;
} command_args;

static rsdk_status run_command(rsdk_sentinel *s, rsdk__snode *n, void *ud, rsdk_error *e,
                               bool *sent) {
    (void)s;
    command_args *a = ud;
    rsdk_client *c;
    rsdk_status st = rsdk_pool_acquire(n->pool, &c, e);
    if (st) return st;
    *sent = true;
    st = rsdk_client_command_argv(c, a->argc, a->argv, a->argvlen, a->out);
    if (st) *e = *rsdk_client_error(c);
    rsdk_pool_release(n->pool, c);
    return st;
}

rsdk_status rsdk_sentinel_command_argv(rsdk_sentinel *s, rsdk_sentinel_role role, size_t argc,
                                       const char *const *argv, const size_t *argvlen,
                                       rsdk_reply **out, rsdk_error *err) {
    if (s == NULL || out == NULL || argc < 1 || argv == NULL ||
        (role != RSDK_SENTINEL_PRIMARY && role != RSDK_SENTINEL_REPLICA))
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "command needs a sentinel client, a role, arguments and a result");
    command_args a = {argc, argv, argvlen, out};
    return with_failover(s, role, run_command, &a, err);
}

/* Records an acquired client and the node it came from. */
static rsdk_status remember(rsdk_sentinel *s, rsdk_client *c, rsdk__snode *n) {
    rsdk_status st = RSDK_OK;
    pthread_mutex_lock(&s->mu);
    if (s->nout == s->capout) {
        size_t cap = s->capout ? s->capout * 2 : 8;
        rsdk__sout *grown = rsdk__realloc(s->out, cap * sizeof *grown);
        if (grown == NULL) st = RSDK_ERR_NOMEM;
        else {
            s->out = grown;
            s->capout = cap;
        }
    }
    if (st == RSDK_OK) {
        s->out[s->nout++] = (rsdk__sout){c, n, *rsdk_client_error(c)};
        n->refs++;
    }
    pthread_mutex_unlock(&s->mu);
    return st;
}

static rsdk_status run_acquire(rsdk_sentinel *s, rsdk__snode *n, void *ud, rsdk_error *e,
                               bool *sent) {
    (void)sent;
    rsdk_client **out = ud, *c;
    rsdk_status st = rsdk_pool_acquire(n->pool, &c, e);
    if (st) return st;
    if ((st = remember(s, c, n)) != RSDK_OK) {
        rsdk_pool_release(n->pool, c);
        return rsdk_error_set(e, st, 0, "no memory to record an acquired connection");
    }
    *out = c;
    return RSDK_OK;
}

rsdk_status rsdk_sentinel_acquire(rsdk_sentinel *s, rsdk_sentinel_role role, rsdk_client **out,
                                  rsdk_error *err) {
    if (s == NULL || out == NULL || (role != RSDK_SENTINEL_PRIMARY && role != RSDK_SENTINEL_REPLICA))
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "acquire needs a sentinel client, a role and a result");
    return with_failover(s, role, run_acquire, out, err);
}

rsdk_status rsdk_sentinel_release(rsdk_sentinel *s, rsdk_client *c) {
    if (c == NULL) return RSDK_OK;
    if (s == NULL) return RSDK_ERR_INVALID_ARG;
    rsdk__snode *n = NULL;
    rsdk_error before;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; n == NULL && i < s->nout; i++) {
        if (s->out[i].c != c) continue;
        n = s->out[i].node;
        before = s->out[i].at_acquire;
        s->out[i] = s->out[--s->nout];
    }
    pthread_mutex_unlock(&s->mu);
    if (n == NULL) return RSDK_ERR_INVALID_ARG;
    const rsdk_error *e = rsdk_client_error(c);
    /* A call that failed during the loan says what a failed call of ours
     * would. */
    if (e->code != RSDK_OK && memcmp(e, &before, sizeof before) != 0 &&
        failover_sign(RSDK_SENTINEL_PRIMARY, e))
        rsdk__sentinel_suspect(s, n);
    rsdk_pool_release(n->pool, c);
    drop(s, n);
    return RSDK_OK;
}
