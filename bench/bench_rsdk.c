/* bench_rsdk.c — the workloads through rsdk's sync client, written the way a
 * user would: rsdk_client_command_argv for one round trip, an rsdk_pipeline
 * (append_argv, exec) for batches. Each reply is checked, as in the hiredis
 * driver, so both do the same work per operation. json_set_get goes through
 * the JSON module's json_t calls (rjson_set, rjson_get). The _typed
 * workloads read the same replies through the generated typed calls
 * (rcore_lrange, rcore_hgetall), checking the same things, so their cost
 * against the raw-tree walk is the typed layer's. */
#include "bench_common.h"

#include "rsdk/core.h"
#include "rsdk/json_value.h"
#include "rsdk/rsdk.h"

#include <stdio.h>
#include <string.h>

static const char *const GET_ARGV[] = {"GET", BENCH_GET_KEY};
static size_t GET_LEN[2];
static const char *const LRANGE_ARGV[] = {"LRANGE", BENCH_LIST_KEY, "0", "-1"};
static size_t LRANGE_LEN[4];

static void check_value(const rsdk_reply *r) {
    if (r == NULL || r->type != RSDK_REPLY_STRING || r->len != BENCH_VALUE_LEN)
        bench_fail("rsdk: unexpected reply");
}

static void fail_status(rsdk_client *c, const char *what) {
    fprintf(stderr, "bench: rsdk: %s: %s\n", what, rsdk_client_error(c)->message);
    bench_fail(what);
}

static void run_get_sync(rsdk_client *c, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        rsdk_reply *r = NULL;
        if (rsdk_client_command_argv(c, 2, GET_ARGV, GET_LEN, &r) != RSDK_OK)
            fail_status(c, "GET failed");
        check_value(r);
        rsdk_reply_free(r);
    }
}

static void run_get_pipeline(rsdk_client *c, rsdk_pipeline *p, uint64_t n) {
    for (uint64_t done = 0; done < n; done += BENCH_PIPELINE_BATCH) {
        for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++)
            if (rsdk_pipeline_append_argv(p, 2, GET_ARGV, GET_LEN) != RSDK_OK)
                fail_status(c, "pipeline append failed");
        if (rsdk_pipeline_exec(p) != RSDK_OK) fail_status(c, "pipeline exec failed");
        for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++) check_value(rsdk_pipeline_reply(p, i));
    }
}

static const char *SET_ARGV[3] = {"SET", BENCH_SET_KEY, NULL};
static size_t SET_LEN[3];

static void run_pipe_set(rsdk_client *c, rsdk_pipeline *p, uint64_t n) {
    for (uint64_t done = 0; done < n; done += BENCH_PIPELINE_BATCH) {
        for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++)
            if (rsdk_pipeline_append_argv(p, 3, SET_ARGV, SET_LEN) != RSDK_OK)
                fail_status(c, "pipeline append failed");
        if (rsdk_pipeline_exec(p) != RSDK_OK) fail_status(c, "pipeline exec failed");
        for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++) {
            const rsdk_reply *r = rsdk_pipeline_reply(p, i);
            if (r == NULL || r->type != RSDK_REPLY_STATUS || r->len != 2) bench_fail("rsdk: unexpected SET reply");
        }
    }
}

static void run_lrange(rsdk_client *c, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        rsdk_reply *r = NULL;
        if (rsdk_client_command_argv(c, 4, LRANGE_ARGV, LRANGE_LEN, &r) != RSDK_OK)
            fail_status(c, "LRANGE failed");
        if (r->type != RSDK_REPLY_ARRAY || r->elements != BENCH_LIST_LEN)
            bench_fail("rsdk: unexpected LRANGE reply");
        for (size_t j = 0; j < r->elements; j++) check_value(&r->element[j]);
        rsdk_reply_free(r);
    }
}

static void run_lrange_typed(rsdk_client *c, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        rsdk_strings l;
        if (rcore_lrange(c, rsdk_str_c(BENCH_LIST_KEY), 0, -1, &l) != RSDK_OK) fail_status(c, "LRANGE failed");
        if (l.count != BENCH_LIST_LEN) bench_fail("rsdk: unexpected LRANGE reply");
        for (size_t j = 0; j < l.count; j++)
            if (rsdk_strings_at(&l, j).len != BENCH_VALUE_LEN) bench_fail("rsdk: unexpected reply");
        rsdk_strings_deinit(&l);
    }
}

static const char *const HGETALL_ARGV[] = {"HGETALL", BENCH_HASH_KEY};
static const size_t HGETALL_LEN[] = {7, sizeof BENCH_HASH_KEY - 1};

/* The raw walk: a RESP3 map (key, value, key, value ...). */
static void run_hgetall(rsdk_client *c, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        rsdk_reply *r = NULL;
        if (rsdk_client_command_argv(c, 2, HGETALL_ARGV, HGETALL_LEN, &r) != RSDK_OK)
            fail_status(c, "HGETALL failed");
        if (r->type != RSDK_REPLY_MAP || r->elements != 2 * BENCH_HASH_LEN)
            bench_fail("rsdk: unexpected HGETALL reply");
        for (size_t j = 0; j < r->elements; j += 2) {
            if (r->element[j].type != RSDK_REPLY_STRING || r->element[j].len < 2) bench_fail("rsdk: bad field");
            check_value(&r->element[j + 1]);
        }
        rsdk_reply_free(r);
    }
}

