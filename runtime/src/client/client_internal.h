/* client_internal.h — the client's own entry points below its public calls
 * (client.c): connect and "ready for a command". */
#ifndef RSDK_SRC_CLIENT_INTERNAL_H
#define RSDK_SRC_CLIENT_INTERNAL_H

#include "rsdk/client.h"

/* Connects (if needed) and runs the handshake. RSDK_OK or the failure, with
 * c->err filled and the client left broken. */
rsdk_status rsdk__client_connect(rsdk_client *c);

/* Before a command: RSDK_OK when connected (re-AUTHing first when the
 * credentials provider moved on: rsdk__client_reauth_if_stale); reconnects
 * a broken client when opts.reconnect, else RSDK_ERR_BROKEN. */
rsdk_status rsdk__client_ready(rsdk_client *c);

#endif
