/* Deep copies of client options, for objects that open connections later
 * (a pool): the caller's strings may be gone by then. Every string field of
 * rsdk_client_opts and rsdk_tls_opts is listed in string_fields(); a new
 * string field must be added there. */
#include "alloc.h"
#include "client_opts.h"
#include "client_state.h"

#define NFIELDS 14

/* Pointers to every string field of `o` and `t`. */
static void string_fields(rsdk_client_opts *o, rsdk_tls_opts *t, const char **f[NFIELDS]) {
    const char **all[NFIELDS] = {
        &o->host,        &o->unix_path,   &o->username,    &o->password,    &o->client_name,
        &t->ca_file,     &t->ca_dir,      &t->cert_file,   &t->key_file,    &t->server_name,
        &t->min_version, &t->ciphers,     &t->ciphersuites, NULL,
    };
    memcpy(f, all, sizeof all);
}

static void free_field(const char **f, bool secret) {
    char *s = (char *)*f;
    if (s && secret) rsdk__wipe(s, strlen(s));
    rsdk__free(s);
    *f = NULL;
}

void rsdk__client_opts_free(rsdk_client_opts *o, rsdk_tls_opts *tls) {
    if (!o) return;
    const char **f[NFIELDS];
    string_fields(o, tls, f);
    for (int i = 0; f[i]; i++) free_field(f[i], f[i] == &o->password);
    o->retry = NULL; /* points at the owner's storage, not freed here */
    o->tls = NULL;   /* likewise */
}

rsdk_status rsdk__client_opts_copy(rsdk_client_opts *dst, rsdk_retry_policy *retry,
                                   rsdk_tls_opts *tls, const rsdk_client_opts *src) {
    rsdk_client_opts tmp = *src;
    rsdk_tls_opts ttmp = {0};
    if (src->tls) ttmp = *src->tls;
    const char **f[NFIELDS];
    string_fields(&tmp, &ttmp, f);
    for (int i = 0; f[i]; i++) *f[i] = NULL;
    rsdk_tls_opts none = {0};
    const char **from[NFIELDS];
    /* only read */
    string_fields((rsdk_client_opts *)src, src->tls ? (rsdk_tls_opts *)src->tls : &none, from);
    for (int i = 0; f[i]; i++) {
        if (!*from[i]) continue;
        *f[i] = rsdk__strdup(*from[i]);
        if (!*f[i]) {
            rsdk__client_opts_free(&tmp, &ttmp);
            return RSDK_ERR_NOMEM;
        }
    }
    if (src->retry) {
        *retry = *src->retry;
        tmp.retry = retry;
    }
    if (src->tls) {
        *tls = ttmp;
        tmp.tls = tls;
    }
    *dst = tmp;
    return RSDK_OK;
}

rsdk_status rsdk__client_opts_check(const rsdk_client_opts *o, rsdk_error *err) {
    if (o->protocol != 0 && o->protocol != 2 && o->protocol != 3)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "protocol must be 2 or 3, not %d",
                              o->protocol);
    if (o->db < 0) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "db must not be negative");
    if (!(o->unix_path && *o->unix_path) && (o->port <= 0 || o->port > 65535))
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "TCP port %d out of range", o->port);
    return RSDK_OK;
}
