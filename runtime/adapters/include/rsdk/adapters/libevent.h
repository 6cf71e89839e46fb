/* rsdk/adapters/libevent.h — run an async client on a libevent loop.
 *
 * Link //runtime/adapters:libevent (CMake: rsdk::libevent; pkg-config:
 * rsdk-libevent) and libevent itself. A program that does not use libevent
 * links none of this.
 *
 * Threads: everything here, like the client itself, runs on the thread that
 * runs the event_base (rsdk/async.h). */
#ifndef RSDK_ADAPTERS_LIBEVENT_H
#define RSDK_ADAPTERS_LIBEVENT_H

#include "rsdk/async.h"
#include "rsdk/common.h"
#include "rsdk/loop.h"

#ifdef __cplusplus
extern "C" {
#endif

struct event_base;

/* Attaches `a` to `base` (borrowed: it must outlive `a`) and starts
 * connecting; the client's socket and timer become libevent events of
 * `base`, freed by rsdk_async_free. Returns RSDK_OK, RSDK_ERR_INVALID_ARG
 * (NULL `a`; or a NULL `base`, or `a` already attached) or RSDK_ERR_NOMEM;
 * rsdk_async_error(a) says which, and on failure `a` stays unattached. */
RSDK_API rsdk_status rsdk_async_attach_libevent(rsdk_async *a, struct event_base *base);

/* The lower level under rsdk_async_attach_libevent: a new adapter instance
 * for `base` in *adapter and its vtable in *ops, for rsdk_async_attach (which
 * takes the instance over) or for driving the vtable yourself. The instance
 * is owned by the caller until handed over; ops->cleanup frees it. Out
 * parameters are untouched on failure. Returns RSDK_OK, RSDK_ERR_INVALID_ARG
 * (a NULL argument) or RSDK_ERR_NOMEM. */
RSDK_API rsdk_status rsdk_libevent_adapter(struct event_base *base, const rsdk_loop_ops **ops,
                                           void **adapter);

#ifdef __cplusplus
}
#endif
#endif
