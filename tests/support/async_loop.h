/* tests/support/async_loop.h — the event loop an async test runs on, from
 * a small factory, so one suite runs on every loop rsdk supports.
 *
 * A test opens a loop of a kind (rsdk_test_loop_open), attaches its
 * clients to it and drives it with run_until. Each kind is one
 * rsdk_test_loop_impl: the built-in epoll loop (async_loop_builtin.c),
 * libevent (async_loop_libevent.c) and libuv (async_loop_libuv.c), each
 * through its adapter. RSDK_TEST_LOOP=builtin|libevent|libuv picks the
 * kind of rsdk_test_loop_kind_from_env; rsdk_loop_tests (tests/defs.bzl)
 * builds a test once per kind with it set. */
#ifndef RSDK_TEST_ASYNC_LOOP_H
#define RSDK_TEST_ASYNC_LOOP_H

#include <stdbool.h>

#include "rsdk/async.h"
#include "rsdk/loop.h"

typedef enum rsdk_test_loop_kind {
    RSDK_TEST_LOOP_BUILTIN = 0,
    RSDK_TEST_LOOP_LIBEVENT,
    RSDK_TEST_LOOP_LIBUV,
} rsdk_test_loop_kind;

/* What one kind of loop does for the tests. */
typedef struct rsdk_test_loop_impl {
    const char *name;
    /* Makes the loop into *state; false when it cannot. */
    bool (*open)(void **state);
    /* Attaches `a` (rsdk_async_attach with the loop's adapter); with a
     * NULL `state`, the attach call with a NULL loop (bad-argument tests). */
    rsdk_status (*attach)(void *state, rsdk_async *a);
    /* The loop's adapter constructor (rsdk_loop_adapter,
     * rsdk_libevent_adapter, rsdk_libuv_adapter) on the loop of `state`, or
     * on a NULL loop when `state` is NULL (bad-argument tests). */
    rsdk_status (*adapter)(void *state, const rsdk_loop_ops **ops, void **adapter);
    /* One turn, waiting at most timeout_ms. */
    void (*run_once)(void *state, int timeout_ms);
    /* The built-in loop itself (rsdk_loop_post tests), NULL for others. */
    rsdk_loop *(*builtin)(void *state);
    /* Frees the loop; fails the test when something of an adapter is
     * still registered on it. */
    void (*close)(void *state);
} rsdk_test_loop_impl;

typedef struct rsdk_test_loop {
    const rsdk_test_loop_impl *impl;
    void *state;
} rsdk_test_loop;

/* The implementations (async_loop_<kind>.c). */
extern const rsdk_test_loop_impl rsdk_test_loop_builtin_impl;
extern const rsdk_test_loop_impl rsdk_test_loop_libevent_impl;
extern const rsdk_test_loop_impl rsdk_test_loop_libuv_impl;

/* The kind RSDK_TEST_LOOP names (default: builtin). */
rsdk_test_loop_kind rsdk_test_loop_kind_from_env(void);

/* Opens a loop of `kind`; fails the test when it cannot. */
rsdk_test_loop *rsdk_test_loop_open(rsdk_test_loop_kind kind);

/* Closes it (clients attached must be freed first). Accepts NULL. */
void rsdk_test_loop_close(rsdk_test_loop *l);

/* Attaches `a` to the loop; fails the test on error. */
void rsdk_test_loop_attach(rsdk_test_loop *l, rsdk_async *a);

/* Runs the loop until pred(ud) holds or timeout_ms pass; returns whether
 * pred held. */
bool rsdk_test_loop_run_until(rsdk_test_loop *l, bool (*pred)(void *ud), void *ud,
                              long timeout_ms);

/* Runs the loop for `ms` milliseconds. */
void rsdk_test_loop_run_for(rsdk_test_loop *l, long ms);

/* The built-in loop under `l`, or NULL for another kind. */
rsdk_loop *rsdk_test_loop_builtin(rsdk_test_loop *l);

#endif
