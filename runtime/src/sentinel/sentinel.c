/* rsdk_sentinel: options, open and close, and the small public calls over
 * discovery (sentinel_discover.c), calls with failover (sentinel_call.c)
 * and the watch thread (sentinel_watch.c). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "args.h"
#include "client_opts.h"
#include "sentinel_types.h"

void rsdk_sentinel_opts_init(rsdk_sentinel_opts *o) {
    memset(o, 0, sizeof *o);
    o->pool_max_size = 8;
    o->watch = true;
}

static rsdk_status check_opts(const rsdk_sentinel_opts *o, rsdk_error *err) {
    if (o == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "no sentinel options");
    if (o->master_name == NULL || o->master_name[0] == '\0')
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "sentinel options need a master name");
    if (o->nsentinels == 0 || o->sentinels == NULL)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "sentinel options need at least one sentinel");
    if (o->pool_max_size < 1)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "pool_max_size must be at least 1");
    return RSDK_OK;
}

static rsdk_status add_sentinels(rsdk_sentinel *s, const rsdk_sentinel_opts *o, rsdk_error *err) {
    s->sentinels = rsdk__calloc(o->nsentinels, sizeof *s->sentinels);
    if (s->sentinels == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for the sentinels");
    for (size_t i = 0; i < o->nsentinels; i++) {
        rsdk_status st = rsdk__saddr_parse(o->sentinels[i], &s->sentinels[i]);
        if (st == RSDK_ERR_INVALID_ARG)
            return rsdk_error_set(err, st, 0, "sentinel %zu: \"%s\" is not host:port", i,
                                  o->sentinels[i] ? o->sentinels[i] : "(null)");
        if (st) return rsdk_error_set(err, st, 0, "no memory for the sentinels");
        s->nsentinels++;
    }
    return RSDK_OK;
}

static rsdk_status setup(rsdk_sentinel *s, const rsdk_sentinel_opts *o, rsdk_error *err) {
    rsdk_status st = add_sentinels(s, o, err);
    if (st) return st;
    rsdk_client_opts defaults;
    rsdk_client_opts_init(&defaults);
    if ((s->name = rsdk__strdup(o->master_name)) == NULL ||
        rsdk__client_opts_copy(&s->sopts, &s->copied, &s->stls,
                               o->sentinel_client ? o->sentinel_client : &defaults) != RSDK_OK ||
        rsdk__client_opts_copy(&s->dopts, &s->copied, &s->dtls, o->client ? o->client : &defaults) != RSDK_OK)
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for the sentinel options");
    rsdk_retry_policy_init_none(&s->none);
    if (o->retry) {
        s->retry = *o->retry;
    } else {
        rsdk_retry_policy_init(&s->retry);
        s->retry.max_attempts = RSDK_RETRY_UNBOUNDED; /* the deadline ends them */
    }
    s->pool_max_size = o->pool_max_size;
    s->watch = o->watch;
    if ((st = rsdk__sentinel_discover(s, 0, err)) != RSDK_OK) return st;
    return s->watch ? rsdk__sentinel_watch_start(s, err) : RSDK_OK;
}

rsdk_status rsdk_sentinel_open(const rsdk_sentinel_opts *o, rsdk_sentinel **out, rsdk_error *err) {
    rsdk_status st = check_opts(o, err);
    if (st) return st;
    if (out == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "no result pointer");
    rsdk_sentinel *s = rsdk__calloc(1, sizeof *s);
    if (s == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for a sentinel client");
    bool mu = pthread_mutex_init(&s->mu, NULL) == 0;
    if (!mu || pthread_cond_init(&s->changed, NULL) != 0) {
        if (mu) pthread_mutex_destroy(&s->mu);
        rsdk__free(s);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "cannot create a mutex or condition variable");
    }
    if ((st = setup(s, o, err)) != RSDK_OK) {
        rsdk_sentinel_close(s);
        return st;
    }
    *out = s;
    return RSDK_OK;
}

void rsdk_sentinel_close(rsdk_sentinel *s) {
    if (s == NULL) return;
    rsdk__sentinel_watch_stop(s);
    /* Every reference is the handle's or an acquired client's now. */
    rsdk__snode_free(rsdk__snode_unref(s->primary));
    for (size_t i = 0; i < s->nreplicas; i++) rsdk__snode_free(rsdk__snode_unref(s->replicas[i]));
    for (size_t i = 0; i < s->nout; i++) rsdk__snode_free(rsdk__snode_unref(s->out[i].node));
    rsdk__free(s->out);
    for (size_t i = 0; i < s->nsentinels; i++) rsdk__free(s->sentinels[i].host);
    rsdk__free(s->sentinels);
    rsdk__client_opts_free(&s->sopts, &s->stls);
    rsdk__client_opts_free(&s->dopts, &s->dtls);
    rsdk__free(s->name);
    pthread_cond_destroy(&s->changed);
    pthread_mutex_destroy(&s->mu);
    rsdk__free(s);
}

rsdk_status rsdk_sentinel_refresh(rsdk_sentinel *s, rsdk_error *err) {
    if (s == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "no sentinel client");
    pthread_mutex_lock(&s->mu);
    uint64_t gen = s->gen;
    pthread_mutex_unlock(&s->mu);
    return rsdk__sentinel_discover(s, gen, err);
}

rsdk_status rsdk_sentinel_primary(rsdk_sentinel *s, char *buf, size_t size) {
    if (s == NULL || buf == NULL || size == 0) return RSDK_ERR_INVALID_ARG;
    rsdk_status st = RSDK_ERR_MASTERDOWN;
    pthread_mutex_lock(&s->mu);
    if (s->primary) {
        snprintf(buf, size, "%s:%d", s->primary->addr.host, s->primary->addr.port);
        st = RSDK_OK;
    }
    pthread_mutex_unlock(&s->mu);
    return st;
}

void rsdk_sentinel_stats_get(rsdk_sentinel *s, rsdk_sentinel_stats *out) {
    pthread_mutex_lock(&s->mu);
    *out = s->stats;
    pthread_mutex_unlock(&s->mu);
}

rsdk_status rsdk_sentinel_command(rsdk_sentinel *s, rsdk_reply **out, rsdk_error *err,
                                  const char *arg0, ...) {
    if (arg0 == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "command needs arguments");
    va_list ap;
    size_t n = 0;
    const char *small[RSDK__ARGS_SMALL];
    va_start(ap, arg0);
    const char **argv = rsdk__args_collect(arg0, ap, small, &n);
    va_end(ap);
    if (argv == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for arguments");
    rsdk_status st = rsdk_sentinel_command_argv(s, RSDK_SENTINEL_PRIMARY, n, argv, NULL, out, err);
    rsdk__args_release(argv, small);
    return st;
}
