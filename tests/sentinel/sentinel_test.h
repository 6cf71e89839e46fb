/* Shared by the sentinel tests: a sentinel client over the harness's
 * deployment. */
#ifndef RSDK_TEST_SENTINEL_TEST_H
#define RSDK_TEST_SENTINEL_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rsdk/rsdk.h"
#include "rsdk/sentinel_commands.h"
#include "sentinel_harness.h"

/* Options over the harness's three sentinels with the given per-call
 * timeout; `co` is filled and must outlive the open. */
static inline void st_opts(const sh_deploy *d, rsdk_sentinel_opts *o, rsdk_client_opts *co,
                           int timeout_ms, bool watch) {
    rsdk_client_opts_init(co);
    co->command_timeout_ms = timeout_ms;
    co->connect_timeout_ms = timeout_ms;
    rsdk_sentinel_opts_init(o);
    o->sentinels = d->addrs;
    o->nsentinels = SH_SENTINELS;
    o->master_name = SH_MASTER;
    o->client = co;
    o->watch = watch;
}

/* Opens a sentinel client; fails the test on error. */
static inline rsdk_sentinel *st_open(const sh_deploy *d, int timeout_ms, bool watch) {
    rsdk_sentinel_opts o;
    rsdk_client_opts co;
    st_opts(d, &o, &co, timeout_ms, watch);
    rsdk_sentinel *s = NULL;
    rsdk_error err;
    rsdk_status st = rsdk_sentinel_open(&o, &s, &err);
    if (st != RSDK_OK) fail_msg("sentinel open: %s: %s", rsdk_status_name(st), err.message);
    return s;
}

/* The port of the primary the client uses now. */
static inline int st_primary_port(rsdk_sentinel *s) {
    char addr[300];
    assert_int_equal(rsdk_sentinel_primary(s, addr, sizeof addr), RSDK_OK);
    const char *colon = strrchr(addr, ':');
    assert_non_null(colon);
    return atoi(colon + 1);
}

/* The integer at `key` on data node i, read directly (0 when missing). */
static inline long long st_counter_on(const sh_deploy *d, int i, const char *key) {
    rsdk_client *c = sh_data_client(d, i);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(c, &r, "GET", key, (const char *)NULL), RSDK_OK);
    long long v = r->type == RSDK_REPLY_NIL ? 0 : atoll(r->str);
    rsdk_reply_free(r);
    rsdk_client_close(c);
    return v;
}

/* Runs a command of up to four words (NULL ends it) on data node i;
 * fails the test on error. */
static inline void st_data_command(const sh_deploy *d, int i, const char *a0, const char *a1,
                                   const char *a2, const char *a3) {
    rsdk_client *c = sh_data_client(d, i);
    rsdk_reply *r = NULL;
    rsdk_status st = rsdk_client_command(c, &r, a0, a1, a2, a3, (const char *)NULL);
    if (st != RSDK_OK) fail_msg("%s %s on node %d: %s", a0, a1, i, rsdk_client_error(c)->message);
    rsdk_reply_free(r);
    rsdk_client_close(c);
}

#endif
