/* Deep copies of client options, for objects that open connections later
 * (a pool): the caller's strings may be gone by then. Every string field of
 * rsdk_client_opts is listed in string_fields(); a new string field must be
 * added there. */
#include "alloc.h"
#include "client_impl.h"

#define NFIELDS 13

/* Pointers to every string field of `o`. */
static void string_fields(rsdk_client_opts *o, const char **f[NFIELDS]) {
    const char **all[NFIELDS] = {
        &o->host,          &o->unix_path,     &o->username,        &o->password,
        &o->client_name,   &o->tls_ca_file,   &o->tls_ca_dir,      &o->tls_cert_file,
        &o->tls_key_file,  &o->tls_server_name, &o->tls_min_version, &o->tls_ciphers,
        &o->tls_ciphersuites,
    };
    memcpy(f, all, sizeof all);
}

static void free_field(const char **f, bool secret) {
    char *s = (char *)*f;
    if (s && secret) rsdk__wipe(s, strlen(s));
    rsdk__free(s);
    *f = NULL;
}

void rsdk__client_opts_free(rsdk_client_opts *o) {
    if (!o) return;
    const char **f[NFIELDS];
    string_fields(o, f);
    for (int i = 0; i < NFIELDS; i++) free_field(f[i], f[i] == &o->password);
    o->retry = NULL; /* points at the owner's storage, not freed here */
}

rsdk_status rsdk__client_opts_copy(rsdk_client_opts *dst, rsdk_retry_policy *retry,
                                   const rsdk_client_opts *src) {
    rsdk_client_opts tmp = *src;
    const char **f[NFIELDS];
    string_fields(&tmp, f);
    for (int i = 0; i < NFIELDS; i++) *f[i] = NULL;
    const char **from[NFIELDS];
    string_fields((rsdk_client_opts *)src, from); /* only read */
    for (int i = 0; i < NFIELDS; i++) {
        if (!*from[i]) continue;
        *f[i] = rsdk__strdup(*from[i]);
        if (!*f[i]) {
            rsdk__client_opts_free(&tmp);
            return RSDK_ERR_NOMEM;
        }
    }
    if (src->retry) {
        *retry = *src->retry;
        tmp.retry = retry;
    }
    *dst = tmp;
    return RSDK_OK;
}
