/* bench_common.c — argument parsing, data and timing shared by the drivers. */
#include "bench_common.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static const struct {
    const char *name;
    bench_workload workload;
    uint64_t ops;
} WORKLOADS[] = {
    {"get_sync", BENCH_GET_SYNC, 100000},
    {"get_pipeline100", BENCH_GET_PIPELINE, 1000000},
    {"lrange1000", BENCH_LRANGE, 1000},
    {"json_set_get", BENCH_JSON_SET_GET, 20000},
};

static int usage(void) {
    fprintf(stderr, "usage: bench_<client> get_sync|get_pipeline100|lrange1000|json_set_get "
                    "<unix-socket> [ops]\n");
    return -1;
}

static int parse_u64(const char *s, uint64_t *out) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v == 0) return -1;
    *out = (uint64_t)v;
    return 0;
}

int bench_parse_args(int argc, char **argv, bench_args *out) {
    if (argc < 3 || argc > 4) return usage();
    size_t i;
    for (i = 0; i < sizeof WORKLOADS / sizeof WORKLOADS[0]; i++)
        if (strcmp(argv[1], WORKLOADS[i].name) == 0) break;
    if (i == sizeof WORKLOADS / sizeof WORKLOADS[0]) return usage();
    bench_args a;
    a.workload = WORKLOADS[i].workload;
    a.workload_name = WORKLOADS[i].name;
    a.socket_path = argv[2];
    a.ops = WORKLOADS[i].ops;
    if (argc == 4 && parse_u64(argv[3], &a.ops) != 0) return usage();
    if (a.workload == BENCH_GET_PIPELINE) {
        /* Whole batches only, so every client sends the same commands. */
        a.ops -= a.ops % BENCH_PIPELINE_BATCH;
        if (a.ops == 0) a.ops = BENCH_PIPELINE_BATCH;
    }
    a.warmup = a.ops / 10;
    if (a.workload == BENCH_GET_PIPELINE) {
        a.warmup -= a.warmup % BENCH_PIPELINE_BATCH;
        if (a.warmup == 0) a.warmup = BENCH_PIPELINE_BATCH;
    }
    if (a.warmup == 0) a.warmup = 1;
    *out = a;
    return 0;
}

void bench_value(char out[BENCH_VALUE_LEN]) {
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (unsigned i = 0; i < BENCH_VALUE_LEN; i++) out[i] = alphabet[i % (sizeof alphabet - 1)];
}

void bench_clock_now(bench_clock *c) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    c->user = ru.ru_utime;
    c->sys = ru.ru_stime;
    clock_gettime(CLOCK_MONOTONIC, &c->wall);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c->cpu);
}

static uint64_t us_between_ns(const struct timeval *a, const struct timeval *b) {
    int64_t us = ((int64_t)b->tv_sec - (int64_t)a->tv_sec) * 1000000 +
                 ((int64_t)b->tv_usec - (int64_t)a->tv_usec);
    return us > 0 ? (uint64_t)us * 1000 : 0;
}

static uint64_t ns_between(const struct timespec *a, const struct timespec *b) {
    int64_t ns = ((int64_t)b->tv_sec - (int64_t)a->tv_sec) * 1000000000 +
                 ((int64_t)b->tv_nsec - (int64_t)a->tv_nsec);
    return ns > 0 ? (uint64_t)ns : 0;
}

void bench_report(const bench_args *a, const bench_clock *start, const bench_clock *end) {
    printf("result workload=%s ops=%" PRIu64 " wall_ns=%" PRIu64 " cpu_ns=%" PRIu64
           " user_ns=%" PRIu64 " sys_ns=%" PRIu64 "\n",
           a->workload_name, a->ops, ns_between(&start->wall, &end->wall),
           ns_between(&start->cpu, &end->cpu), us_between_ns(&start->user, &end->user),
           us_between_ns(&start->sys, &end->sys));
    fflush(stdout);
}

_Noreturn void bench_fail(const char *what) {
    fprintf(stderr, "bench: %s\n", what);
    exit(1);
}

size_t bench_json_doc(char out[BENCH_JSON_DOC_MAX]) {
    char value[BENCH_VALUE_LEN + 1];
    bench_value(value);
    value[28] = '\0';
    int n = snprintf(out, BENCH_JSON_DOC_MAX, "{\"id\":4711,\"name\":\"%s\",\"active\":true,\"items\":[", value);
    for (int i = 0; i < 12 && n > 0 && (size_t)n < BENCH_JSON_DOC_MAX; i++)
        n += snprintf(out + n, BENCH_JSON_DOC_MAX - (size_t)n,
                      "%s{\"sku\":\"%s-%02d\",\"qty\":%d,\"cents\":%d,\"tags\":[\"a\",\"b\"]}", i ? "," : "",
                      value, i, i + 1, 100 * i + 99);
    if (n > 0 && (size_t)n < BENCH_JSON_DOC_MAX) n += snprintf(out + n, BENCH_JSON_DOC_MAX - (size_t)n, "]}");
    if (n <= 0 || (size_t)n >= BENCH_JSON_DOC_MAX) bench_fail("json document does not fit");
    return (size_t)n;
}