static void run_hgetall_typed(rsdk_client *c, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        rsdk_pairs h;
        if (rcore_hgetall(c, rsdk_str_c(BENCH_HASH_KEY), &h) != RSDK_OK) fail_status(c, "HGETALL failed");
        if (h.count != BENCH_HASH_LEN) bench_fail("rsdk: unexpected HGETALL reply");
        for (size_t j = 0; j < h.count; j++) {
            rsdk_pair p = rsdk_pairs_at(&h, j);
            if (p.key.len < 2 || p.value.len != BENCH_VALUE_LEN) bench_fail("rsdk: bad pair");
        }
        rsdk_pairs_deinit(&h);
    }
}

/* Writes hgetall100's hash: DEL, then one HSET of all its fields. */
static void setup_hash(rsdk_client *c, const char *value) {
    const char *argv[2 + 2 * BENCH_HASH_LEN];
    size_t len[2 + 2 * BENCH_HASH_LEN];
    char names[BENCH_HASH_LEN][8];
    rsdk_reply *r = NULL;
    if (rsdk_client_command(c, &r, "DEL", BENCH_HASH_KEY, (const char *)NULL) != RSDK_OK) fail_status(c, "DEL failed");
    rsdk_reply_free(r);
    argv[0] = "HSET", len[0] = 4;
    argv[1] = BENCH_HASH_KEY, len[1] = sizeof BENCH_HASH_KEY - 1;
    for (unsigned i = 0; i < BENCH_HASH_LEN; i++) {
        int k = snprintf(names[i], sizeof names[i], "f%u", i);
        argv[2 + 2 * i] = names[i], len[2 + 2 * i] = (size_t)k;
        argv[3 + 2 * i] = value, len[3 + 2 * i] = BENCH_VALUE_LEN;
    }
    if (rsdk_client_command_argv(c, 2 + 2 * BENCH_HASH_LEN, argv, len, &r) != RSDK_OK) fail_status(c, "HSET failed");
    if (r->type != RSDK_REPLY_INTEGER || r->integer != BENCH_HASH_LEN) bench_fail("rsdk: HSET did not add every field");
    rsdk_reply_free(r);
}

static json_t *json_doc;

/* JSON.SET key $ <doc> from the json_t, JSON.GET key back into a json_t. */
static void run_json(rsdk_client *c, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        if (rjson_set(c, BENCH_JSON_KEY, "$", json_doc, NULL, NULL) != RSDK_OK) fail_status(c, "JSON.SET failed");
        json_t *v = NULL;
        if (rjson_get(c, BENCH_JSON_KEY, (rsdk_str){0}, &v) != RSDK_OK) fail_status(c, "JSON.GET failed");
        if (json_object_size(v) != 4) bench_fail("rsdk: unexpected JSON document");
        json_decref(v);
    }
}

static void run(const bench_args *a, rsdk_client *c, rsdk_pipeline *p, uint64_t n) {
    switch (a->workload) {
    case BENCH_JSON_SET_GET: run_json(c, n); break;
    case BENCH_GET_SYNC: run_get_sync(c, n); break;
    case BENCH_GET_PIPELINE: run_get_pipeline(c, p, n); break;
    case BENCH_LRANGE: run_lrange(c, n); break;
    case BENCH_PIPE_SET: run_pipe_set(c, p, n); break;
    case BENCH_LRANGE_TYPED: run_lrange_typed(c, n); break;
    case BENCH_HGETALL: run_hgetall(c, n); break;
    case BENCH_HGETALL_TYPED: run_hgetall_typed(c, n); break;
    default: bench_fail("not a client workload");
    }
}

int main(int argc, char **argv) {
    bench_args a;
    if (bench_parse_args(argc, argv, &a) != 0) return 2;
    if (a.workload >= BENCH_MEM) return bench_scale_run(&a);
    static char set_value[BENCH_SET_VALUE_LEN];
    bench_set_value(set_value);
    SET_ARGV[2] = set_value;
    SET_LEN[0] = 3;
    SET_LEN[1] = strlen(BENCH_SET_KEY);
    SET_LEN[2] = BENCH_SET_VALUE_LEN;
    for (int i = 0; i < 2; i++) GET_LEN[i] = strlen(GET_ARGV[i]);
    for (int i = 0; i < 4; i++) LRANGE_LEN[i] = strlen(LRANGE_ARGV[i]);

    rsdk_client_opts o;
    rsdk_client_opts_init(&o);
    o.unix_path = a.socket_path;
    rsdk_client *c = NULL;
    rsdk_error err;
    if (rsdk_client_open(&o, &c, &err) != RSDK_OK) {
        fprintf(stderr, "bench: rsdk: cannot connect: %s\n", err.message);
        return 1;
    }
    rsdk_pipeline *p = NULL;
    if (rsdk_pipeline_new(c, &p) != RSDK_OK) bench_fail("rsdk: out of memory");

    char value[BENCH_VALUE_LEN];
    bench_value(value);
    rsdk_reply *r = NULL;
    if (rsdk_client_command_argv(c, 2, GET_ARGV, GET_LEN, &r) != RSDK_OK)
        fail_status(c, "GET failed");
    check_value(r);
    if (memcmp(r->str, value, BENCH_VALUE_LEN) != 0) bench_fail("rsdk: wrong value");
    rsdk_reply_free(r);
    if (a.workload == BENCH_HGETALL || a.workload == BENCH_HGETALL_TYPED) setup_hash(c, value);

    char text[BENCH_JSON_DOC_MAX];
    size_t tlen = bench_json_doc(text);
    json_doc = json_loadb(text, tlen, 0, NULL);
    if (json_doc == NULL) bench_fail("rsdk: bad JSON document");

    run(&a, c, p, a.warmup);
    bench_clock t0, t1;
    bench_clock_now(&t0);
    run(&a, c, p, a.ops);
    bench_clock_now(&t1);
    bench_report(&a, &t0, &t1);
    json_decref(json_doc);
    rsdk_pipeline_free(p);
    rsdk_client_close(c);
    return 0;
}
