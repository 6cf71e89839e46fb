/* bench_hiredis_cluster.c — cluster_get_pipeline100 through hiredis, for
 * bench/cluster.sh: the same 100 GETs per batch on one server through one
 * context, or across a cluster's primaries through one context per primary
 * with the keys grouped per primary before the clock starts (hiredis has
 * no cluster routing: this is what a hiredis user writes by hand). Each
 * batch is written to every primary before any reply is read, as the rsdk
 * cluster client does. Built by cluster.sh against Debian's hiredis (as
 * run.sh builds bench_hiredis.c), never by Bazel.
 *
 *   bench_hiredis_cluster single <host:port> [ops]
 *   bench_hiredis_cluster split <host:port of a node> [ops]
 *
 * Prints the "result ..." line of bench_common.h. */
#include "bench_common.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_NODES = 8 };

static char keys[BENCH_PIPELINE_BATCH][32];
static size_t key_len[BENCH_PIPELINE_BATCH];

typedef struct node {
    redisContext *c;
    char host[64];
    int port;
    unsigned key[BENCH_PIPELINE_BATCH]; /* its keys' indices */
    size_t nkeys;
} node;

/* The cluster's key slot: CRC16-CCITT (XMODEM) of the key, mod 16384 (the
 * bench keys have no hash tags). */
static unsigned keyslot(const char *p, size_t n) {
    unsigned crc = 0;
    for (size_t i = 0; i < n; i++) {
        crc ^= (unsigned)(unsigned char)p[i] << 8;
        for (int k = 0; k < 8; k++) crc = (crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1) & 0xffff;
    }
    return crc & 16383;
}

static redisContext *connect_to(const char *host, int port) {
    redisContext *c = redisConnect(host, port);
    if (c == NULL || c->err) bench_fail("hiredis: connect failed");
    return c;
}

static void check_value(const redisReply *r) {
    if (r == NULL || r->type != REDIS_REPLY_STRING || r->len != BENCH_VALUE_LEN)
        bench_fail("hiredis: unexpected reply");
}

/* The primaries that own the bench keys (CLUSTER SLOTS), each connected. */
static size_t map_keys(redisContext *seed, node *nodes) {
    redisReply *slots = redisCommand(seed, "CLUSTER SLOTS");
    if (slots == NULL || slots->type != REDIS_REPLY_ARRAY) bench_fail("hiredis: CLUSTER SLOTS");
    size_t n = 0;
    for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++) {
        long long slot = keyslot(keys[i], key_len[i]);
        const redisReply *owner = NULL;
        for (size_t r = 0; r < slots->elements && owner == NULL; r++) {
            const redisReply *e = slots->element[r];
            if (e->elements >= 3 && e->element[0]->integer <= slot && slot <= e->element[1]->integer)
                owner = e->element[2];
        }
        if (owner == NULL || owner->elements < 2) bench_fail("hiredis: a slot without owner");
        const char *host = owner->element[0]->str;
        int port = (int)owner->element[1]->integer;
        size_t k = 0;
        while (k < n && !(nodes[k].port == port && strcmp(nodes[k].host, host) == 0)) k++;
        if (k == n) {
            if (n == MAX_NODES) bench_fail("too many nodes");
            snprintf(nodes[k].host, sizeof nodes[k].host, "%s", host);
            nodes[k].port = port;
            nodes[k].c = connect_to(host, port);
            n++;
        }
        nodes[k].key[nodes[k].nkeys++] = i;
    }
    freeReplyObject(slots);
    return n;
}

static void run(node *nodes, size_t n, uint64_t ops) {
    for (uint64_t done = 0; done < ops; done += BENCH_PIPELINE_BATCH) {
        for (size_t k = 0; k < n; k++) {
            for (size_t i = 0; i < nodes[k].nkeys; i++) {
                unsigned j = nodes[k].key[i];
                const char *argv[2] = {"GET", keys[j]};
                size_t len[2] = {3, key_len[j]};
                if (redisAppendCommandArgv(nodes[k].c, 2, argv, len) != REDIS_OK)
                    bench_fail("hiredis: append failed");
            }
            /* Written now, not at the first read: every primary has its
             * part before any reply is waited for. */
            int written = 0;
            while (!written)
                if (redisBufferWrite(nodes[k].c, &written) != REDIS_OK) bench_fail("hiredis: write failed");
        }
        for (size_t k = 0; k < n; k++) {
            for (size_t i = 0; i < nodes[k].nkeys; i++) {
                void *r = NULL;
                if (redisGetReply(nodes[k].c, &r) != REDIS_OK) bench_fail("hiredis: read failed");
                check_value(r);
                freeReplyObject(r);
            }
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 3 || (strcmp(argv[1], "single") != 0 && strcmp(argv[1], "split") != 0)) {
        fprintf(stderr, "usage: bench_hiredis_cluster single|split <host:port> [ops]\n");
        return 2;
    }
    bench_args a = {.workload = BENCH_GET_PIPELINE, .workload_name = "cluster_get_pipeline100",
                    .ops = 300000, .warmup = 30000};
    if (argc > 3) a.ops = strtoull(argv[3], NULL, 10) / BENCH_PIPELINE_BATCH * BENCH_PIPELINE_BATCH;
    char host[64];
    snprintf(host, sizeof host, "%s", argv[2]);
    char *colon = strrchr(host, ':');
    if (colon == NULL) bench_fail("want host:port");
    *colon = '\0';
    int port = atoi(colon + 1);
    for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++)
        key_len[i] = (size_t)snprintf(keys[i], sizeof keys[i], "bench:cl:%u", i);

    static node nodes[MAX_NODES];
    size_t n = 1;
    redisContext *seed = connect_to(host, port);
    if (strcmp(argv[1], "split") == 0) {
        n = map_keys(seed, nodes);
        redisFree(seed);
    } else {
        nodes[0].c = seed;
        for (unsigned i = 0; i < BENCH_PIPELINE_BATCH; i++) nodes[0].key[nodes[0].nkeys++] = i;
    }
    /* The keys, each with the 63-byte value, on the node that owns it. */
    char value[BENCH_VALUE_LEN];
    bench_value(value);
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < nodes[k].nkeys; i++) {
            unsigned j = nodes[k].key[i];
            redisReply *r = redisCommand(nodes[k].c, "SET %b %b", keys[j], key_len[j], value,
                                         (size_t)BENCH_VALUE_LEN);
            if (r == NULL || r->type != REDIS_REPLY_STATUS) bench_fail("hiredis: SET failed");
            freeReplyObject(r);
        }
    run(nodes, n, a.warmup);
    bench_clock t0, t1;
    bench_clock_now(&t0);
    run(nodes, n, a.ops);
    bench_clock_now(&t1);
    bench_report(&a, &t0, &t1);
    for (size_t k = 0; k < n; k++) redisFree(nodes[k].c);
    return 0;
}
