/* rsdk/async_txn.h — transactions on the async client: MULTI, the queued
 * commands and EXEC leave as one unit with one callback.
 *
 * A transaction is built first, off the connection: each command is
 * encoded into the transaction's buffer with a generated encoder (or given
 * as an argument vector), then rsdk_async_txn_exec queues MULTI, the
 * commands and EXEC on the client as one unit. Nothing of the unit is ever
 * sent twice: it is a write (the write rule, docs/retries.md), and since
 * it leaves in one piece no command of it can run outside the transaction
 * after a reconnect.
 *
 *   rsdk_async_txn *t;
 *   rsdk_async_txn_new(&t);
 *   rsdk_async_txn_add(t, rcore_set_encode(rsdk_async_txn_buf(t), "k", "v", NULL, &err));
 *   rsdk_async_txn_add(t, rcore_incr_encode(rsdk_async_txn_buf(t), "n", &err));
 *   rsdk_async_txn_exec(a, t, on_exec, ud);     (t is empty again, reusable)
 *
 * The callback gets EXEC's results, one node per command in the order
 * queued; read each with the command's generated decoder
 * (rcore_incr_decode(&results[1], &n, &err)), which brings RESP2 forms to
 * the RESP3 one as it reads (docs/codegen.md). The statuses are those of a
 * sync transaction pipeline (rsdk/txn.h):
 *   RSDK_OK               EXEC ran every command; a command that failed at
 *                         run time has an ERROR node in its place;
 *   RSDK_ERR_EXECABORT    the server refused a command while queueing,
 *                         nothing ran (err has the server's text);
 *   RSDK_ERR_TXN_ABORTED  EXEC answered nil: a key WATCHed on this
 *                         connection changed, nothing ran;
 *   RSDK_ERR_UNEXPECTED_REPLY  EXEC's array does not hold one result per
 *                         command;
 *   anything an async command fails with: a timeout, a connection-class
 *   code, RSDK_ERR_CLOSED. `results` is NULL and `n` 0 on every failure.
 * WATCH with rsdk_async_command before the exec; a reconnect in between
 * loses the WATCH on the server (the EXEC then runs unwatched), so keep
 * optimistic transactions to one loop turn or use the blocking client's
 * rsdk_txn_watch_run.
 *
 * Like the async client, a transaction belongs to one thread. */
#ifndef RSDK_ASYNC_TXN_H
#define RSDK_ASYNC_TXN_H

#include <stddef.h>

#include "rsdk/async.h"
#include "rsdk/buf.h"
#include "rsdk/common.h"
#include "rsdk/error.h"
#include "rsdk/reply.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rsdk_async_txn rsdk_async_txn; /* opaque */

/* Called exactly once per executed transaction: `results[0..n)` are the
 * commands' results (EXEC's array), owned by the client and valid during
 * the callback only; NULL and 0 on failure, when `err` says why. They are
 * mutable so that the generated decoders (which bring a reply to its RESP3
 * form in place) can read them: rcore_incr_decode(&results[0], ...). */
typedef void (*rsdk_async_txn_cb)(rsdk_async *a, rsdk_status st, rsdk_reply *results, size_t n,
                                  const rsdk_error *err, void *ud);

/* A new, empty transaction in *out. RSDK_OK, RSDK_ERR_NOMEM or
 * RSDK_ERR_INVALID_ARG (NULL out). */
RSDK_API rsdk_status rsdk_async_txn_new(rsdk_async_txn **out);

/* Frees `t` and what it queued. Accepts NULL. */
RSDK_API void rsdk_async_txn_free(rsdk_async_txn *t);

/* The buffer to encode the next command into with a generated encoder;
 * then rsdk_async_txn_add. NULL for a NULL `t`. */
RSDK_API rsdk_buf *rsdk_async_txn_buf(rsdk_async_txn *t);

/* Counts the command just encoded into rsdk_async_txn_buf when `encoded`
 * is RSDK_OK (a failed encoder wrote nothing) and returns `encoded`;
 * RSDK_ERR_INVALID_ARG for a NULL `t`. */
RSDK_API rsdk_status rsdk_async_txn_add(rsdk_async_txn *t, rsdk_status encoded);

/* Queues one command given as arguments (as rsdk_async_command_argv
 * takes them). RSDK_ERR_INVALID_ARG (NULL `t`, no arguments) or
 * RSDK_ERR_NOMEM; nothing is queued then. */
RSDK_API rsdk_status rsdk_async_txn_add_argv(rsdk_async_txn *t, size_t argc,
                                             const char *const *argv, const size_t *argvlen);

/* Commands queued so far. */
RSDK_API size_t rsdk_async_txn_count(const rsdk_async_txn *t);

/* Drops the queued commands; `t` is empty and reusable. Accepts NULL. */
RSDK_API void rsdk_async_txn_discard(rsdk_async_txn *t);

/* Queues MULTI, the commands and EXEC on `a` as one unit whose outcome
 * goes to `cb` (required) with `ud`; `t` is empty afterwards (also on
 * failure) and may be reused or freed at once. On failure nothing is
 * queued and `cb` is never called: RSDK_ERR_INVALID_ARG (NULL `a`, `t` or
 * `cb`, no command queued, a queued encoder had failed) or what
 * rsdk_async_command_argv refuses with (RSDK_ERR_CLOSED,
 * RSDK_ERR_QUEUE_FULL, RSDK_ERR_NOMEM); rsdk_async_error(a) says why. */
RSDK_API rsdk_status rsdk_async_txn_exec(rsdk_async *a, rsdk_async_txn *t, rsdk_async_txn_cb cb,
                                         void *ud);

#ifdef __cplusplus
}
#endif
#endif
