/* rsdk_cluster: options, open and close, and the public calls over the
 * routing core (cluster_keys.c, cluster_exec.c, cluster_fanout.c). */
#include <limits.h>
#include <stdarg.h>

#include "alloc.h"
#include "args.h"
#include "cluster_types.h"
#include "rsdk/writer.h"

void rsdk_cluster_opts_init(rsdk_cluster_opts *o) {
    memset(o, 0, sizeof *o);
    o->pool_max_size = 8;
    o->refresh_interval_ms = 30000;
    o->max_redirects = 5;
    o->read_from = RSDK_READ_PRIMARY;
}

/* The template's strings, copied: the caller's (and the seed URL's) are
 * borrowed only during open. */
static rsdk_status copy_strings(rsdk_cluster *cl) {
    if (cl->copts.tls) {
        cl->tls = *cl->copts.tls;
        cl->copts.tls = &cl->tls;
    }
    struct {
        const char **field;
        char **copy;
    } s[] = {
        {&cl->copts.username, &cl->username},
        {&cl->copts.password, &cl->password},
        {&cl->copts.client_name, &cl->client_name},
        {&cl->tls.ca_file, &cl->tls_ca_file},
        {&cl->tls.ca_dir, &cl->tls_ca_dir},
        {&cl->tls.cert_file, &cl->tls_cert_file},
        {&cl->tls.key_file, &cl->tls_key_file},
        {&cl->tls.server_name, &cl->tls_server_name},
        {&cl->tls.min_version, &cl->tls_min_version},
        {&cl->tls.ciphers, &cl->tls_ciphers},
        {&cl->tls.ciphersuites, &cl->tls_ciphersuites},
    };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        if (*s[i].field == NULL) continue;
        *s[i].copy = rsdk__strdup(*s[i].field);
        if (*s[i].copy == NULL) return RSDK_ERR_NOMEM;
        *s[i].field = *s[i].copy;
    }
    return RSDK_OK;
}

static void free_strings(rsdk_cluster *cl) {
    if (cl->password) rsdk__wipe(cl->password, strlen(cl->password));
    char *all[] = {cl->username,      cl->password,      cl->client_name,   cl->tls_ca_file,
                   cl->tls_ca_dir,    cl->tls_cert_file, cl->tls_key_file,  cl->tls_server_name,
                   cl->tls_min_version, cl->tls_ciphers, cl->tls_ciphersuites};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) rsdk__free(all[i]);
}

/* Seeds become the first nodes; the first seed's URL fills in the
 * connection options (credentials, TLS, protocol) for every node. */
static rsdk_status add_seeds(rsdk_cluster *cl, const rsdk_cluster_opts *o, rsdk_error *err) {
    for (size_t i = 0; i < o->nseeds; i++) {
        rsdk_url u;
        rsdk_status s = rsdk_url_parse(o->seeds[i], &u, err);
        if (s) return s;
        if (u.host == NULL) {
            rsdk_url_deinit(&u);
            return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                                  "cluster seed %zu: a cluster node needs host:port, not a "
                                  "Unix socket", i);
        }
        if (i == 0) {
            rsdk_client_opts_from_url(&cl->copts, &u);
            s = copy_strings(cl);
        }
        if (s == RSDK_OK && rsdk__cnode_get(cl, u.host, u.port, NULL) == NULL) s = RSDK_ERR_NOMEM;
        rsdk_url_deinit(&u);
        if (s) return rsdk_error_set(err, s, 0, "no memory for the cluster's seeds");
    }
    return RSDK_OK;
}

