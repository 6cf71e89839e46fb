/* rsdk/async_internal.h — what generated code (and other encoders) use to
 * queue an encoded command on an async client: not part of the stable API
 * (docs/abi.md). Applications queue with the generated <prefix>X_async
 * functions or rsdk_async_command_argv (rsdk/async.h).
 *
 * A generated X_async encodes its command into a buffer (as X_queue does
 * for a pipeline), then hands it over with an rsdk_async_call: a decode
 * trampoline of its result kind, the caller's typed callback, the decoder's
 * static expectation and the caller's user data. The client copies the
 * record into its own command record (no allocation per command) and, when
 * the reply comes, calls the trampoline, which decodes the reply the way
 * the sync call does and calls the typed callback. */
#ifndef RSDK_ASYNC_INTERNAL_H
#define RSDK_ASYNC_INTERNAL_H

#include "rsdk/async.h"
#include "rsdk/buf.h"
#include "rsdk/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Any typed callback, stored as this type and cast back to its own by the
 * trampoline that knows it (a cast between function pointer types is
 * well defined in C when it is cast back before the call). */
typedef void (*rsdk_async_typed_fn)(void);

struct rsdk_async_call;

/* Called exactly once per command, as an rsdk_async_fn is (same rules for
 * reply and err: reply NULL with err set on a failure, reply non-NULL of
 * type RSDK_REPLY_ERROR with err describing it on a server error). The
 * trampoline decodes `reply` with call->decode_arg and calls call->fn cast
 * to its type with call->ud. `reply` is the client's: it may keep it with
 * rsdk_async_reply_take. `call` is valid during the call only. */
typedef void (*rsdk_async_decode_fn)(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err,
                                     const struct rsdk_async_call *call);

/* Flags of an rsdk_async_call. */
enum {
    /* The command has no side effect: after a reconnect it may be sent again
     * (when the retry policy retries connection errors) instead of failing
     * with the connection error (the write rule, docs/async.md). Without it
     * a command that was written is never sent twice. */
    RSDK_ASYNC_READONLY = 1u,
};

/* One queued command's completion: copied into the client's command record. */
typedef struct rsdk_async_call {
    rsdk_async_decode_fn decode; /* required */
    rsdk_async_typed_fn fn;      /* the typed callback (may be NULL: the
                                  * trampoline then drops the result) */
    const void *decode_arg;      /* the decoder's expectation (generated
                                  * static data), borrowed until the call */
    void *ud;                    /* the caller's user data */
    unsigned flags;              /* RSDK_ASYNC_* */
} rsdk_async_call;

/* Queues `ncmds` (>= 1) commands already encoded in `encoded` (RESP arrays,
 * e.g. from rsdk_write_command or generated encoders; copied, the caller
 * keeps the buffer) as one unit with one completion: the replies of the
 * first ncmds - 1 commands are read and dropped, the last one's reply goes
 * to call->decode (so MULTI, the queued commands and EXEC give the EXEC
 * reply). The unit leaves in one write with the other commands of the loop
 * turn. Returns RSDK_OK (*id, when non-NULL, names it for
 * rsdk_async_cancel) or, with nothing queued and decode never called, the
 * statuses of rsdk_async_command_argv: RSDK_ERR_INVALID_ARG (NULL `a`,
 * `encoded`, `call` or call->decode, ncmds 0, an empty or failed buffer,
 * more bytes than max_queued_bytes), RSDK_ERR_CLOSED, RSDK_ERR_QUEUE_FULL,
 * RSDK_ERR_NOMEM; rsdk_async_error() says why. */
RSDK_API rsdk_status rsdk_async_send_encoded(rsdk_async *a, const rsdk_buf *encoded, size_t ncmds,
                                             const rsdk_async_call *call, rsdk_async_id *id);

#ifdef __cplusplus
}
#endif
#endif
