/* bench_search_hiredis.c — search_knn_10 through hiredis: the same FT.SEARCH
 * rsdk sends (bench_search_rsdk.c), and the reply parsed by hand into the
 * same kind of result a user would build (id, distance, fields), the way a
 * hiredis user writes it. Built by run.sh against Debian's hiredis. */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "bench_search_common.h"

typedef struct hdoc {
    const char *id;
    double dist;
    const redisReply *fields; /* flat name/value list */
} hdoc;

static void run(redisContext *c, const char **argv, const size_t *len, int argc, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        redisReply *r = redisCommandArgv(c, argc, argv, len);
        if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 1 + 2 * BENCH_KNN_K ||
            r->element[0]->type != REDIS_REPLY_INTEGER)
            bench_fail("hiredis: unexpected FT.SEARCH reply");
        hdoc docs[BENCH_KNN_K];
        double prev = -1;
        for (size_t d = 0; d < BENCH_KNN_K; d++) {
            const redisReply *id = r->element[1 + 2 * d], *f = r->element[2 + 2 * d];
            if (id->type != REDIS_REPLY_STRING || f->type != REDIS_REPLY_ARRAY || f->elements % 2)
                bench_fail("hiredis: unexpected document");
            docs[d].id = id->str;
            docs[d].fields = f;
            docs[d].dist = -1;
            for (size_t k = 0; k + 1 < f->elements; k += 2)
                if (f->element[k]->type == REDIS_REPLY_STRING && strcmp(f->element[k]->str, "__dist") == 0)
                    docs[d].dist = strtod(f->element[k + 1]->str, NULL);
            if (docs[d].dist < prev) bench_fail("hiredis: not sorted");
            prev = docs[d].dist;
        }
        freeReplyObject(r);
    }
}

int main(int argc, char **argv) {
    if (argc < 3 || strcmp(argv[1], "search_knn_10") != 0) {
        fprintf(stderr, "usage: bench_search_hiredis search_knn_10 <unix-socket> [ops]\n");
        return 2;
    }
    bench_args a = {.workload_name = "search_knn_10", .socket_path = argv[2],
                    .ops = argc > 3 ? strtoull(argv[3], NULL, 10) : BENCH_KNN_OPS};
    a.warmup = a.ops / 10;
    redisContext *c = redisConnectUnix(a.socket_path);
    if (c == NULL || c->err) bench_fail("hiredis: cannot connect");
    static unsigned char qv[BENCH_KNN_DIM * 4];
    bench_knn_vector(BENCH_KNN_DOCS, qv);
    /* What rsearch_ft_knn sends for the same query. */
    const char *av[] = {"FT.SEARCH", BENCH_KNN_INDEX, BENCH_KNN_QUERY, "SORTBY", "__dist", "ASC",
                        "LIMIT", "0", "10", "PARAMS", "2", "vec", (const char *)qv, "DIALECT", "2"};
    size_t len[15];
    for (int i = 0; i < 15; i++) len[i] = i == 12 ? sizeof qv : strlen(av[i]); /* av[12]: the blob */
    run(c, av, len, 15, a.warmup);
    bench_clock t0, t1;
    bench_clock_now(&t0);
    run(c, av, len, 15, a.ops);
    bench_clock_now(&t1);
    bench_report(&a, &t0, &t1);
    redisFree(c);
    return 0;
}
