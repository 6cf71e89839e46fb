/* bench_hiredis_scale.c — the scale workloads through hiredis, as a hiredis
 * user writes them: a context per connection (HELLO 3 for RESP3), a context
 * per thread. hiredis has no pool, so the pool workloads are rsdk's alone
 * (run.sh compares them with hiredis's context per thread). */
#include "bench_common.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static redisContext *open_ctx(const bench_args *a) {
    redisContext *c = a->tcp ? redisConnect("127.0.0.1", a->tcp_port) : redisConnectUnix(a->socket_path);
    if (c == NULL || c->err) bench_fail("hiredis: cannot connect");
    if (a->protocol == 3) {
        redisReply *r = redisCommand(c, "HELLO 3");
        if (r == NULL || r->type != REDIS_REPLY_MAP) bench_fail("hiredis: HELLO 3 failed");
        freeReplyObject(r);
    }
    return c;
}

static void run_mem(const bench_args *a) {
    redisContext **all = calloc((size_t)a->ops, sizeof *all);
    if (all == NULL) bench_fail("out of memory");
    redisContext *first = open_ctx(a);
    uint64_t rss0, heap0, rss1, heap1;
    bench_clock t0, t1;
    bench_memory(&rss0, &heap0);
    bench_clock_now(&t0);
    for (uint64_t i = 0; i < a->ops; i++) all[i] = open_ctx(a);
    bench_clock_now(&t1);
    bench_memory(&rss1, &heap1);
    char extra[96];
    snprintf(extra, sizeof extra, " rss_b=%lld heap_b=%lld", (long long)(rss1 - rss0),
             (long long)(heap1 - heap0));
    bench_report_extra(a, &t0, &t1, extra);
    for (uint64_t i = 0; i < a->ops; i++) redisFree(all[i]);
    redisFree(first);
    free(all);
}

/* n connects, a PING on `side` after every BENCH_CONNECT_PACE of them. */
static void connects(const bench_args *a, redisContext *side, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        redisFree(open_ctx(a));
        if (i % BENCH_CONNECT_PACE == BENCH_CONNECT_PACE - 1) {
            redisReply *r = redisCommand(side, "PING");
            if (r == NULL) bench_fail("hiredis: PING failed");
            freeReplyObject(r);
        }
    }
}

static void run_connect(const bench_args *a) {
    redisContext *side = open_ctx(a);
    connects(a, side, a->warmup);
    bench_clock t0, t1;
    bench_clock_now(&t0);
    connects(a, side, a->ops);
    bench_clock_now(&t1);
    bench_report(a, &t0, &t1);
    redisFree(side);
}

static const char *GET_ARGV[] = {"GET", BENCH_GET_KEY};
static const size_t GET_LEN[] = {3, sizeof BENCH_GET_KEY - 1};

typedef struct worker {
    redisContext *c;
    uint64_t ops;
    pthread_barrier_t *start;
    pthread_t tid;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    pthread_barrier_wait(w->start);
    for (uint64_t i = 0; i < w->ops; i++) {
        redisReply *r = redisCommandArgv(w->c, 2, GET_ARGV, GET_LEN);
        if (r == NULL || r->type != REDIS_REPLY_STRING || r->len != BENCH_VALUE_LEN)
            bench_fail("hiredis: unexpected reply");
        freeReplyObject(r);
    }
    return NULL;
}

static void run_threads(const bench_args *a) {
    if (a->pool) bench_fail("hiredis has no pool: use threads<T>_client");
    int n = a->threads;
    worker *ws = calloc((size_t)n, sizeof *ws);
    pthread_barrier_t start;
    if (ws == NULL || pthread_barrier_init(&start, NULL, (unsigned)n + 1) != 0) bench_fail("setup failed");
    for (int i = 0; i < n; i++) {
        ws[i] = (worker){.c = open_ctx(a), .ops = a->ops / (uint64_t)n, .start = &start};
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
    for (int i = 0; i < n; i++) redisFree(ws[i].c);
    pthread_barrier_destroy(&start);
    free(ws);
}

int bench_scale_run(const bench_args *a) {
    switch (a->workload) {
    case BENCH_MEM: run_mem(a); return 0;
    case BENCH_CONNECT: run_connect(a); return 0;
    case BENCH_THREADS: run_threads(a); return 0;
    default: bench_fail("hiredis has no pool (poolops is rsdk's alone)");
    }
}
