/* bench_common.c — argument parsing, data and timing shared by the drivers. */
#include "bench_common.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

static const struct {
    const char *name;
    bench_workload workload;
    uint64_t ops;
    unsigned window, conns; /* async workloads */
} WORKLOADS[] = {
    {"get_sync", BENCH_GET_SYNC, 100000, 0, 0},
    {"get_pipeline100", BENCH_GET_PIPELINE, 1000000, 0, 0},
    {"lrange1000", BENCH_LRANGE, 1000, 0, 0},
    {"json_set_get", BENCH_JSON_SET_GET, 20000, 0, 0},
    {"pipe_set_1k", BENCH_PIPE_SET, 200000, 0, 0},
    {"async_get_w1000", BENCH_ASYNC_GET, 500000, 1000, 1},
    {"async_get_w1000_c4", BENCH_ASYNC_GET, 500000, 1000, 4},
    {"async_set_1k_w100", BENCH_ASYNC_SET, 200000, 100, 1},
    {"mem", BENCH_MEM, 1000, 0, 0},
};

static int usage(void) {
    fprintf(stderr, "usage: bench_<client> get_sync|get_pipeline100|lrange1000|json_set_get|pipe_set_1k|"
                    "async_get_w1000|async_get_w1000_c4|async_set_1k_w100|"
                    "mem|connect_<unix|tcp>_resp<2|3>|threads<T>_<client|pool|halfpool|pool<N>>|"
                    "poolops<N> <unix-socket> [ops]\n");
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

/* A decimal number at *s (moved past it), 1..100000; -1 when there is none. */
static int take_int(const char **s) {
    int v = 0, digits = 0;
    while (**s >= '0' && **s <= '9' && digits < 6) v = v * 10 + (*(*s)++ - '0'), digits++;
    return digits && v > 0 && v <= 100000 ? v : -1;
}

/* The scale workloads named by pattern (see bench_args). */
static int parse_scale(const char *name, bench_args *a) {
    const char *s = name;
    a->ops = 2000;
    if (strncmp(s, "connect_", 8) == 0) {
        s += 8;
        a->workload = BENCH_CONNECT;
        if (strncmp(s, "tcp_", 4) == 0) a->tcp = 1, s += 4;
        else if (strncmp(s, "unix_", 5) == 0) s += 5;
        else return -1;
        if (strcmp(s, "resp2") == 0) a->protocol = 2;
        else if (strcmp(s, "resp3") == 0) a->protocol = 3;
        else return -1;
        if (a->tcp) {
            const char *port = getenv("BENCH_TCP_PORT");
            if (port == NULL || (a->tcp_port = take_int(&port)) < 0 || *port) {
                fprintf(stderr, "bench: BENCH_TCP_PORT must name the server's TCP port\n");
                return -1;
            }
        }
        return 0;
    }
    if (strncmp(s, "threads", 7) == 0) {
        s += 7;
        a->workload = BENCH_THREADS;
        a->ops = 40000;
        if ((a->threads = take_int(&s)) < 0 || a->threads > 64 || *s++ != '_') return -1;
        if (strcmp(s, "client") == 0) a->pool = 0;
        else if (strcmp(s, "pool") == 0) a->pool = a->threads;
        else if (strcmp(s, "halfpool") == 0) a->pool = a->threads > 1 ? a->threads / 2 : 1;
        else if (strncmp(s, "pool", 4) == 0 && (s += 4, (a->pool = take_int(&s)) > 0) && !*s) return 0;
        else return -1;
        return 0;
    }
    if (strncmp(s, "poolops", 7) == 0) {
        s += 7;
        a->workload = BENCH_POOLOPS;
        a->ops = 200000;
        return (a->pool = take_int(&s)) > 0 && !*s ? 0 : -1;
    }
    return -1;
}

int bench_parse_args(int argc, char **argv, bench_args *out) {
    if (argc < 3 || argc > 4) return usage();
    bench_args a;
    memset(&a, 0, sizeof a);
    a.protocol = 3;
    a.workload_name = argv[1];
    size_t i;
    for (i = 0; i < sizeof WORKLOADS / sizeof WORKLOADS[0]; i++)
        if (strcmp(argv[1], WORKLOADS[i].name) == 0) break;
    if (i < sizeof WORKLOADS / sizeof WORKLOADS[0]) {
        a.workload = WORKLOADS[i].workload;
        a.ops = WORKLOADS[i].ops;
        a.window = WORKLOADS[i].window;
        a.conns = WORKLOADS[i].conns;
    } else if (parse_scale(argv[1], &a) != 0) {
        return usage();
    }
    a.socket_path = argv[2];
    if (argc == 4 && parse_u64(argv[3], &a.ops) != 0) return usage();
    if (a.workload == BENCH_THREADS && a.ops < (uint64_t)a.threads) a.ops = (uint64_t)a.threads;
    if (a.workload == BENCH_GET_PIPELINE || a.workload == BENCH_PIPE_SET) {
        /* Whole batches only, so every client sends the same commands. */
        a.ops -= a.ops % BENCH_PIPELINE_BATCH;
        if (a.ops == 0) a.ops = BENCH_PIPELINE_BATCH;
    }
    a.warmup = a.ops / 10;
    if (a.workload == BENCH_GET_PIPELINE || a.workload == BENCH_PIPE_SET) {
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

void bench_set_value(char out[BENCH_SET_VALUE_LEN]) {
    for (unsigned i = 0; i < BENCH_SET_VALUE_LEN; i++) out[i] = (char)('a' + i % 26);
}

void bench_memory(uint64_t *rss_bytes, uint64_t *heap_bytes) {
    unsigned long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL || fscanf(f, "%lu %lu", &size, &resident) != 2) bench_fail("cannot read /proc/self/statm");
    fclose(f);
    *rss_bytes = (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
    struct mallinfo2 mi = mallinfo2();
    *heap_bytes = (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
}

void bench_clock_now(bench_clock *c) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    c->user = ru.ru_utime;
    c->sys = ru.ru_stime;
    c->csw = ru.ru_nvcsw + ru.ru_nivcsw;
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

void bench_report_extra(const bench_args *a, const bench_clock *start, const bench_clock *end,
                        const char *extra) {
    printf("result workload=%s ops=%" PRIu64 " wall_ns=%" PRIu64 " cpu_ns=%" PRIu64
           " user_ns=%" PRIu64 " sys_ns=%" PRIu64 " csw=%ld%s\n",
           a->workload_name, a->ops, ns_between(&start->wall, &end->wall),
           ns_between(&start->cpu, &end->cpu), us_between_ns(&start->user, &end->user),
           us_between_ns(&start->sys, &end->sys), end->csw - start->csw, extra);
    fflush(stdout);
}

void bench_report(const bench_args *a, const bench_clock *start, const bench_clock *end) {
    bench_report_extra(a, start, end, "");
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