static rsdk_status setup(rsdk_cluster *cl, const rsdk_cluster_opts *o, rsdk_error *err) {
    if (o->client) cl->copts = *o->client;
    else rsdk_client_opts_init(&cl->copts);
    cl->copts.unix_path = NULL;
    rsdk_status s = add_seeds(cl, o, err);
    if (s) return s;
    if (o->nseeds == 0 && (s = copy_strings(cl)) != RSDK_OK)
        return rsdk_error_set(err, s, 0, "no memory for the cluster's options");
    if (cl->copts.db != 0)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "a cluster has only database 0");
    rsdk_retry_policy_init_none(&cl->node_retry);
    cl->copts.retry = &cl->node_retry;
    if (o->retry) cl->retry = *o->retry;
    else rsdk_retry_policy_init(&cl->retry);
    cl->pool_max_size = o->pool_max_size;
    cl->refresh_interval_ms = o->refresh_interval_ms;
    cl->max_redirects = o->max_redirects;
    cl->read_from = o->read_from;
    cl->rng = rsdk_backoff_seed_auto() | 1;
    if ((s = rsdk__cindex_build(&cl->index, o->tables, o->ntables)) != RSDK_OK)
        return rsdk_error_set(err, s, 0, "bad or too large command tables");
    cl->map = rsdk__cmap_new();
    if (cl->map == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for the slot map");
    return rsdk__cluster_refresh_if_older(cl, 0, err);
}

rsdk_status rsdk_cluster_open(const rsdk_cluster_opts *o, rsdk_cluster **out, rsdk_error *err) {
    if (o == NULL || out == NULL || o->nseeds == 0 || o->seeds == NULL ||
        (o->ntables > 0 && o->tables == NULL) || o->pool_max_size < 1 || o->max_redirects < 0 ||
        o->refresh_interval_ms < 0 || (unsigned)o->read_from > RSDK_READ_ROUND_ROBIN)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "cluster options need seeds, a pool size >= 1, no negative "
                              "counts and a known read_from");
    rsdk_cluster *cl = rsdk__calloc(1, sizeof *cl);
    if (cl == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for a cluster");
    if (pthread_mutex_init(&cl->mu, NULL) != 0) {
        rsdk__free(cl);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "cannot create a mutex");
    }
    if (pthread_cond_init(&cl->refreshed, NULL) != 0) {
        pthread_mutex_destroy(&cl->mu);
        rsdk__free(cl);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "cannot create a condition variable");
    }
    rsdk_status s = setup(cl, o, err);
    if (s) {
        rsdk_cluster_close(cl);
        return s;
    }
    *out = cl;
    return RSDK_OK;
}

void rsdk_cluster_close(rsdk_cluster *cl) {
    if (cl == NULL) return;
    for (size_t i = 0; i < cl->nnodes; i++) {
        rsdk_pool_free(cl->nodes[i]->pool);
        rsdk__free(cl->nodes[i]->host);
        rsdk__free(cl->nodes[i]);
    }
    rsdk__free(cl->nodes);
    rsdk__cmap_free(cl->map);
    rsdk__cindex_free(&cl->index);
    rsdk__free(cl->scratch);
    free_strings(cl);
    pthread_cond_destroy(&cl->refreshed);
    pthread_mutex_destroy(&cl->mu);
    rsdk__free(cl);
}

/* An error reply becomes the call's status; anything else is the result. */
static rsdk_status single_result(rsdk_reply *r, rsdk_reply **out, rsdk_error *err) {
    if (r->type == RSDK_REPLY_ERROR) {
        rsdk_status s = rsdk_error_from_server(err, r->str, r->len);
        rsdk_reply_free(r);
        return s;
    }
    *out = r;
    return RSDK_OK;
}

rsdk_status rsdk_cluster_command_argv(rsdk_cluster *cl, size_t argc, const char *const *argv,
                                      const size_t *argvlen, rsdk_reply **out, rsdk_error *err) {
    if (cl == NULL || out == NULL || argc < 1 || argv == NULL)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "command needs a cluster, arguments and a result");
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_status s = rsdk_write_command(&b, argc, argv, argvlen);
    if (s) {
        rsdk_buf_deinit(&b);
        return rsdk_error_set(err, s, 0, "cannot encode the command");
    }
    size_t pos = 0;
    rsdk__ccmd cmd;
    if (!rsdk__ccmd_parse(b.data, b.len, &pos, &cmd, &s)) {
        rsdk_buf_deinit(&b);
        return rsdk_error_set(err, s, 0, "cannot read the command back");
    }
    rsdk_reply *r = NULL;
    s = rsdk__ccmd_session(&cmd) ? rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                                               "%.*s: needs one connection: queue MULTI ... EXEC in "
                                               "rsdk_cluster_send_encoded, or use rsdk_cluster_acquire",
                                               (int)cmd.argv[0].len, cmd.argv[0].p)
                              : rsdk__cluster_run(cl, &cmd, &r, err);
    rsdk__ccmd_deinit(&cmd);
    rsdk_buf_deinit(&b);
    if (s) return s;
    return single_result(r, out, err);
}

