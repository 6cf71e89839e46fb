/* loop_driver.h — one event loop behind a common face, so the adapter test
 * is written once and built once per loop (tests/adapters/BUILD links one
 * loop_<kind>.c into each binary). */
#ifndef RSDK_TESTS_LOOP_DRIVER_H
#define RSDK_TESTS_LOOP_DRIVER_H

#include "rsdk/error.h"
#include "rsdk/loop.h"

typedef struct test_loop test_loop;

/* The loop's name ("libevent", "libuv", "builtin"), for messages. */
const char *test_loop_kind(void);

/* A new loop; fails the test if it cannot be made. */
test_loop *test_loop_new(void);

/* The loop's adapter constructor (rsdk_libevent_adapter, ...) called with
 * `l`'s native loop, or with a NULL loop when `l` is NULL. */
rsdk_status test_loop_adapter(test_loop *l, const rsdk_loop_ops **ops, void **adapter);

/* Runs one turn of the loop, waiting at most `wait_ms` for something to be
 * ready (0: only what is ready now). */
void test_loop_turn(test_loop *l, int wait_ms);

/* Frees the loop, after the turns it needs to release what adapters
 * closed; fails the test if something is still registered on it. */
void test_loop_free(test_loop *l);

#endif
