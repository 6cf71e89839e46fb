/* Shared by the cluster tests: a cluster handle over the harness's cluster,
 * routing by the core module's command table. */
#ifndef RSDK_TEST_CLUSTER_TEST_H
#define RSDK_TEST_CLUSTER_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rsdk/command_meta.h"
#include "rsdk/core.h"
#include "rsdk/rsdk.h"
#include "support/cluster.h"

/* Opens a cluster handle on `c` (seed: node 0) with the core table, the
 * given per-command timeout, where reads go and the node clients' events
 * (may be NULL); fails the test on error. */
static inline rsdk_cluster *ct_open_full(const rsdk_test_cluster *c, int timeout_ms,
                                         rsdk_read_from read_from, rsdk_events *events) {
    static const char *seeds[1];
    seeds[0] = c->seed;
    static rsdk_command_table tables[1];
    tables[0] = (rsdk_command_table){rcore_commands, rcore_commands_count};
    rsdk_client_opts co;
    rsdk_client_opts_init(&co);
    co.command_timeout_ms = timeout_ms;
    co.connect_timeout_ms = timeout_ms;
    co.events = events;
    rsdk_cluster_opts o;
    rsdk_cluster_opts_init(&o);
    o.seeds = seeds;
    o.nseeds = 1;
    o.client = &co;
    o.tables = tables;
    o.ntables = 1;
    o.read_from = read_from;
    rsdk_cluster *cl = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_cluster_open(&o, &cl, &err);
    if (s != RSDK_OK) fail_msg("cluster open: %s: %s", rsdk_status_name(s), err.message);
    return cl;
}

/* The same without events. */
static inline rsdk_cluster *ct_open_reading(const rsdk_test_cluster *c, int timeout_ms,
                                            rsdk_read_from read_from) {
    return ct_open_full(c, timeout_ms, read_from, NULL);
}

/* The same, reading from primaries. */
static inline rsdk_cluster *ct_open(const rsdk_test_cluster *c, int timeout_ms) {
    return ct_open_reading(c, timeout_ms, RSDK_READ_PRIMARY);
}

/* A cluster pipeline object on `cl`; fails the test on error. */
static inline rsdk_pipeline *ct_pipe_new(rsdk_cluster *cl) {
    rsdk_pipeline *p = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_cluster_pipeline_new(cl, &p, &err);
    if (s != RSDK_OK) fail_msg("cluster pipeline: %s: %s", rsdk_status_name(s), err.message);
    return p;
}

/* Runs the pipeline's queue; fails the test on error. */
static inline void ct_pipe_exec(rsdk_pipeline *p) {
    rsdk_status s = rsdk_pipeline_exec(p);
    if (s != RSDK_OK) fail_msg("exec: %s: %s", rsdk_status_name(s), rsdk_pipeline_error(p)->message);
}

/* Runs a command through the cluster and returns its integer reply. */
static inline long long ct_int(rsdk_cluster *cl, const char *a0, const char *a1, const char *a2) {
    rsdk_reply *r = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_cluster_command(cl, &r, &err, a0, a1, a2, (const char *)NULL);
    if (s != RSDK_OK) fail_msg("%s: %s: %s", a0, rsdk_status_name(s), err.message);
    assert_int_equal(r->type, RSDK_REPLY_INTEGER);
    long long v = r->integer;
    rsdk_reply_free(r);
    return v;
}

/* The value of a counter key read through the cluster (0 when missing). */
static inline long ct_counter(rsdk_cluster *cl, const char *key) {
    rsdk_reply *r = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_cluster_command(cl, &r, &err, "GET", key, (const char *)NULL);
    if (s != RSDK_OK) fail_msg("GET %s: %s: %s", key, rsdk_status_name(s), err.message);
    long v = r->type == RSDK_REPLY_NIL ? 0 : strtol(r->str, NULL, 10);
    rsdk_reply_free(r);
    return v;
}

/* A key per primary: keys[i] is owned by a different primary for each i. */
static inline void ct_key_per_primary(rsdk_cluster *cl, char keys[3][32]) {
    char owners[3][64];
    int found = 0;
    for (int i = 0; found < 3 && i < 10000; i++) {
        char k[32], o[64];
        snprintf(k, sizeof k, "par:%d", i);
        assert_int_equal(rsdk_cluster_slot_owner(cl, rsdk_cluster_keyslot(k, strlen(k)), o, sizeof o),
                         RSDK_OK);
        bool seen = false;
        for (int j = 0; j < found; j++) seen |= strcmp(owners[j], o) == 0;
        if (seen) continue;
        snprintf(owners[found], sizeof owners[found], "%s", o);
        snprintf(keys[found++], 32, "%s", k);
    }
    assert_int_equal(found, 3);
}

