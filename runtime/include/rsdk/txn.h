/* rsdk/txn.h — transactions: MULTI ... EXEC, WATCH and optimistic retry.
 *
 * A transaction is a pipeline in transaction mode: commands are queued with
 * rsdk_pipeline_append_argv or the generated X_queue functions, and
 * rsdk_pipeline_exec sends MULTI, the commands and EXEC in one write. After a
 * successful exec, rsdk_pipeline_reply(p, i) is command i's own result taken
 * from EXEC's array, so generated X_decode functions read it as usual.
 *
 * What exec returns in transaction mode:
 *   RSDK_OK               EXEC ran every command. A command that failed at
 *                         run time (INCR on a string) has an ERROR node in its
 *                         slot; the others succeeded (Redis does not roll back).
 *   RSDK_ERR_EXECABORT    the server rejected a command while queueing
 *                         (unknown command, wrong arity, ...), so nothing ran.
 *                         The rejected commands' slots hold their ERROR node,
 *                         the others are NULL; rsdk_client_error() has the
 *                         server text and names the first rejected command.
 *   RSDK_ERR_TXN_ABORTED  EXEC answered nil: a WATCHed key changed. Nothing
 *                         ran; every slot is NULL.
 *   connection failures   as for pipelines; the connection is broken, so the
 *                         server dropped the transaction.
 * In every case the connection is left outside MULTI and without WATCH.
 *
 * Like the client, nothing here is thread-safe: one thread per client. */
#ifndef RSDK_TXN_H
#define RSDK_TXN_H

#include "rsdk/client.h"
#include "rsdk/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- transaction pipelines ---------------------------------------------- */

/* Switches `p` into (on = true) or out of transaction mode. The mode stays
 * across execs. Commands already queued are kept. RSDK_ERR_INVALID_ARG for a
 * NULL `p`. */
RSDK_API rsdk_status rsdk_pipeline_set_transaction(rsdk_pipeline *p, bool on);

/* True when `p` is in transaction mode. A cluster's pipeline
 * (rsdk/cluster.h) may be too: each exec then goes as MULTI ... EXEC to
 * the owner of its keys' slot (keys in several slots: RSDK_ERR_CROSSSLOT,
 * nothing sent). */
RSDK_API bool rsdk_pipeline_is_transaction(const rsdk_pipeline *p);

/* Drops every queued command without sending anything (a transaction
 * pipeline sends MULTI only with EXEC, so there is nothing to DISCARD on the
 * server). Replies of the last exec stay readable. Accepts NULL. */
RSDK_API void rsdk_pipeline_discard(rsdk_pipeline *p);

/* ---- WATCH -------------------------------------------------------------- */

/* WATCH keys[0..nkeys) on `c`: a later EXEC on `c` answers nil
 * (RSDK_ERR_TXN_ABORTED) when one of them changed in between. Keys are
 * borrowed for the call. RSDK_ERR_INVALID_ARG for nkeys == 0, a NULL array,
 * or a client already in MULTI; connection and server errors as for
 * rsdk_client_command. */
RSDK_API rsdk_status rsdk_txn_watch(rsdk_client *c, const rsdk_str *keys, size_t nkeys);

/* UNWATCH: forgets every watched key. RSDK_OK at once when nothing is
 * watched or the connection is broken (the server forgot already). */
RSDK_API rsdk_status rsdk_txn_unwatch(rsdk_client *c);

/* Body of an optimistic transaction, run by rsdk_txn_watch_run after the
 * WATCH. It may read with `c` (the watched connection) and queues the writes
 * into `txn` (a transaction pipeline, empty on entry). `attempt` is 1 for the
 * first run. Returning anything but RSDK_OK abandons the transaction: nothing
 * is executed, the keys are unwatched and rsdk_txn_watch_run returns that
 * status. It must not exec `txn` itself. */
typedef rsdk_status (*rsdk_txn_fn)(rsdk_client *c, rsdk_pipeline *txn, uint32_t attempt,
                                   void *ud);

/* Optimistic transaction with retry: WATCH keys, run fn, EXEC what it
 * queued; when EXEC answers nil (a watched key changed) start over, at most
 * `max_attempts` runs in all. `txn` is the caller's pipeline (its client is
 * the connection used); it is put in transaction mode and must be empty. On
 * RSDK_OK its replies are EXEC's results. Otherwise: fn's own failure, a
 * WATCH/EXEC failure (RSDK_ERR_EXECABORT, connection errors, ...), or
 * RSDK_ERR_TXN_ABORTED when every attempt met a conflict. A connection that
 * was re-opened while fn ran (so the WATCH was lost) counts as a conflict.
 * *attempts (may be NULL) receives the number of runs of fn, also on failure.
 * The connection is always left without WATCH and outside MULTI.
 * RSDK_ERR_INVALID_ARG for NULL arguments, nkeys == 0, max_attempts == 0 or
 * a non-empty `txn`. */
RSDK_API rsdk_status rsdk_txn_watch_run(rsdk_pipeline *txn, const rsdk_str *keys, size_t nkeys,
                                        rsdk_txn_fn fn, void *ud, uint32_t max_attempts,
                                        uint32_t *attempts);

/* ---- interactive MULTI -------------------------------------------------- */

/* Sends MULTI on `c`. Until rsdk_txn_exec or rsdk_txn_discard, commands sent
 * with rsdk_client_command* are queued by the server and answer the status
 * "QUEUED" (or their rejection, which dooms the EXEC); generated sync
 * wrappers expect real replies, so queue typed commands in a transaction
 * pipeline instead. RSDK_ERR_INVALID_ARG when `c` is already in MULTI;
 * connection and server errors as for rsdk_client_command. */
RSDK_API rsdk_status rsdk_txn_multi(rsdk_client *c);

/* Sends EXEC. On RSDK_OK *out is EXEC's array (caller frees). Failures:
 * RSDK_ERR_TXN_ABORTED (nil: a watched key changed), RSDK_ERR_EXECABORT (a
 * command was rejected while queueing), RSDK_ERR_INVALID_ARG when `c` is not
 * in MULTI, connection errors. Afterwards `c` is out of MULTI, without
 * WATCH. */
RSDK_API rsdk_status rsdk_txn_exec(rsdk_client *c, rsdk_reply **out);

/* Sends DISCARD: the queued commands are dropped and watched keys are
 * forgotten. RSDK_ERR_INVALID_ARG when `c` is not in MULTI. When the
 * DISCARD itself fails on the connection, the connection is broken, which
 * ends the transaction on the server just as well. */
RSDK_API rsdk_status rsdk_txn_discard(rsdk_client *c);

/* True while `c` is inside MULTI (rsdk_txn_multi sent, not yet ended). A
 * pool closes such a connection rather than reusing it. */
RSDK_API bool rsdk_client_in_multi(const rsdk_client *c);

/* True while keys WATCHed through rsdk_txn_watch are still watched. */
RSDK_API bool rsdk_client_watching(const rsdk_client *c);

#ifdef __cplusplus
}
#endif
#endif
