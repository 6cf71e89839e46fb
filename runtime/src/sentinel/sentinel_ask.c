/* Questions to the sentinels: each in the current order until one answers
 * about the master; that one moves to the front, so a sentinel that is
 * down costs a refused connect once, not on every discovery. */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "sentinel_types.h"

/* Appends "host:port (why)" to the list of sentinels tried. */
static void note(char *tried, size_t size, const rsdk__saddr *a, const char *why) {
    size_t used = strlen(tried);
    if (used + 1 >= size) return;
    /* Cut to size when long: the error message holds 256 bytes anyway. */
    if (snprintf(tried + used, size - used, "%s%s:%d (%s)", used ? ", " : "", a->host, a->port, why) < 0)
        tried[used] = '\0';
}

/* One sentinel: RSDK_OK with a useful reply, RSDK_ERR_MASTERDOWN when it
 * answered without knowing the master, else why it could not be asked. */
static rsdk_status ask_one(rsdk_sentinel *s, const rsdk__saddr *a, const char *sub,
                           rsdk_reply **out, rsdk_error *e) {
    rsdk_client_opts co;
    rsdk__sentinel_opts_for(s, &s->sopts, a, &co);
    co.db = 0;
    rsdk_client *c;
    rsdk_status st = rsdk_client_open(&co, &c, e);
    if (st) return st;
    const char *argv[] = {"SENTINEL", sub, s->name};
    rsdk_reply *r = NULL;
    st = rsdk_client_command_argv(c, 3, argv, NULL, &r);
    if (st && e) *e = *rsdk_client_error(c);
    rsdk_client_close(c);
    if (st == RSDK_ERR_NOMEM || rsdk_err_class(st) == RSDK_CLASS_CONNECTION) return st;
    if (st != RSDK_OK || r->type == RSDK_REPLY_NIL) {
        rsdk_reply_free(r);
        return rsdk_error_set(e, RSDK_ERR_MASTERDOWN, 0, "knows no master '%s'", s->name);
    }
    *out = r;
    return RSDK_OK;
}

rsdk_status rsdk__sentinel_ask(rsdk_sentinel *s, const char *sub, rsdk_reply **out,
                               rsdk_error *err) {
    rsdk__saddr *order;
    size_t n;
    if (rsdk__sentinel_order(s, &order, &n) != RSDK_OK)
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory to ask the sentinels");
    char tried[200] = "";
    bool answered = false, refused_login = false;
    size_t tls_failed = 0;
    char tls_why[120] = ""; /* the first TLS failure's reason */
    rsdk_status st = RSDK_ERR_CONNECT;
    for (size_t i = 0; i < n; i++) {
        rsdk_error e;
        rsdk_error_clear(&e);
        st = ask_one(s, &order[i], sub, out, &e);
        if (st == RSDK_OK) {
            pthread_mutex_lock(&s->mu);
            for (size_t k = 0; k < s->nsentinels; k++)
                if (s->sentinels[k].host == order[i].host) rsdk__sentinel_promote(s, k);
            pthread_mutex_unlock(&s->mu);
            break;
        }
        if (st == RSDK_ERR_NOMEM) break;
        answered |= st == RSDK_ERR_MASTERDOWN;
        refused_login |= st == RSDK_ERR_AUTH || st == RSDK_ERR_NOPERM;
        if (st == RSDK_ERR_TLS && tls_failed++ == 0) snprintf(tls_why, sizeof tls_why, "%.119s", e.message);
        /* Short reasons for the common failures, so that every sentinel
         * fits in the message (256 bytes). */
        bool common = st == RSDK_ERR_CONNECT || st == RSDK_ERR_TIMEOUT || st == RSDK_ERR_AUTH ||
                      st == RSDK_ERR_NOPERM || st == RSDK_ERR_TLS || !e.message[0];
        note(tried, sizeof tried, &order[i], common ? rsdk_status_str(st) : e.message);
    }
    rsdk__free(order);
    if (st == RSDK_OK) return RSDK_OK;
    if (st == RSDK_ERR_NOMEM) return rsdk_error_set(err, st, 0, "no memory to ask the sentinels");
    if (answered)
        return rsdk_error_set(err, RSDK_ERR_MASTERDOWN, 0, "no sentinel names a primary for '%s': %s",
                              s->name, tried);
    if (refused_login)
        return rsdk_error_set(err, RSDK_ERR_AUTH, 0, "no sentinel accepted the sentinel_client login for "
                              "'%s'; tried %s", s->name, tried);
    /* Every sentinel failed its TLS handshake: the sentinel_client's TLS
     * options (CA, name, versions) do not fit them, which a retry cannot
     * fix. */
    if (tls_failed == n)
        return rsdk_error_set(err, RSDK_ERR_TLS, 0, "no sentinel passed the sentinel_client's TLS checks for "
                              "'%s' (%s); tried %s", s->name, tls_why, tried);
    return rsdk_error_set(err, RSDK_ERR_CONNECT, 0, "no sentinel answered for '%s'; tried %s",
                          s->name, tried);
}
