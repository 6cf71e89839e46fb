/* bench_search_rsdk.c — search_knn_10 through rsdk's typed KNN call
 * (rsearch_ft_knn: FT.SEARCH with the vector as a parameter, read into
 * rsearch_result), and the loader of its data set.
 *
 *   bench_search_rsdk setup <unix-socket>           create and fill "knnb"
 *   bench_search_rsdk search_knn_10 <unix-socket> [ops] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "bench_search_common.h"
#include "rsdk/rsdk.h"
#include "rsdk/search.h"
#include "rsdk/search_info.h"
#include "rsdk/search_result.h"
#include "rsdk/search_schema.h"

static rsdk_client *open_client(const char *sock) {
    rsdk_client_opts o;
    rsdk_client_opts_init(&o);
    o.unix_path = sock;
    o.protocol = 2; /* the reply hiredis reads too */
    o.command_timeout_ms = 60000;
    rsdk_client *c = NULL;
    rsdk_error e;
    if (rsdk_client_open(&o, &c, &e) != RSDK_OK) bench_fail(e.message);
    return c;
}

static void setup(const char *sock) {
    rsdk_client *c = open_client(sock);
    rsdk_reply *r = NULL;
    if (rsdk_client_command(c, &r, "FLUSHALL", (const char *)NULL) != RSDK_OK) bench_fail("FLUSHALL");
    rsdk_reply_free(r);
    rsdk_client_command(c, &r, "FT.DROPINDEX", BENCH_KNN_INDEX, (const char *)NULL); /* may not exist */
    rsdk_reply_free(r);
    const rsearch_field f[] = {
        {.type = RSEARCH_FIELD_TAG, .name = rsdk_str_c("tag")},
        {.type = RSEARCH_FIELD_VECTOR, .name = rsdk_str_c("v"), .algorithm = RSEARCH_VECTOR_FLAT,
         .vector_type = RSEARCH_VECTOR_FLOAT32, .dim = BENCH_KNN_DIM, .metric = RSEARCH_DISTANCE_L2},
    };
    const rsdk_str prefix[] = {rsdk_str_c("k:")};
    const rsearch_index_def def = {.prefix = prefix, .prefix_count = 1};
    if (rsearch_create_index(c, rsdk_str_c(BENCH_KNN_INDEX), &def, f, 2) != RSDK_OK)
        bench_fail(rsdk_client_error(c)->message);
    for (uint32_t base = 0; base < BENCH_KNN_DOCS; base += 1000) {
        rsdk_pipeline *p = NULL;
        if (rsdk_pipeline_new(c, &p) != RSDK_OK) bench_fail("rsdk: out of memory");
        for (uint32_t i = base; i < base + 1000; i++) {
            char key[16], tag[8];
            unsigned char blob[BENCH_KNN_DIM * 4];
            snprintf(key, sizeof key, "k:%u", i);
            snprintf(tag, sizeof tag, "t%u", i % 10);
            bench_knn_vector(i, blob);
            const char *argv[] = {"HSET", key, "tag", tag, "v", (const char *)blob};
            size_t len[] = {4, strlen(key), 3, strlen(tag), 1, sizeof blob};
            if (rsdk_pipeline_append_argv(p, 6, argv, len) != RSDK_OK) bench_fail("append");
        }
        if (rsdk_pipeline_exec(p) != RSDK_OK) bench_fail("HSET pipeline");
        rsdk_pipeline_free(p);
    }
    rsearch_ft ft;
    rsearch_ft_init(&ft, c);
    for (;;) {
        rsearch_index_info info;
        if (rsearch_ft_info(&ft, rsdk_str_c(BENCH_KNN_INDEX), &info) != RSDK_OK) bench_fail("FT.INFO");
        int done = !info.indexing && info.num_docs == BENCH_KNN_DOCS;
        rsearch_index_info_deinit(&info);
        if (done) break;
        struct timespec t = {0, 50 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
    rsdk_client_close(c);
}

static void run(const rsearch_ft *ft, const rsearch_knn *q, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        rsearch_result res;
        if (rsearch_ft_knn(ft, rsdk_str_c(BENCH_KNN_INDEX), q, NULL, &res) != RSDK_OK)
            bench_fail(rsdk_client_error(ft->c)->message);
        if (res.count != BENCH_KNN_K) bench_fail("rsdk: not 10 results");
        double prev = -1;
        for (size_t d = 0; d < res.count; d++) {
            rsdk_string dist = rsearch_doc_get(&res.docs[d], "__dist");
            if (dist.nil) bench_fail("rsdk: no distance");
            double x = strtod(dist.ptr, NULL);
            if (x < prev) bench_fail("rsdk: not sorted");
            prev = x;
        }
        rsearch_result_deinit(&res);
    }
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "setup") == 0) {
        setup(argv[2]);
        return 0;
    }
    if (argc < 3 || strcmp(argv[1], "search_knn_10") != 0) {
        fprintf(stderr, "usage: bench_search_rsdk setup|search_knn_10 <unix-socket> [ops]\n");
        return 2;
    }
    bench_args a = {.workload_name = "search_knn_10", .socket_path = argv[2],
                    .ops = argc > 3 ? strtoull(argv[3], NULL, 10) : BENCH_KNN_OPS};
    a.warmup = a.ops / 10;
    rsdk_client *c = open_client(a.socket_path);
    rsearch_ft ft;
    rsearch_ft_init(&ft, c);
    static unsigned char qv[BENCH_KNN_DIM * 4];
    bench_knn_vector(BENCH_KNN_DOCS, qv);
    const rsearch_knn q = {.field = rsdk_str_c("v"), .k = BENCH_KNN_K, .vector = rsdk_str_n(qv, sizeof qv),
                           .type = RSEARCH_VECTOR_FLOAT32, .dim = BENCH_KNN_DIM};
    run(&ft, &q, a.warmup);
    bench_clock t0, t1;
    bench_clock_now(&t0);
    run(&ft, &q, a.ops);
    bench_clock_now(&t1);
    bench_report(&a, &t0, &t1);
    rsdk_client_close(c);
    return 0;
}
