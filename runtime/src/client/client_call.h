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

#endif
