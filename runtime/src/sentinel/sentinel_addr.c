/* Sentinel addresses ("host:port", "[v6]:port"), their order (the one that
 * answered last is asked first), and the options of a connection to one
 * address. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "sentinel_types.h"

rsdk_status rsdk__saddr_parse(const char *text, rsdk__saddr *a) {
    const char *colon = text ? strrchr(text, ':') : NULL;
    if (colon == NULL || colon == text) return RSDK_ERR_INVALID_ARG;
    const char *host = text;
    size_t hlen = (size_t)(colon - text);
    if (host[0] == '[') {
        if (hlen < 3 || host[hlen - 1] != ']') return RSDK_ERR_INVALID_ARG;
        host++;
        hlen -= 2;
    }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || port <= 0 || port > 65535) return RSDK_ERR_INVALID_ARG;
    a->host = rsdk__malloc(hlen + 1);
    if (a->host == NULL) return RSDK_ERR_NOMEM;
    memcpy(a->host, host, hlen);
    a->host[hlen] = '\0';
    a->port = (int)port;
    return RSDK_OK;
}

void rsdk__sentinel_promote(rsdk_sentinel *s, size_t i) {
    if (i == 0 || i >= s->nsentinels) return;
    rsdk__saddr first = s->sentinels[i];
    memmove(&s->sentinels[1], &s->sentinels[0], i * sizeof s->sentinels[0]);
    s->sentinels[0] = first;
}

rsdk_status rsdk__sentinel_order(rsdk_sentinel *s, rsdk__saddr **out, size_t *n) {
    pthread_mutex_lock(&s->mu);
    *n = s->nsentinels;
    *out = rsdk__malloc(*n * sizeof **out);
    if (*out != NULL) memcpy(*out, s->sentinels, *n * sizeof **out);
    pthread_mutex_unlock(&s->mu);
    return *out ? RSDK_OK : RSDK_ERR_NOMEM;
}

void rsdk__sentinel_opts_for(const rsdk_sentinel *s, const rsdk_client_opts *tmpl,
                             const rsdk__saddr *a, rsdk_client_opts *out) {
    *out = *tmpl;
    out->host = a->host;
    out->port = a->port;
    out->unix_path = NULL;
    out->retry = &s->none;
}
