/* client_call.h — one call on the client (client_call.c): the loop that
 * reconnects, re-AUTHs, retries and reports every command goes through. */
#ifndef RSDK_SRC_CLIENT_CALL_H
#define RSDK_SRC_CLIENT_CALL_H

#include <stddef.h>

#include "client_cmdview.h"
#include "rsdk/client.h"

/* One call (client_call.c): sends `len` bytes holding `ncmds` encoded
 * commands and reads ncmds replies into replies[0..ncmds) (NULLed first).
 * Reconnects a broken connection (RECONNECT_ATTEMPT events, the retry
 * policy's backoff), re-AUTHs stale credentials first, tracks session
 * state, retries per policy under the write guarantee and emits
 * COMMAND_COMPLETED. Server error replies stay in their slot. On a
 * connection failure the slots without a reply are NULL. */
rsdk_status rsdk__client_call(rsdk_client *c, const char *data, size_t len, size_t ncmds,
                              rsdk_reply **replies);

/* True when a command named `name` may leave session state on the
 * connection (MULTI, WATCH, SUBSCRIBE, SELECT, AUTH, CLIENT ...): what the
 * client tracks (client_call.c). */
bool rsdk__name_may_change_state(const rsdk__arg *name);

/* True when the client's retry policy allows more than one attempt. */
bool rsdk__client_may_retry(const rsdk_client *c);

/* Whether a call sending `ncmds` commands in data[0..len) must track the
 * session state they leave (pools, retries and re-AUTH care; a plain
 * client does not). Uses and resets c->call_may_track. */
bool rsdk__client_wants_tracking(rsdk_client *c, const char *data, size_t len, size_t ncmds);

/* Records the session state the commands in data[0..len) leave on the
 * connection (after they were written). */
void rsdk__client_track_all(rsdk_client *c, const char *data, size_t len, size_t ncmds);

/* Monotonic microseconds, for timing calls. */
long long rsdk__client_now_us(void);

/* Emits COMMAND_COMPLETED for a call of `ncmds` commands in data[0..len)
 * that started at `t0` (rsdk__client_now_us) and ended with `st`: the
 * command's name (upper case, cut at 31 bytes) or "PIPELINE" for several. */
void rsdk__client_emit_completed(rsdk_client *c, const char *data, size_t len, size_t ncmds,
                                 long long t0, rsdk_status st);

#endif
