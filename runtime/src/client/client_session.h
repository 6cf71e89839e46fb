/* client_session.h — the client's connection management (client_session.c):
 * session state, connect bookkeeping, credentials and re-AUTH. */
#ifndef RSDK_SRC_CLIENT_SESSION_H
#define RSDK_SRC_CLIENT_SESSION_H

#include <stdint.h>

#include "handshake.h"
#include "rsdk/client.h"
#include "rsdk/credentials.h"
#include "rsdk/events.h"

void rsdk__client_state_set(rsdk_client *c, unsigned bits, bool on);

/* True when the connection must not be handed to another user: session
 * state (above, or in_multi/watching), replies still owed (pending), unread
 * bytes in the reader, a push hook or pushes routed as replies (pub/sub).
 * A broken client is not "dirty": ask rsdk_client_broken() too. */
bool rsdk__client_dirty(const rsdk_client *c);

/* For a pool about to hand out an idle connection: false when it is broken,
 * dirty, or its socket is readable (closed by the server, or bytes nobody
 * asked for). Does not block. */
bool rsdk__client_idle_ok(rsdk_client *c);

/* Connection management part of rsdk_client_open (client_session.c): takes
 * events, credentials, the retry policy and the seed from `o` and sets the
 * endpoint name (c->opts must hold the copied strings already).
 * RSDK_ERR_INVALID_ARG for a policy whose backoff is invalid. */
rsdk_status rsdk__client_session_init(rsdk_client *c, const rsdk_client_opts *o, rsdk_error *err);

/* Around a connect (client_session.c). _begin emits RECONNECT_ATTEMPT
 * when this is a reconnect and, with a provider, fetches credentials into
 * `cr`; *login is what the handshake authenticates with (the provider's
 * credentials, else the options'). Its failure is the connect's. _end
 * wipes `cr` and, on success, records the generation, resets the
 * reconnect count and emits CONNECTED. */
rsdk_status rsdk__client_connect_begin(rsdk_client *c, rsdk_credentials *cr, rsdk__login *login);
void rsdk__client_connect_end(rsdk_client *c, rsdk_credentials *cr, rsdk_status s);

/* The one test of "is this connection's login behind?": true when the
 * connection authenticated with a generation older than `gen` (the
 * provider's, rsdk__client_creds_gen) and a re-AUTH to `gen` has not
 * already failed on it (client_session.c). */
bool rsdk__client_creds_stale(const rsdk_client *c, uint64_t gen);

/* Records that moving to `gen` failed: rsdk__client_creds_stale says no
 * until the provider's generation moves on. */
void rsdk__client_creds_failed(rsdk_client *c, uint64_t gen);

/* The generation of the client's credentials provider now; 0 without one. */
uint64_t rsdk__client_creds_gen(const rsdk_client *c);

/* Re-AUTHs with the provider's current credentials when the connection's
 * generation is behind (but not inside MULTI or pub/sub: then later).
 * Emits REAUTH_REQUIRED, then _SUCCEEDED or _FAILED. A refused AUTH or a
 * provider failure leaves the connection on its old, still valid
 * authentication and returns RSDK_OK; only a connection failure (the
 * connection is then broken) is returned. */
rsdk_status rsdk__client_reauth_if_stale(rsdk_client *c);

/* The same, with the REAUTH_* events sent to `events` (may be NULL) with
 * `source`: a subscriber re-AUTHing its RESP3 connection in-band reports
 * as itself. Pushes read while waiting for the AUTH reply go to the push
 * hook as usual. */
rsdk_status rsdk__client_reauth_as(rsdk_client *c, rsdk_events *events, const void *source);

#endif
