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
 * given per-command timeout and where reads go; fails the test on error. */
static inline rsdk_cluster *ct_open_reading(const rsdk_test_cluster *c, int timeout_ms,
                                            rsdk_read_from read_from) {
    static const char *seeds[1];
    seeds[0] = c->seed;
    static rsdk_command_table tables[1];
    tables[0] = (rsdk_command_table){rcore_commands, rcore_commands_count};
    rsdk_client_opts co;
    rsdk_client_opts_init(&co);
    co.command_timeout_ms = timeout_ms;
    co.connect_timeout_ms = timeout_ms;
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

/* The same, reading from primaries. */
static inline rsdk_cluster *ct_open(const rsdk_test_cluster *c, int timeout_ms) {
    return ct_open_reading(c, timeout_ms, RSDK_READ_PRIMARY);
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

#endif
