/* bench_cluster.c — 100 GETs per batch through the cluster client across
 * the primaries of a cluster, or through one sync client on one server.
 * Both encode the batch the same way (rsdk_write_command into one buffer)
 * and check every reply, so the difference is the cluster's routing,
 * grouping and per-node round trips.
 *
 *   bench_cluster cluster <host:port of a node> [ops]
 *   bench_cluster single <host:port> [ops]
 *   bench_cluster split <host:port of a node> [ops]
 *   bench_cluster pipeline <host:port> [ops]
 *   bench_cluster cluster_pipeline <host:port of a node> [ops]
 *   bench_cluster pipeline_typed <host:port> [ops]
 *   bench_cluster cluster_pipeline_typed <host:port of a node> [ops]
 *
 * `split` is the floor of the cluster case: one plain client per primary,
 * each sent the GETs of its own keys (grouped once, before timing), so it
 * pays the per-node round trips without any routing. `pipeline` is the
 * single-node case through an rsdk_pipeline (rsdk_pipeline_append_argv,
 * as bench_rsdk's get_pipeline100), which does not walk its commands again
 * before sending them as rsdk_client_send_encoded does. `cluster_pipeline`
 * is the cluster case through the cluster's rsdk_pipeline
 * (rsdk_cluster_pipeline_new), queued as `pipeline` queues. The _typed
 * ones queue with the generated rcore_get_queue instead of
 * rsdk_pipeline_append_argv.
 *
 * Prints the "result ..." line bench/run.sh reads (workload
 * cluster_get_pipeline100). */
#include "bench_common.h"

#include "rsdk/core.h"
#include "rsdk/rsdk.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static char keys[BENCH_PIPELINE_BATCH][32];

static void check_value(const rsdk_reply *r) {
    if (r == NULL || r->type != RSDK_REPLY_STRING || r->len != BENCH_VALUE_LEN)
        bench_fail("rsdk: unexpected reply");
}

typedef struct target {
    rsdk_client *c;
    rsdk_pipeline *p; /* pipeline: the single client's; cluster_pipeline: the cluster's */
    bool typed;       /* queued with rcore_get_queue */
    rsdk_cluster *cl;
    rsdk_client *node[8]; /* split: one client per primary */
    size_t nnodes;
    int key_node[BENCH_PIPELINE_BATCH];
} target;

static void encode_batch(rsdk_buf *b) {
    rsdk_buf_clear(b);
    for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++) {
        const char *argv[2] = {"GET", keys[i]};
        if (rsdk_write_command(b, 2, argv, NULL) != RSDK_OK) bench_fail("encode");
    }
}

static void run_split(target *t, rsdk_buf *b, uint64_t n) {
    rsdk_reply *rep[BENCH_PIPELINE_BATCH];
    for (uint64_t done = 0; done < n; done += BENCH_PIPELINE_BATCH) {
        for (size_t k = 0; k < t->nnodes; k++) {
            rsdk_buf_clear(b);
            size_t m = 0;
            for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++) {
                if (t->key_node[i] != (int)k) continue;
                const char *argv[2] = {"GET", keys[i]};
                if (rsdk_write_command(b, 2, argv, NULL) != RSDK_OK) bench_fail("encode");
                m++;
            }
            if (rsdk_client_send_encoded(t->node[k], b, m, rep) != RSDK_OK) bench_fail("pipeline failed");
            for (size_t i = 0; i < m; i++) {
                check_value(rep[i]);
                rsdk_reply_free(rep[i]);
            }
        }
    }
}

static void run(target *t, rsdk_buf *b, uint64_t n) {
    rsdk_reply *rep[BENCH_PIPELINE_BATCH];
    if (t->nnodes) {
        run_split(t, b, n);
        return;
    }
    if (t->p) {
        for (uint64_t done = 0; done < n; done += BENCH_PIPELINE_BATCH) {
            for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++) {
                const char *argv[2] = {"GET", keys[i]};
                rsdk_status s = t->typed ? rcore_get_queue(t->p, keys[i], NULL)
                                         : rsdk_pipeline_append_argv(t->p, 2, argv, NULL);
                if (s != RSDK_OK) bench_fail("append");
            }
            if (rsdk_pipeline_exec(t->p) != RSDK_OK) bench_fail("pipeline failed");
            for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++) check_value(rsdk_pipeline_reply(t->p, i));
        }
        return;
    }
    for (uint64_t done = 0; done < n; done += BENCH_PIPELINE_BATCH) {
        encode_batch(b);
        rsdk_error err;
        rsdk_status s = t->cl ? rsdk_cluster_send_encoded(t->cl, b, BENCH_PIPELINE_BATCH, rep, &err)
                              : rsdk_client_send_encoded(t->c, b, BENCH_PIPELINE_BATCH, rep);
        if (s != RSDK_OK) bench_fail("pipeline failed");
        for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++) {
            check_value(rep[i]);
            rsdk_reply_free(rep[i]);
        }
    }
}

