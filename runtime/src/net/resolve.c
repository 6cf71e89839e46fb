/* Host name to addresses, for a TCP connect. Address literals and
 * `localhost` skip getaddrinfo: with AI_ADDRCONFIG it asks the kernel for
 * every local address over netlink on each call (a dozen system calls and
 * most of a loopback connect's time), and a literal needs no lookup at all. */
#include "resolve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

static void set4(rsdk__addrs *a, const struct in_addr *ip, int port) {
    struct sockaddr_in *s = (struct sockaddr_in *)(void *)&a->lit[a->nlit];
    memset(s, 0, sizeof *s);
    s->sin_family = AF_INET;
    s->sin_port = htons((unsigned short)port);
    s->sin_addr = *ip;
    a->lit_len[a->nlit++] = sizeof *s;
}

static void set6(rsdk__addrs *a, const struct in6_addr *ip, int port) {
    struct sockaddr_in6 *s = (struct sockaddr_in6 *)(void *)&a->lit[a->nlit];
    memset(s, 0, sizeof *s);
    s->sin6_family = AF_INET6;
    s->sin6_port = htons((unsigned short)port);
    s->sin6_addr = *ip;
    a->lit_len[a->nlit++] = sizeof *s;
}

static bool is_localhost(const char *h) {
    return strcasecmp(h, "localhost") == 0 || strcasecmp(h, "localhost.") == 0;
}

rsdk_status rsdk__resolve(const char *host, int port, rsdk__addrs *out, rsdk_error *err) {
    memset(out, 0, sizeof *out);
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, host, &v4) == 1) {
        set4(out, &v4, port);
        return RSDK_OK;
    }
    if (inet_pton(AF_INET6, host, &v6) == 1) { /* a scope ("%eth0") goes to getaddrinfo */
        set6(out, &v6, port);
        return RSDK_OK;
    }
    if (is_localhost(host)) {
        v4.s_addr = htonl(INADDR_LOOPBACK);
        set4(out, &v4, port);
        set6(out, &in6addr_loopback, port);
        return RSDK_OK;
    }
    char service[8];
    size_t n = 0;
    for (int d = 10000; d > 0; d /= 10)
        if (port / d || n) service[n++] = (char)('0' + port / d % 10);
    service[n] = '\0';
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
    int gr = getaddrinfo(host, service, &hints, &out->ai);
    if (gr != 0) {
        out->ai = NULL;
        return rsdk_error_set(err, RSDK_ERR_CONNECT, gr == EAI_SYSTEM ? errno : 0, "resolve %s: %s", host,
                              gai_strerror(gr));
    }
    return RSDK_OK;
}

bool rsdk__addrs_get(const rsdk__addrs *a, unsigned i, const struct sockaddr **sa, socklen_t *len) {
    if (i < a->nlit) {
        *sa = (const struct sockaddr *)(const void *)&a->lit[i];
        *len = a->lit_len[i];
        return true;
    }
    const struct addrinfo *ai = a->ai;
    for (i -= a->nlit; ai && i > 0; i--) ai = ai->ai_next;
    if (!ai) return false;
    *sa = ai->ai_addr;
    *len = ai->ai_addrlen;
    return true;
}

void rsdk__addrs_free(rsdk__addrs *a) {
    if (a->ai) freeaddrinfo(a->ai);
    a->ai = NULL;
}
