/* rsdk/loop.h — the event loop the async client runs on.
 *
 * The async client (rsdk/async.h) never waits: it asks a loop to tell it
 * when its socket is readable or writable and when a timer fires. Any loop
 * that can do those few things works; rsdk ships three:
 *
 *   - the built-in epoll loop below (rsdk_loop_*), for programs with no
 *     loop of their own, in //runtime:rsdk;
 *   - libevent (rsdk/adapters/libevent.h, //runtime/adapters:libevent);
 *   - libuv (rsdk/adapters/libuv.h, //runtime/adapters:libuv).
 *
 * A loop is driven by one thread: the async client, its callbacks and the
 * loop's own calls all run on that thread (docs/async.md). The one call
 * meant for other threads is rsdk_loop_post(). */
#ifndef RSDK_LOOP_H
#define RSDK_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "rsdk/common.h"
#include "rsdk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What an event source asks the loop for: a callback with `events` (a
 * mask of RSDK_LOOP_READ / RSDK_LOOP_WRITE) when its fd is ready. */
enum { RSDK_LOOP_READ = 1, RSDK_LOOP_WRITE = 2 };

/* Called by the loop when the watched fd is ready (`events`: which of
 * RSDK_LOOP_READ / RSDK_LOOP_WRITE) or, for a timer, when it fires
 * (events 0). `ud` is what the watch was set up with. */
typedef void (*rsdk_loop_event_fn)(void *ud, int events);

/* The vtable a loop adapter fills in: how the async client watches one fd
 * and keeps one timer. One adapter instance serves one async client
 * (adapters make one per rsdk_async_attach_* call). Every function runs on
 * the loop's thread. */
typedef struct rsdk_loop_ops {
    /* Starts watching `fd` for `events` (a mask; 0 = stop watching), calling
     * `fn(ud, ready)` when any is ready. Called again whenever the mask
     * changes (same fd) or the fd changes (after a reconnect: a new fd, the
     * old one is closed after this call). Returns 0, or -1 when the loop
     * cannot watch (the client then fails its commands with RSDK_ERR_IO). */
    int (*watch)(void *adapter, int fd, int events, rsdk_loop_event_fn fn, void *ud);
    /* Arms the one timer to fire once after `ms` milliseconds (0: on the
     * next loop turn), replacing any armed time; ms < 0 disarms it. The
     * timer calls the `fn`/`ud` given to the last watch call with events 0.
     * Returns 0 or -1. */
    int (*timer)(void *adapter, long long ms);
    /* The client no longer needs the adapter: stop watching, disarm, free
     * the adapter. Called once, from rsdk_async_free or a failed attach. */
    void (*cleanup)(void *adapter);
} rsdk_loop_ops;

/* ---- the built-in loop --------------------------------------------------- */

typedef struct rsdk_loop rsdk_loop; /* opaque: one epoll instance */

/* A callback posted to a running loop from any thread (rsdk_loop_post). */
typedef void (*rsdk_loop_post_fn)(rsdk_loop *loop, void *ud);

/* Creates a built-in loop into *out. Returns RSDK_OK, RSDK_ERR_NOMEM or
 * RSDK_ERR_IO (epoll or eventfd failed). */
RSDK_API rsdk_status rsdk_loop_new(rsdk_loop **out);

/* Frees the loop. Clients attached to it must be freed first; posted
 * callbacks not yet run are dropped (each is called with loop NULL so it
 * can free `ud`). Accepts NULL. */
RSDK_API void rsdk_loop_free(rsdk_loop *loop);

/* Runs the loop on the calling thread until rsdk_loop_stop() is called or
 * nothing is left to wait for (no watched fd, no armed timer, no posted
 * callback). Returns RSDK_OK, or RSDK_ERR_IO when epoll_wait fails. */
RSDK_API rsdk_status rsdk_loop_run(rsdk_loop *loop);

/* Runs one turn: waits at most `timeout_ms` (< 0: until something is
 * ready, 0: no wait) and dispatches what is ready. Returns RSDK_OK or
 * RSDK_ERR_IO. */
RSDK_API rsdk_status rsdk_loop_run_once(rsdk_loop *loop, int timeout_ms);

/* Makes rsdk_loop_run return after the current turn. Safe from any
 * thread and from inside a callback. */
RSDK_API void rsdk_loop_stop(rsdk_loop *loop);

/* Queues `fn(loop, ud)` to run on the loop's thread during its next turn,
 * waking the loop if it is waiting. The one call that is safe from any
 * thread: use it to submit commands to an async client the loop owns.
 * Callbacks run in the order posted. Returns RSDK_OK, RSDK_ERR_NOMEM, or
 * RSDK_ERR_CLOSED once the loop is being freed. */
RSDK_API rsdk_status rsdk_loop_post(rsdk_loop *loop, rsdk_loop_post_fn fn, void *ud);

/* The vtable and adapter instance to attach an async client to the
 * built-in loop (rsdk_async_attach does this for you). On RSDK_OK the
 * caller owns *adapter until it hands it to the client. */
RSDK_API rsdk_status rsdk_loop_adapter(rsdk_loop *loop, const rsdk_loop_ops **ops,
                                       void **adapter);

#ifdef __cplusplus
}
#endif
#endif
