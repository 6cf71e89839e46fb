/* tests/support/hostile_server.h — a scripted TCP peer that answers every
 * connection with bytes a test chose: malformed replies, lines without CRLF,
 * a reply dripped one byte at a time. No real server can be made to send
 * these, so this stands in for one; tests that use it say so.
 *
 * It listens on 127.0.0.1 (a port the kernel picks), on a thread of the
 * test process. Once a connection sends its first bytes (the request), the
 * script is written to it — at once, or one byte every `drip_ms` — and the
 * connection is then kept open (its further input read and dropped) until
 * the client closes it or the server stops. Every connection gets the
 * whole script. Test code only: plain malloc, poll(2). */
#ifndef RSDK_TEST_HOSTILE_SERVER_H
#define RSDK_TEST_HOSTILE_SERVER_H

#include <stddef.h>

typedef struct hostile_server hostile_server;

/* Starts a peer that answers with script[0..len) (copied), a byte every
 * drip_ms (0: all at once). NULL on failure. */
hostile_server *hostile_server_start(const char *script, size_t len, int drip_ms);

/* The port clients connect to. */
int hostile_server_port(const hostile_server *h);

/* Stops the thread, closes every connection, frees. Accepts NULL. */
void hostile_server_stop(hostile_server *h);

#endif
