/* handshake.h — the handshake on a fresh connection (handshake.c). */
#ifndef RSDK_SRC_HANDSHAKE_H
#define RSDK_SRC_HANDSHAKE_H

#include "rsdk/client.h"

/* Who the handshake authenticates as. The strings are borrowed for the
 * handshake alone (credentials from a provider are wiped after it). */
typedef struct rsdk__login {
    const char *username; /* NULL: the default user */
    const char *password; /* NULL: no AUTH */
} rsdk__login;

/* The handshake on a fresh connection (handshake.c): HELLO or the RESP2
 * sequence, then SELECT, authenticating with `login` (the
 * password NULL: no AUTH). Sets c->protocol. */
rsdk_status rsdk__handshake(rsdk_client *c, const rsdk__login *login);

#endif
