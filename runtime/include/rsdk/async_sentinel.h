/* rsdk/async_sentinel.h — a Sentinel-managed primary on an event loop.
 *
 * An rsdk_async_sentinel keeps one rsdk_async client on the primary that
 * an rsdk_sentinel (rsdk/sentinel.h) names, and follows that handle when a
 * failover changes it: before each command it compares the primary's
 * address with its client's (one lock, one string compare) and, when they
 * differ, opens a client on the new primary; the replaced client stays
 * until its pending commands have answered. The sentinel handle learns of
 * a switch from its +switch-master watch; a READONLY reply or a connection
 * failure seen here also makes it ask the sentinels again, on a thread of
 * its own (the loop never waits for the sentinels).
 *
 * Nothing is sent twice by this layer: a command whose connection failed
 * reaches its callback with that error (its primary's client may resend a
 * read-only one after reconnecting, as any rsdk_async does), and a write
 * refused with READONLY by a demoted primary comes back as that error
 * reply, for the caller to repeat. See docs/sentinel.md, "On an event
 * loop".
 *
 * Like rsdk_async, it is used from its loop's thread only; the sentinel
 * handle may serve other threads meanwhile and must outlive it. */
#ifndef RSDK_ASYNC_SENTINEL_H
#define RSDK_ASYNC_SENTINEL_H

#include "rsdk/async.h"
#include "rsdk/sentinel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rsdk_async_sentinel rsdk_async_sentinel; /* opaque */

typedef struct rsdk_async_sentinel_opts {
    rsdk_sentinel *sentinel;     /* finds the primary and follows failovers
                                  * (borrowed; must outlive the handle) */
    rsdk_async_attach_fn attach; /* required: attaches each primary's client */
    void *attach_ud;
    size_t max_in_flight;        /* per client (rsdk_async_opts); 0: its default */
} rsdk_async_sentinel_opts;

/* Fills `o` with zeroes: no sentinel, no attach function, defaults. */
RSDK_API void rsdk_async_sentinel_opts_init(rsdk_async_sentinel_opts *o);

/* Creates the handle and a client on the current primary (connecting on
 * the loop). RSDK_OK, RSDK_ERR_INVALID_ARG (no sentinel handle or attach
 * function), RSDK_ERR_MASTERDOWN (the sentinel handle knows no primary),
 * RSDK_ERR_NOMEM, or the attach function's status. */
RSDK_API rsdk_status rsdk_async_sentinel_new(const rsdk_async_sentinel_opts *o,
                                             rsdk_async_sentinel **out, rsdk_error *err);

/* The client on the current primary (switching first when the sentinel
 * handle names another), for the generated typed calls
 * (`rcore_incr_async(rsdk_async_sentinel_client(as), ...)`), pub/sub and
 * transactions. Valid until the next call into `as`; NULL when no primary
 * is known or a new client could not be made (rsdk_async_sentinel_error
 * says why). Commands sent on it directly are not watched for READONLY:
 * the sentinel handle's watch still catches the switch. */
RSDK_API rsdk_async *rsdk_async_sentinel_client(rsdk_async_sentinel *as);

/* Queues one command for the primary (argv as rsdk_client_command_argv);
 * `fn` gets the primary's client, as any rsdk_async_fn. Returns as
 * rsdk_async_command_argv, and RSDK_ERR_MASTERDOWN when no primary is
 * known; on failure nothing is queued and rsdk_async_sentinel_error says
 * why. */
RSDK_API rsdk_status rsdk_async_sentinel_command_argv(rsdk_async_sentinel *as, size_t argc,
                                                      const char *const *argv,
                                                      const size_t *argvlen, rsdk_async_fn fn,
                                                      void *ud);

/* Convenience: C-string arguments terminated by NULL. */
RSDK_API rsdk_status rsdk_async_sentinel_command(rsdk_async_sentinel *as, rsdk_async_fn fn,
                                                 void *ud, const char *arg0, ...) RSDK_SENTINEL;

/* Commands queued or awaiting a reply, on the current client and on the
 * replaced ones still answering. */
RSDK_API size_t rsdk_async_sentinel_pending(const rsdk_async_sentinel *as);

/* How many times the handle moved to another primary. */
RSDK_API uint64_t rsdk_async_sentinel_switches(const rsdk_async_sentinel *as);

/* The last call's failure record. */
RSDK_API const rsdk_error *rsdk_async_sentinel_error(const rsdk_async_sentinel *as);

/* Frees the handle and its clients (pending callbacks get RSDK_ERR_CLOSED)
 * and waits for a running refresh. Not inside one of its callbacks.
 * Accepts NULL. */
RSDK_API void rsdk_async_sentinel_free(rsdk_async_sentinel *as);

#ifdef __cplusplus
}
#endif
#endif