int main(int argc, char **argv) {
    bool typed = argc >= 2 && strstr(argv[1], "_typed") != NULL;
    size_t mode_len = argc >= 2 ? strlen(argv[1]) - (typed ? 6 : 0) : 0;
    bool pipeline = argc >= 2 && mode_len == 8 && strncmp(argv[1], "pipeline", 8) == 0;
    bool cluster_pipeline = argc >= 2 && mode_len == 16 && strncmp(argv[1], "cluster_pipeline", 16) == 0;
    if (argc < 3 || (strcmp(argv[1], "cluster") != 0 && strcmp(argv[1], "single") != 0 &&
                     strcmp(argv[1], "split") != 0 && !pipeline && !cluster_pipeline)) {
        fprintf(stderr, "usage: bench_cluster cluster|single|split|pipeline[_typed]|cluster_pipeline[_typed] "
                        "<host:port> [ops]\n");
        return 2;
    }
    bench_args a = {.workload = BENCH_GET_PIPELINE, .workload_name = "cluster_get_pipeline100",
                    .ops = 300000, .warmup = 30000};
    if (argc > 3) a.ops = strtoull(argv[3], NULL, 10) / BENCH_PIPELINE_BATCH * BENCH_PIPELINE_BATCH;
    char url[128];
    snprintf(url, sizeof url, "redis://%s", argv[2]);
    for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++) snprintf(keys[i], sizeof keys[i], "bench:cl:%u", i);

    target t = {.typed = typed};
    rsdk_error err;
    if (strcmp(argv[1], "single") != 0 && !pipeline) {
        const char *seeds[] = {url};
        rsdk_cluster_opts o;
        rsdk_cluster_opts_init(&o);
        o.seeds = seeds;
        o.nseeds = 1;
        rsdk_command_table table = {rcore_commands, rcore_commands_count};
        o.tables = &table;
        o.ntables = 1;
        if (rsdk_cluster_open(&o, &t.cl, &err) != RSDK_OK) {
            fprintf(stderr, "bench: cluster open: %s\n", err.message);
            return 1;
        }
    } else if (rsdk_client_open_url(url, &t.c, &err) != RSDK_OK) {
        fprintf(stderr, "bench: open: %s\n", err.message);
        return 1;
    }
    /* The keys, each with the 63-byte value. */
    char value[BENCH_VALUE_LEN + 1];
    bench_value(value);
    value[BENCH_VALUE_LEN] = '\0';
    for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++) {
        rsdk_reply *r = NULL;
        rsdk_status s = t.cl ? rsdk_cluster_command(t.cl, &r, &err, "SET", keys[i], value, (const char *)NULL)
                             : rsdk_client_command(t.c, &r, "SET", keys[i], value, (const char *)NULL);
        if (s != RSDK_OK) bench_fail("SET failed");
        rsdk_reply_free(r);
    }
    if (strcmp(argv[1], "split") == 0) {
        char owners[8][64];
        for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++) {
            char o[64];
            if (rsdk_cluster_slot_owner(t.cl, rsdk_cluster_keyslot(keys[i], strlen(keys[i])), o, sizeof o))
                bench_fail("no owner");
            size_t k = 0;
            while (k < t.nnodes && strcmp(owners[k], o) != 0) k++;
            if (k == t.nnodes) {
                if (k == 8) bench_fail("too many nodes");
                snprintf(owners[k], sizeof owners[k], "%s", o);
                char u[96];
                snprintf(u, sizeof u, "redis://%s", o);
                if (rsdk_client_open_url(u, &t.node[k], &err) != RSDK_OK) bench_fail("open node");
                t.nnodes++;
            }
            t.key_node[i] = (int)k;
        }
        rsdk_cluster_close(t.cl);
        t.cl = NULL;
    }
    if (pipeline && rsdk_pipeline_new(t.c, &t.p) != RSDK_OK) bench_fail("pipeline");
    if (cluster_pipeline && rsdk_cluster_pipeline_new(t.cl, &t.p, &err) != RSDK_OK) bench_fail("cluster pipeline");
    rsdk_buf b;
    rsdk_buf_init(&b);
    run(&t, &b, a.warmup);
    bench_clock t0, t1;
    bench_clock_now(&t0);
    run(&t, &b, a.ops);
    bench_clock_now(&t1);
    bench_report(&a, &t0, &t1);
    rsdk_buf_deinit(&b);
    rsdk_pipeline_free(t.p);
    rsdk_cluster_close(t.cl);
    rsdk_client_close(t.c);
    for (size_t k = 0; k < t.nnodes; k++) rsdk_client_close(t.node[k]);
    return 0;
}
