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

/* COMMAND_COMPLETED for `ncmds` commands encoded at data[0..len) that
 * started at `t0` (rsdk__now_us) and ended with `st`: the command's name,
 * or "PIPELINE" for several. */
void rsdk__client_emit_completed(rsdk_client *c, const char *data, size_t len, size_t ncmds,
                                 long long t0, rsdk_status st);

/* Monotonic microseconds. */
long long rsdk__now_us(void);

#endif
