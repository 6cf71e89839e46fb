/* handshake.h — the handshake on a fresh connection (handshake.c). */
#ifndef RSDK_SRC_HANDSHAKE_H
#define RSDK_SRC_HANDSHAKE_H

#include "handshake_cmds.h"
#include "rsdk/client.h"

/* The handshake on a fresh connection (handshake.c): HELLO or the RESP2
 * sequence, then SELECT, authenticating with `login` (the
 * password NULL: no AUTH). Sets c->protocol. */
rsdk_status rsdk__handshake(rsdk_client *c, const rsdk__login *login);

#endif
