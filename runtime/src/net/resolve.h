/* resolve.h — the addresses a TCP connect tries (resolve.c). */
#ifndef RSDK_SRC_RESOLVE_H
#define RSDK_SRC_RESOLVE_H

#include <netdb.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "rsdk/error.h"

/* Where a host name led: up to two addresses worked out without a lookup
 * (an address literal, or `localhost`), else getaddrinfo's list. */
typedef struct rsdk__addrs {
    struct sockaddr_storage lit[2];
    socklen_t lit_len[2];
    unsigned nlit;
    struct addrinfo *ai;
} rsdk__addrs;

/* Resolves `host` (NUL-terminated) and `port` (1..65535). An IPv4 or IPv6
 * literal is parsed in place; `localhost` (any case, with or without the
 * final dot) is 127.0.0.1 then ::1, as RFC 6761 reserves it for loopback,
 * without reading /etc/hosts; any other name goes to getaddrinfo with
 * AI_ADDRCONFIG. Nothing is cached: each connect asks again, so a changed
 * DNS record is seen by the next connect. RSDK_ERR_CONNECT when the name
 * does not resolve. Free with rsdk__addrs_free. */
rsdk_status rsdk__resolve(const char *host, int port, rsdk__addrs *out, rsdk_error *err);

/* The i-th address (from 0): false past the last one. */
bool rsdk__addrs_get(const rsdk__addrs *a, unsigned i, const struct sockaddr **sa, socklen_t *len);

/* Frees what rsdk__resolve allocated. */
void rsdk__addrs_free(rsdk__addrs *a);

#endif
