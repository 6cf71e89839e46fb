/* tests/async_gen/agen.h — shared pieces of the generated _async call
 * tests: an async client and a blocking one on the same server and
 * protocol, and one recording callback per result kind. Each callback
 * counts its calls, keeps the status and message, and moves the value out
 * (the keep rule of rsdk/async_typed.h), so the test compares it with the
 * sync call's value after the loop ran. */
#ifndef RSDK_TEST_AGEN_H
#define RSDK_TEST_AGEN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rsdk/async.h"
#include "rsdk/async_typed.h"
#include "rsdk/rsdk.h"
#include "support/async_loop.h"
#include "support/server.h"

/* What one typed callback saw. */
typedef struct ag_slot {
    int calls;
    rsdk_status st;
    char msg[256];
    int64_t i;
    bool b;
    double d;
    rsdk_int_or_nil in;
    rsdk_double_or_nil dn;
    rsdk_rank rank;
    rsdk_int_or_double iod;
    rsdk_string s;
    rsdk_reply_type reply_type; /* the reply kind: its top node's type */
    size_t reply_elements;
    rsdk_strings strs;
    rsdk_pairs pairs;
    rsdk_scored scored;
    rsdk_ints ints;
    rsdk_doubles dbls;
    rsdk_bools bools;
    rsdk_scan_page page;
    rsdk_stream_entries entries;
    rsdk_streams streams;
    rsdk_geo geo;
    rsdk_pending pending;
} ag_slot;

/* Releases every value a slot holds. */
void ag_slot_deinit(ag_slot *s);

/* ag_slot_deinit, then zeroes the slot for the next call. */
void ag_reset(ag_slot *s);

/* An async client and a blocking client, same server and protocol. */
typedef struct ag_env {
    rsdk_test_loop *l;
    rsdk_async *a;
    rsdk_client *c;
} ag_env;

void ag_open(ag_env *e, const rsdk_test_server *srv, int protocol);
void ag_close(ag_env *e);

/* Runs the loop until `s` was called back (fails the test after 5 s),
 * then checks it was called exactly once. */
void ag_wait(ag_env *e, ag_slot *s);

/* The recording callbacks; ud is an ag_slot. */
void ag_status(rsdk_async *a, rsdk_status st, const rsdk_error *err, void *ud);
void ag_int(rsdk_async *a, rsdk_status st, int64_t v, const rsdk_error *err, void *ud);
void ag_int_or_nil(rsdk_async *a, rsdk_status st, rsdk_int_or_nil v, const rsdk_error *err, void *ud);
void ag_bool(rsdk_async *a, rsdk_status st, bool v, const rsdk_error *err, void *ud);
void ag_double(rsdk_async *a, rsdk_status st, double v, const rsdk_error *err, void *ud);
void ag_double_or_nil(rsdk_async *a, rsdk_status st, rsdk_double_or_nil v, const rsdk_error *err,
                      void *ud);
void ag_rank(rsdk_async *a, rsdk_status st, rsdk_rank v, const rsdk_error *err, void *ud);
void ag_int_or_double(rsdk_async *a, rsdk_status st, rsdk_int_or_double v, const rsdk_error *err,
                      void *ud);
void ag_string(rsdk_async *a, rsdk_status st, rsdk_string *v, const rsdk_error *err, void *ud);
void ag_reply(rsdk_async *a, rsdk_status st, const rsdk_reply *v, const rsdk_error *err, void *ud);
void ag_strings(rsdk_async *a, rsdk_status st, rsdk_strings *v, const rsdk_error *err, void *ud);
void ag_pairs(rsdk_async *a, rsdk_status st, rsdk_pairs *v, const rsdk_error *err, void *ud);
void ag_scored(rsdk_async *a, rsdk_status st, rsdk_scored *v, const rsdk_error *err, void *ud);
void ag_ints(rsdk_async *a, rsdk_status st, rsdk_ints *v, const rsdk_error *err, void *ud);
void ag_doubles(rsdk_async *a, rsdk_status st, rsdk_doubles *v, const rsdk_error *err, void *ud);
void ag_bools(rsdk_async *a, rsdk_status st, rsdk_bools *v, const rsdk_error *err, void *ud);
void ag_scan_page(rsdk_async *a, rsdk_status st, rsdk_scan_page *v, const rsdk_error *err,
                  void *ud);
void ag_stream_entries(rsdk_async *a, rsdk_status st, rsdk_stream_entries *v,
                       const rsdk_error *err, void *ud);
void ag_streams(rsdk_async *a, rsdk_status st, rsdk_streams *v, const rsdk_error *err, void *ud);
void ag_geo(rsdk_async *a, rsdk_status st, rsdk_geo *v, const rsdk_error *err, void *ud);
void ag_pending(rsdk_async *a, rsdk_status st, rsdk_pending *v, const rsdk_error *err, void *ud);

/* Equal strings (both nil, or the same bytes). */
void ag_assert_str_equal(rsdk_str x, rsdk_str y);

/* Runs `cmd` (NULL-terminated words) on the blocking client; fails the
 * test on an error. */
void ag_do(ag_env *e, const char *arg0, ...);

#endif
