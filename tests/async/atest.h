/* tests/async/atest.h — shared pieces of the async client tests: open a
 * client on a test loop, count callbacks. */
#ifndef RSDK_TEST_ATEST_H
#define RSDK_TEST_ATEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rsdk/async.h"
#include "rsdk/async_internal.h"
#include "rsdk/rsdk.h"
#include "support/async_loop.h"
#include "support/server.h"

/* The loop RSDK_TEST_LOOP names (rsdk_test_loop_kind_from_env). */
rsdk_test_loop *at_loop(void);

/* An rsdk_async_fn that fails the test when called: for commands that were
 * refused or cancelled. */
void at_never(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err, void *ud);

/* Counts the completions of a set of commands. */
typedef struct at_tally {
    size_t want;      /* completions awaited (at_done) */
    size_t done, ok, failed, server_errors;
    rsdk_status last; /* the last failure's code */
    char last_msg[256];
    long long last_int;
    char last_str[128];
} at_tally;

/* An rsdk_async_fn: ud is an at_tally. Records the reply (its integer or
 * string) or the failure. */
void at_cb(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err, void *ud);

/* run_until predicate: the tally has `want` completions. */
bool at_done(void *ud);

/* Options for the group's server: TCP, or Unix when use_unix; protocol. */
void at_client_opts(const rsdk_test_server *s, rsdk_client_opts *co, int protocol, bool use_unix);

/* Fills `co` (at_client_opts) and `o` (defaults, o->client = co). */
void at_opts(const rsdk_test_server *s, rsdk_client_opts *co, rsdk_async_opts *o, int protocol,
             bool use_unix);

/* Opens an async client with `o` (client options in o->client) and
 * attaches it to `l`; fails the test on error. */
rsdk_async *at_open(rsdk_test_loop *l, const rsdk_async_opts *o);

/* The same with defaults and the group's server. */
rsdk_async *at_open_default(rsdk_test_loop *l, const rsdk_test_server *s, int protocol,
                            bool use_unix);

/* Runs `argv` on a blocking client of the server and returns the reply's
 * integer (the test fails on an error). */
long long at_sync_int(const rsdk_test_server *s, const char *a0, const char *a1, const char *a2);

#endif
