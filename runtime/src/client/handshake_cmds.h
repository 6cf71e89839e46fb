/* handshake_cmds.h — the handshake's commands and the reading of their
 * replies, without I/O (handshake_cmds.c): the blocking handshake
 * (handshake.c) and the async client's queued one both use them. */
#ifndef RSDK_SRC_HANDSHAKE_CMDS_H
#define RSDK_SRC_HANDSHAKE_CMDS_H

#include <stdbool.h>
#include <stddef.h>

#include "rsdk/buf.h"
#include "rsdk/client.h"

/* Who the handshake authenticates as. The strings are borrowed for the
 * handshake alone (credentials from a provider are wiped after it). */
typedef struct rsdk__login {
    const char *username; /* NULL: the default user */
    const char *password; /* NULL: no AUTH */
} rsdk__login;

/* Encodes into `b` (empty, initialised) HELLO 3 [AUTH user pass] [SETNAME
 * name] then SELECT when o->db is set: one write. Returns the number of
 * replies to read; the buffer's sticky error tells a failed encode. Room
 * for it all is reserved first, so the password is never left behind in a
 * block the buffer moved out of: wipe with rsdk__hs_buf_free. */
size_t rsdk__hs_encode_resp3(rsdk_buf *b, const rsdk_client_opts *o, const rsdk__login *login);

/* The same for RESP2: AUTH, CLIENT SETNAME, SELECT as needed (0 replies
 * when nothing is needed). */
size_t rsdk__hs_encode_resp2(rsdk_buf *b, const rsdk_client_opts *o, const rsdk__login *login);

/* True when HELLO's reply says the server does not speak RESP3 (or refused
 * HELLO unread): the RESP2 sequence is to run instead, whatever the other
 * replies of the step said. */
bool rsdk__hs_fallback(const rsdk__login *login, const rsdk_reply *hello);

/* The first server error among replies[0..n) as the result (`err` filled),
 * or RSDK_OK. Frees every reply. The server's text is kept: it names the
 * problem (WRONGPASS, NOAUTH, db out of range) and never echoes a password. */
rsdk_status rsdk__hs_first_error(rsdk_error *err, rsdk_reply **replies, size_t n);

/* Wipes the whole buffer (it held a password) and frees it. */
void rsdk__hs_buf_free(rsdk_buf *b);

#endif
