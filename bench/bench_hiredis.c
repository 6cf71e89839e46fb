/* bench_hiredis.c — the workloads through hiredis's blocking API, the way a
 * hiredis user writes them: redisCommandArgv for one round trip,
 * redisAppendCommandArgv + redisGetReply for a pipeline. Built by run.sh
 * against Debian's hiredis, never by Bazel. json_set_get does by hand what a
 * hiredis user does with Jansson: json_dumps, JSON.SET, JSON.GET, json_loadb. */
#include "bench_common.h"

#include <hiredis/hiredis.h>
#include <jansson.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const char *const GET_ARGV[] = {"GET", BENCH_GET_KEY};
static size_t GET_LEN[2];
static const char *const LRANGE_ARGV[] = {"LRANGE", BENCH_LIST_KEY, "0", "-1"};
static size_t LRANGE_LEN[4];

static void check_value(const redisReply *r) {
    if (r == NULL || r->type != REDIS_REPLY_STRING || r->len != BENCH_VALUE_LEN)
        bench_fail("hiredis: unexpected reply");
}

static void run_get_sync(redisContext *c, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        redisReply *r = redisCommandArgv(c, 2, (const char **)GET_ARGV, GET_LEN);
        check_value(r);
        freeReplyObject(r);
    }
}

static void run_get_pipeline(redisContext *c, uint64_t n) {
    for (uint64_t done = 0; done < n; done += BENCH_PIPELINE_BATCH) {
        for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++)
            if (redisAppendCommandArgv(c, 2, (const char **)GET_ARGV, GET_LEN) != REDIS_OK)
                bench_fail("hiredis: append failed");
        for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++) {
            void *r = NULL;
            if (redisGetReply(c, &r) != REDIS_OK) bench_fail("hiredis: read failed");
            check_value(r);
            freeReplyObject(r);
        }
    }
}

static void run_lrange(redisContext *c, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        redisReply *r = redisCommandArgv(c, 4, (const char **)LRANGE_ARGV, LRANGE_LEN);
        if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != BENCH_LIST_LEN)
            bench_fail("hiredis: unexpected LRANGE reply");
        for (size_t j = 0; j < r->elements; j++) check_value(r->element[j]);
        freeReplyObject(r);
    }
}

static json_t *json_doc;

static void run_json(redisContext *c, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        char *text = json_dumps(json_doc, JSON_COMPACT);
        if (text == NULL) bench_fail("hiredis: json_dumps failed");
        const char *set[] = {"JSON.SET", BENCH_JSON_KEY, "$", text};
        size_t set_len[] = {8, strlen(BENCH_JSON_KEY), 1, strlen(text)};
        redisReply *r = redisCommandArgv(c, 4, set, set_len);
        free(text);
        if (r == NULL || r->type != REDIS_REPLY_STATUS) bench_fail("hiredis: JSON.SET failed");
        freeReplyObject(r);
        const char *get[] = {"JSON.GET", BENCH_JSON_KEY};
        size_t get_len[] = {8, strlen(BENCH_JSON_KEY)};
        r = redisCommandArgv(c, 2, get, get_len);
        if (r == NULL || r->type != REDIS_REPLY_STRING) bench_fail("hiredis: JSON.GET failed");
        json_t *v = json_loadb(r->str, r->len, 0, NULL);
        freeReplyObject(r);
        if (json_object_size(v) != 4) bench_fail("hiredis: unexpected JSON document");
        json_decref(v);
    }
}

static void run(const bench_args *a, redisContext *c, uint64_t n) {
    switch (a->workload) {
    case BENCH_JSON_SET_GET: run_json(c, n); break;
    case BENCH_GET_SYNC: run_get_sync(c, n); break;
    case BENCH_GET_PIPELINE: run_get_pipeline(c, n); break;
    case BENCH_LRANGE: run_lrange(c, n); break;
    }
}

int main(int argc, char **argv) {
    bench_args a;
    if (bench_parse_args(argc, argv, &a) != 0) return 2;
    for (int i = 0; i < 2; i++) GET_LEN[i] = strlen(GET_ARGV[i]);
    for (int i = 0; i < 4; i++) LRANGE_LEN[i] = strlen(LRANGE_ARGV[i]);

    redisContext *c = redisConnectUnix(a.socket_path);
    if (c == NULL || c->err) bench_fail("hiredis: cannot connect");
    char value[BENCH_VALUE_LEN];
    bench_value(value);
    redisReply *r = redisCommandArgv(c, 2, (const char **)GET_ARGV, GET_LEN);
    check_value(r);
    if (memcmp(r->str, value, BENCH_VALUE_LEN) != 0) bench_fail("hiredis: wrong value");
    freeReplyObject(r);

    char text[BENCH_JSON_DOC_MAX];
    size_t tlen = bench_json_doc(text);
    json_doc = json_loadb(text, tlen, 0, NULL);
    if (json_doc == NULL) bench_fail("hiredis: bad JSON document");

    run(&a, c, a.warmup);
    bench_clock t0, t1;
    bench_clock_now(&t0);
    run(&a, c, a.ops);
    bench_clock_now(&t1);
    bench_report(&a, &t0, &t1);
    redisFree(c);
    return 0;
}
