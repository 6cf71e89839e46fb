/* Reading reply nodes the way both protocols send them. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "rsdk/client.h"

rsdk_status rsearch__unexpected(rsdk_error *err, const char *cmd, const char *fmt, ...) {
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return rsdk_error_set(err, RSDK_ERR_UNEXPECTED_REPLY, 0, "%s: %s", cmd, what);
}

rsdk_status rsearch__check_reply(const rsdk_reply *r, const char *cmd, rsdk_error *err) {
    if (r == NULL) return rsdk_error_set(err, RSDK_ERR_PROTOCOL, 0, "%s: no reply", cmd);
    if (r->type == RSDK_REPLY_ERROR) return rsdk_error_from_server(err, r->str, r->len);
    return RSDK_OK;
}

bool rsearch__is_text(const rsdk_reply *n) {
    return n->type == RSDK_REPLY_STRING || n->type == RSDK_REPLY_STATUS ||
           n->type == RSDK_REPLY_VERB || n->type == RSDK_REPLY_BIGNUM;
}

rsdk_str rsearch__str(const rsdk_reply *n) {
    if (!rsdk_reply_has_str(n) || n->str == NULL) return rsdk_str_n("", 0);
    return rsdk_str_n(n->str, n->len);
}

rsdk_string rsearch__string(const rsdk_reply *n) {
    rsdk_string s = {NULL, 0, true, NULL};
    if (n != NULL && rsdk_reply_has_str(n)) {
        s.ptr = n->str ? n->str : "";
        s.len = n->str ? n->len : 0;
        s.nil = false;
    }
    return s;
}

bool rsearch__pairs(const rsdk_reply *n, rsdk_pairs *out) {
    if (n == NULL || (n->type != RSDK_REPLY_MAP && n->type != RSDK_REPLY_ARRAY) ||
        n->elements % 2 != 0)
        return false;
    for (size_t i = 0; i < n->elements; i += 2)
        if (!rsearch__is_text(&n->element[i])) return false;
    memset(out, 0, sizeof *out);
    out->reply = n;
    out->item = n->element;
    out->count = n->elements / 2;
    out->flat = true;
    return true;
}

const rsdk_reply *rsearch__get(const rsdk_reply *m, const char *key) {
    if (m == NULL || (m->type != RSDK_REPLY_MAP && m->type != RSDK_REPLY_ARRAY)) return NULL;
    size_t klen = strlen(key);
    for (size_t i = 0; i + 1 < m->elements; i += 2) {
        const rsdk_reply *k = &m->element[i];
        if (rsearch__is_text(k) && k->len == klen && memcmp(k->str, key, klen) == 0)
            return &m->element[i + 1];
    }
    return NULL;
}

rsdk_status rsearch__call(rsdk_gen_call *k, rsdk_status encoded, rsearch__reader read,
                          const void *ctx, void *out, size_t owner_offset) {
    if (out == NULL && encoded == RSDK_OK) /* refused before anything is sent */
        encoded = rsdk_error_set(&k->err, RSDK_ERR_INVALID_ARG, 0, "out: NULL (the typed result)");
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_gen_call_run(k, encoded, &r);
    if (s != RSDK_OK) return s;
    rsdk_error e;
    rsdk_error_clear(&e);
    s = read(r, ctx, out, &e);
    if (s != RSDK_OK) {
        rsdk_reply_free(r);
        return rsdk_client_set_error(k->c, &e);
    }
    rsdk_reply **owner = (rsdk_reply **)(void *)((char *)out + owner_offset);
    *owner = r;
    return RSDK_OK;
}

void rsearch_ft_init(rsearch_ft *ft, rsdk_client *c) {
    ft->c = c;
    ft->dialect = 2;
}

rsdk_status rsearch__check_target(const rsearch_ft *ft, rsdk_str index, const char *cmd,
                                  const char *arg) {
    if (ft == NULL || ft->c == NULL) return RSDK_ERR_INVALID_ARG;
    if (index.ptr != NULL) return RSDK_OK;
    rsdk_error e;
    rsdk_error_set(&e, RSDK_ERR_INVALID_ARG, 0, "%s: %s: NULL", cmd, arg);
    return rsdk_client_set_error(ft->c, &e);
}