/* The INFO commandstats line of `cmd` (lower case) on node i, copied into
 * buf ("" when the node never saw the command). */
static inline void ct_cmdstat(const rsdk_test_cluster *c, int i, const char *cmd, char *buf,
                              size_t size) {
    rsdk_client *cl = rsdk_test_cluster_client(c, i);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(cl, &r, "INFO", "commandstats", (const char *)NULL), RSDK_OK);
    char want[64];
    snprintf(want, sizeof want, "cmdstat_%s:", cmd);
    const char *p = strstr(r->str, want);
    size_t n = p ? strcspn(p, "\r\n") : 0;
    if (n >= size) n = size - 1;
    if (p) memcpy(buf, p, n);
    buf[n] = '\0';
    rsdk_reply_free(r);
    rsdk_client_close(cl);
}

/* Runs argv on node `node` (a fresh plain client); fails the test on error. */
static inline rsdk_reply *ct_node_cmd(rsdk_test_cluster *tc, int node, int argc, const char **argv) {
    rsdk_client *c = rsdk_test_cluster_client(tc, node);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command_argv(c, argc, argv, NULL, &r);
    if (s != RSDK_OK) fail_msg("%s %s on node %d: %s", argv[0], argc > 1 ? argv[1] : "", node,
                               rsdk_client_error(c)->message);
    rsdk_client_close(c);
    return r;
}

/* Moves `slot` from node `from` to node `to`, keys and all. */
static inline void ct_migrate_slot(rsdk_test_cluster *tc, unsigned slot, int from, int to) {
    char sl[16], from_id[64], to_id[64], port[16];
    snprintf(sl, sizeof sl, "%u", slot);
    snprintf(port, sizeof port, "%d", tc->node[to].port);
    rsdk_test_cluster_node_id(tc, from, from_id, sizeof from_id);
    rsdk_test_cluster_node_id(tc, to, to_id, sizeof to_id);
    const char *imp[] = {"CLUSTER", "SETSLOT", sl, "IMPORTING", from_id};
    rsdk_reply_free(ct_node_cmd(tc, to, 5, imp));
    const char *mig[] = {"CLUSTER", "SETSLOT", sl, "MIGRATING", to_id};
    rsdk_reply_free(ct_node_cmd(tc, from, 5, mig));
    for (int round = 0; round < 1000; round++) {
        /* A few keys at a time, so the clients meet ASK for a while. */
        const char *get[] = {"CLUSTER", "GETKEYSINSLOT", sl, "2"};
        rsdk_reply *keys = ct_node_cmd(tc, from, 4, get);
        size_t n = keys->elements;
        if (n == 0) {
            rsdk_reply_free(keys);
            break;
        }
        const char *argv[16] = {"MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS"};
        for (size_t i = 0; i < n; i++) argv[7 + i] = keys->element[i].str;
        rsdk_reply_free(ct_node_cmd(tc, from, 7 + (int)n, argv));
        rsdk_reply_free(keys);
        rsdk_test_sleep_ms(20);
    }
    const char *own[] = {"CLUSTER", "SETSLOT", sl, "NODE", to_id};
    rsdk_reply_free(ct_node_cmd(tc, to, 5, own));
    rsdk_reply_free(ct_node_cmd(tc, from, 5, own));
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) {
        if (i == from || i == to) continue;
        rsdk_client *c = rsdk_test_cluster_client(tc, i);
        rsdk_reply *r = NULL;
        /* Replicas refuse SETSLOT on some servers; gossip tells them. */
        if (rsdk_client_command_argv(c, 5, own, NULL, &r) == RSDK_OK) rsdk_reply_free(r);
        rsdk_client_close(c);
    }
}

/* The harness index of the node the cluster handle thinks owns `slot`. */
static inline int ct_owner_node(rsdk_test_cluster *tc, rsdk_cluster *cl, unsigned slot) {
    char o[64];
    assert_int_equal(rsdk_cluster_slot_owner(cl, slot, o, sizeof o), RSDK_OK);
    return rsdk_test_cluster_node_by_port(tc, atoi(strrchr(o, ':') + 1));
}

#endif
