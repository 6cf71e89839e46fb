/* rsdk/adapters/libuv.h — run an async client on a libuv loop.
 *
 * Link //runtime/adapters:libuv (CMake: rsdk::libuv; pkg-config: rsdk-libuv)
 * and libuv itself. A program that does not use libuv links none of this.
 *
 * Threads: everything here, like the client itself, runs on the thread that
 * runs the uv_loop_t (rsdk/async.h).
 *
 * Handles: the client's socket and timer are a uv_poll_t and a uv_timer_t
 * of the loop. libuv closes handles asynchronously, so after
 * rsdk_async_free (or ops->cleanup) their memory is released by the loop's
 * next turn: run the loop once more (uv_run(loop, UV_RUN_NOWAIT)) before
 * uv_loop_close, as libuv requires for every handle. */
#ifndef RSDK_ADAPTERS_LIBUV_H
#define RSDK_ADAPTERS_LIBUV_H

#include <uv.h>

#include "rsdk/async.h"
#include "rsdk/common.h"
#include "rsdk/loop.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Attaches `a` to `loop` (borrowed: it must outlive `a`) and starts
 * connecting. Returns RSDK_OK, RSDK_ERR_INVALID_ARG (NULL `a`; or a NULL
 * `loop`, or `a` already attached) or RSDK_ERR_NOMEM; rsdk_async_error(a)
 * says which, and on failure `a` stays unattached. */
RSDK_API rsdk_status rsdk_async_attach_libuv(rsdk_async *a, uv_loop_t *loop);

/* The lower level under rsdk_async_attach_libuv: a new adapter instance for
 * `loop` in *adapter and its vtable in *ops, for rsdk_async_attach (which
 * takes the instance over) or for driving the vtable yourself. The instance
 * is owned by the caller until handed over; ops->cleanup frees it (its
 * handles on the loop's next turn, see above). Out parameters are untouched
 * on failure. Returns RSDK_OK, RSDK_ERR_INVALID_ARG (a NULL argument) or
 * RSDK_ERR_NOMEM. */
RSDK_API rsdk_status rsdk_libuv_adapter(uv_loop_t *loop, const rsdk_loop_ops **ops,
                                        void **adapter);

#ifdef __cplusplus
}
#endif
#endif
