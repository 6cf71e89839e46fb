/* client_io.h — the client's I/O on its connection (client_io.c): what the
 * handshake, re-AUTH, calls, transactions and pub/sub send and read with. */
#ifndef RSDK_SRC_CLIENT_IO_H
#define RSDK_SRC_CLIENT_IO_H

#include "rsdk/client.h"

/* Closes the connection after a failure so nothing more is read from it.
 * Returns `s`. */
rsdk_status rsdk__client_break(rsdk_client *c, rsdk_status s);

/* Writes `len` bytes; breaks the connection on failure. Sets
 * c->request_sent. */
rsdk_status rsdk__client_write(rsdk_client *c, const char *p, size_t len);

/* Reads the next reply (server errors are RSDK_REPLY_ERROR nodes, not
 * failures). RESP3 pushes go to the push handler unless push_as_reply.
 * Breaks the connection on any failure. */
rsdk_status rsdk__client_read_reply(rsdk_client *c, rsdk_reply **out);

#endif
