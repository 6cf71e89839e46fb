/* rsdk/async_typed.h — the typed callbacks of generated _async calls.
 *
 * Every generated command X has, next to its sync call, an async call
 *   <prefix>X_async(a, args..., [opts], cb, ud)
 * that encodes the command, queues it on the async client `a`
 * (rsdk/async.h) and returns at once. When the reply arrives it is
 * decoded exactly as the sync call <prefix>X decodes it (same checks, same
 * RESP2-to-RESP3 normalisation, same result type), and `cb` is called with
 * the outcome. The callback's type follows the command's result kind:
 * one typedef below per kind (modules with result types of their own
 * declare <type>_async_cb beside the type, in their generated header).
 *
 * The rules every typed callback follows:
 *   - it is called exactly once, on the loop's thread, never from inside
 *     the _async call that queued it (unless rsdk_async_cancel() cancelled
 *     the command first, or the _async call itself failed: then never);
 *   - `st` is RSDK_OK and `err` NULL on success; on failure `st` is the
 *     code and `err` says why: a mapped server error (RSDK_ERR_WRONGTYPE,
 *     ...), RSDK_ERR_NIL or RSDK_ERR_UNEXPECTED_REPLY for a reply the
 *     result kind cannot hold (the messages the sync call gives),
 *     RSDK_ERR_TIMEOUT, a connection-class code, RSDK_ERR_CLOSED (closed or
 *     freed with the command pending), RSDK_ERR_NOMEM;
 *   - on failure the value is empty: 0, false, {0, nil}, a nil string, an
 *     empty view (count 0, owner NULL), a NULL reply;
 *   - scalars come by value; strings, views and module types by pointer,
 *     valid during the callback only. They own their reply exactly as a
 *     sync call's result does (`owner` set), and rsdk releases it (the
 *     type's _deinit) when the callback returns. To keep the value without
 *     a copy, move it out: copy the struct and clear the callback's
 *     `owner` (`rsdk_strings mine = *v; v->owner = NULL;`), then release
 *     `mine` with its _deinit when done. Calling the _deinit inside the
 *     callback is also allowed (the value is gone then);
 *   - the reply-tree kind (rsdk_async_reply_cb) gets the tree in its RESP3
 *     form, valid during the callback only; copy what you need;
 *   - a callback may issue commands, cancel others, close or free `a`.
 *
 * `cb` may be NULL: the command is sent and its reply read and dropped
 * (fire and forget). */
#ifndef RSDK_ASYNC_TYPED_H
#define RSDK_ASYNC_TYPED_H

#include <stdbool.h>
#include <stdint.h>

#include "rsdk/async.h"
#include "rsdk/common.h"
#include "rsdk/error.h"
#include "rsdk/reply.h"
#include "rsdk/typed.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Status-only commands (SET without GET, ...): the status text was checked. */
typedef void (*rsdk_async_status_cb)(rsdk_async *a, rsdk_status st, const rsdk_error *err,
                                     void *ud);

/* Scalars, by value. */
typedef void (*rsdk_async_int_cb)(rsdk_async *a, rsdk_status st, int64_t v, const rsdk_error *err,
                                  void *ud);
typedef void (*rsdk_async_int_or_nil_cb)(rsdk_async *a, rsdk_status st, rsdk_int_or_nil v,
                                         const rsdk_error *err, void *ud);
typedef void (*rsdk_async_bool_cb)(rsdk_async *a, rsdk_status st, bool v, const rsdk_error *err,
                                   void *ud);
typedef void (*rsdk_async_double_cb)(rsdk_async *a, rsdk_status st, double v,
                                     const rsdk_error *err, void *ud);
typedef void (*rsdk_async_double_or_nil_cb)(rsdk_async *a, rsdk_status st, rsdk_double_or_nil v,
                                            const rsdk_error *err, void *ud);
typedef void (*rsdk_async_rank_cb)(rsdk_async *a, rsdk_status st, rsdk_rank v,
                                   const rsdk_error *err, void *ud);
typedef void (*rsdk_async_int_or_double_cb)(rsdk_async *a, rsdk_status st, rsdk_int_or_double v,
                                            const rsdk_error *err, void *ud);

/* A string that may be nil; owns its reply during the callback (above). */
typedef void (*rsdk_async_string_cb)(rsdk_async *a, rsdk_status st, rsdk_string *v,
                                     const rsdk_error *err, void *ud);

/* The reply tree in its RESP3 form (free-form replies); NULL on failure. */
typedef void (*rsdk_async_reply_cb)(rsdk_async *a, rsdk_status st, const rsdk_reply *v,
                                    const rsdk_error *err, void *ud);

/* The shared views of rsdk/typed.h; each owns its reply during the
 * callback (above). */
typedef void (*rsdk_async_strings_cb)(rsdk_async *a, rsdk_status st, rsdk_strings *v,
                                      const rsdk_error *err, void *ud);
typedef void (*rsdk_async_pairs_cb)(rsdk_async *a, rsdk_status st, rsdk_pairs *v,
                                    const rsdk_error *err, void *ud);
typedef void (*rsdk_async_scored_cb)(rsdk_async *a, rsdk_status st, rsdk_scored *v,
                                     const rsdk_error *err, void *ud);
typedef void (*rsdk_async_ints_cb)(rsdk_async *a, rsdk_status st, rsdk_ints *v,
                                   const rsdk_error *err, void *ud);
typedef void (*rsdk_async_doubles_cb)(rsdk_async *a, rsdk_status st, rsdk_doubles *v,
                                      const rsdk_error *err, void *ud);
typedef void (*rsdk_async_bools_cb)(rsdk_async *a, rsdk_status st, rsdk_bools *v,
                                    const rsdk_error *err, void *ud);
typedef void (*rsdk_async_scan_page_cb)(rsdk_async *a, rsdk_status st, rsdk_scan_page *v,
                                        const rsdk_error *err, void *ud);
typedef void (*rsdk_async_stream_entries_cb)(rsdk_async *a, rsdk_status st,
                                             rsdk_stream_entries *v, const rsdk_error *err,
                                             void *ud);
typedef void (*rsdk_async_streams_cb)(rsdk_async *a, rsdk_status st, rsdk_streams *v,
                                      const rsdk_error *err, void *ud);
typedef void (*rsdk_async_geo_cb)(rsdk_async *a, rsdk_status st, rsdk_geo *v,
                                  const rsdk_error *err, void *ud);
typedef void (*rsdk_async_pending_cb)(rsdk_async *a, rsdk_status st, rsdk_pending *v,
                                      const rsdk_error *err, void *ud);

#ifdef __cplusplus
}
#endif
#endif