rsdk_status rsdk_cluster_command(rsdk_cluster *cl, rsdk_reply **out, rsdk_error *err,
                                 const char *arg0, ...) {
    if (arg0 == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "command needs arguments");
    va_list ap;
    size_t n = 0;
    va_start(ap, arg0);
    const char *small[RSDK__ARGS_SMALL];
    const char **argv = rsdk__args_collect(arg0, ap, small, &n);
    va_end(ap);
    if (argv == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for arguments");
    rsdk_status s = rsdk_cluster_command_argv(cl, n, argv, NULL, out, err);
    rsdk__args_release(argv, small);
    return s;
}

rsdk_status rsdk_cluster_command_slot(rsdk_cluster *cl, size_t argc, const char *const *argv,
                                      const size_t *argvlen, int *slot, rsdk_error *err) {
    if (cl == NULL || slot == NULL || argc < 1 || argv == NULL)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "needs a cluster, arguments and a result");
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_status s = rsdk_write_command(&b, argc, argv, argvlen);
    size_t pos = 0;
    rsdk__ccmd cmd;
    if (s == RSDK_OK && rsdk__ccmd_parse(b.data, b.len, &pos, &cmd, &s)) {
        rsdk__croute rt;
        s = rsdk__croute_of(cl, &cmd, &rt, err);
        if (s == RSDK_OK) *slot = rt.kind == RSDK__ROUTE_SLOT ? rt.slot : -1;
        rsdk__ccmd_deinit(&cmd);
    } else {
        rsdk_error_set(err, s, 0, "cannot encode the command");
    }
    rsdk_buf_deinit(&b);
    return s;
}

rsdk_status rsdk_cluster_acquire(rsdk_cluster *cl, unsigned slot, rsdk_client **out,
                                 rsdk_error *err) {
    if (cl == NULL || out == NULL || slot >= RSDK__SLOTS)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "needs a cluster, a slot below 16384 and a result");
    rsdk__cnode *n = rsdk__cluster_node_for(cl, (int)slot);
    if (n == NULL) {
        rsdk__cluster_refresh_if_older(cl, 100, NULL);
        n = rsdk__cluster_node_for(cl, (int)slot);
    }
    if (n == NULL) return rsdk_error_set(err, RSDK_ERR_CLUSTERDOWN, 0, "slot %u has no known owner", slot);
    rsdk_pool *pool;
    rsdk_status s = rsdk__cnode_pool(cl, n, &pool, err);
    return s ? s : rsdk_pool_acquire(pool, out, err);
}

rsdk_status rsdk_cluster_release(rsdk_cluster *cl, rsdk_client *c) {
    if (c == NULL) return RSDK_OK;
    if (cl == NULL) return RSDK_ERR_INVALID_ARG;
    pthread_mutex_lock(&cl->mu);
    size_t n = cl->nnodes;
    pthread_mutex_unlock(&cl->mu);
    /* The node's pool knows its own clients; nodes never go away. */
    for (size_t i = 0; i < n; i++) {
        pthread_mutex_lock(&cl->mu);
        rsdk_pool *p = cl->nodes[i]->pool;
        pthread_mutex_unlock(&cl->mu);
        if (p && rsdk_pool_release(p, c) == RSDK_OK) return RSDK_OK;
    }
    return RSDK_ERR_INVALID_ARG;
}

void rsdk_cluster_stats_get(rsdk_cluster *cl, rsdk_cluster_stats *out) {
    pthread_mutex_lock(&cl->mu);
    *out = cl->stats;
    out->nodes = 0;
    for (size_t i = 0; i < cl->nnodes; i++) out->nodes += cl->nodes[i]->pool != NULL;
    out->primaries = cl->map->nshards;
    pthread_mutex_unlock(&cl->mu);
}
