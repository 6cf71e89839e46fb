/* bench_rsdk_scale.c — the scale workloads through rsdk: memory per idle
 * connection, sequential connects, threads through a pool or a client each,
 * and pool acquire + release at different pool sizes. */
#include "bench_common.h"

#include "rsdk/rsdk.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void client_opts(const bench_args *a, rsdk_client_opts *o) {
    rsdk_client_opts_init(o);
    o->protocol = a->protocol;
    if (a->tcp) {
        o->host = "127.0.0.1";
        o->port = a->tcp_port;
    } else {
        o->unix_path = a->socket_path;
    }
}

static rsdk_client *open_client(const bench_args *a) {
    rsdk_client_opts o;
    client_opts(a, &o);
    rsdk_client *c = NULL;
    rsdk_error err;
    if (rsdk_client_open(&o, &c, &err) != RSDK_OK) {
        fprintf(stderr, "bench: rsdk: cannot connect: %s\n", err.message);
        bench_fail("connect failed");
    }
    return c;
}

static void run_mem(const bench_args *a) {
    rsdk_client **all = calloc((size_t)a->ops, sizeof *all);
    if (all == NULL) bench_fail("out of memory");
    rsdk_client *first = open_client(a); /* one-time allocations out of the way */
    uint64_t rss0, heap0, rss1, heap1;
    bench_clock t0, t1;
    bench_memory(&rss0, &heap0);
    bench_clock_now(&t0);
    for (uint64_t i = 0; i < a->ops; i++) all[i] = open_client(a);
    bench_clock_now(&t1);
    bench_memory(&rss1, &heap1);
    char extra[96];
    snprintf(extra, sizeof extra, " rss_b=%lld heap_b=%lld", (long long)(rss1 - rss0),
             (long long)(heap1 - heap0));
    bench_report_extra(a, &t0, &t1, extra);
    for (uint64_t i = 0; i < a->ops; i++) rsdk_client_close(all[i]);
    rsdk_client_close(first);
    free(all);
}

/* n connects, a PING on `side` after every BENCH_CONNECT_PACE of them. */
static void connects(const bench_args *a, rsdk_client *side, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        rsdk_client_close(open_client(a));
        if (i % BENCH_CONNECT_PACE == BENCH_CONNECT_PACE - 1) {
            rsdk_reply *r = NULL;
            if (rsdk_client_command(side, &r, "PING", (const char *)NULL) != RSDK_OK) bench_fail("PING failed");
            rsdk_reply_free(r);
        }
    }
}

static void run_connect(const bench_args *a) {
    rsdk_client *side = open_client(a);
    connects(a, side, a->warmup);
    bench_clock t0, t1;
    bench_clock_now(&t0);
    connects(a, side, a->ops);
    bench_clock_now(&t1);
    bench_report(a, &t0, &t1);
    rsdk_client_close(side);
}

/* ---- threads ------------------------------------------------------------- */

static const char *const GET_ARGV[] = {"GET", BENCH_GET_KEY};
static const size_t GET_LEN[] = {3, sizeof BENCH_GET_KEY - 1};

typedef struct worker {
    const bench_args *a;
    rsdk_pool *pool;      /* or NULL: a client of its own */
    rsdk_client *c;
    uint64_t ops;
    pthread_barrier_t *start;
    pthread_t tid;
} worker;

static void check_get(rsdk_reply *r) {
    if (r == NULL || r->type != RSDK_REPLY_STRING || r->len != BENCH_VALUE_LEN)
        bench_fail("rsdk: unexpected reply");
    rsdk_reply_free(r);
}

static void *work(void *arg) {
    worker *w = arg;
    pthread_barrier_wait(w->start);
    for (uint64_t i = 0; i < w->ops; i++) {
        rsdk_reply *r = NULL;
        if (w->pool) {
            rsdk_error err;
            if (rsdk_pool_command_argv(w->pool, 2, GET_ARGV, GET_LEN, &r, &err) != RSDK_OK) {
                fprintf(stderr, "bench: rsdk: pool GET: %s\n", err.message);
                bench_fail("pool GET failed");
            }
        } else if (rsdk_client_command_argv(w->c, 2, GET_ARGV, GET_LEN, &r) != RSDK_OK) {
            bench_fail("GET failed");
        }
        check_get(r);
    }
    return NULL;
}

static rsdk_pool *open_pool(const bench_args *a) {
    static rsdk_client_opts co; /* outlives rsdk_pool_new, which copies it */
    client_opts(a, &co);
    rsdk_pool_opts po;
    rsdk_pool_opts_init(&po);
    po.client = &co;
    po.max_size = a->pool;
    po.min_idle = a->pool;
    po.acquire_timeout_ms = -1;
    rsdk_pool *p = NULL;
    rsdk_error err;
    if (rsdk_pool_new(&po, &p, &err) != RSDK_OK) {
        fprintf(stderr, "bench: rsdk: pool: %s\n", err.message);
        bench_fail("pool failed");
    }
    return p;
}

static void run_threads(const bench_args *a) {
    int n = a->threads;
    worker *ws = calloc((size_t)n, sizeof *ws);
    pthread_barrier_t start;
    if (ws == NULL || pthread_barrier_init(&start, NULL, (unsigned)n + 1) != 0) bench_fail("setup failed");
    rsdk_pool *p = a->pool ? open_pool(a) : NULL;
    for (int i = 0; i < n; i++) {
        ws[i] = (worker){.a = a, .pool = p, .ops = a->ops / (uint64_t)n, .start = &start};
        if (!p) ws[i].c = open_client(a);
        if (pthread_create(&ws[i].tid, NULL, work, &ws[i]) != 0) bench_fail("pthread_create failed");
    }
    bench_clock t0, t1;
    pthread_barrier_wait(&start);
    bench_clock_now(&t0);
    for (int i = 0; i < n; i++) pthread_join(ws[i].tid, NULL);
    bench_clock_now(&t1);
    bench_args done = *a;
    done.ops = a->ops / (uint64_t)n * (uint64_t)n;
    bench_report(&done, &t0, &t1);
    for (int i = 0; i < n; i++) rsdk_client_close(ws[i].c);
    rsdk_pool_free(p);
    pthread_barrier_destroy(&start);
    free(ws);
}

/* ---- pool operations ------------------------------------------------------- */

static void acquire_release(rsdk_pool *p, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        rsdk_client *c = NULL;
        rsdk_error err;
        if (rsdk_pool_acquire(p, &c, &err) != RSDK_OK) bench_fail("acquire failed");
        if (rsdk_pool_release(p, c) != RSDK_OK) bench_fail("release failed");
    }
}

static void run_poolops(const bench_args *a) {
    rsdk_pool *p = open_pool(a);
    acquire_release(p, a->warmup);
    bench_clock t0, t1;
    bench_clock_now(&t0);
    acquire_release(p, a->ops);
    bench_clock_now(&t1);
    bench_report(a, &t0, &t1);
    rsdk_pool_free(p);
}

int bench_scale_run(const bench_args *a) {
    switch (a->workload) {
    case BENCH_MEM: run_mem(a); return 0;
    case BENCH_CONNECT: run_connect(a); return 0;
    case BENCH_THREADS: run_threads(a); return 0;
    case BENCH_POOLOPS: run_poolops(a); return 0;
    default: bench_fail("not a scale workload");
    }
}
