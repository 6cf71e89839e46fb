/* The built-in providers: a fixed user/password and an application callback. */
#include "alloc.h"
#include "rsdk/credentials.h"

/* ---- static ---------------------------------------------------------------- */

static rsdk_status static_get(void *self, rsdk_credentials *out, rsdk_error *err) {
    (void)err;
    const rsdk_credentials *c = self;
    /* Immutable after creation, so concurrent gets need no lock. */
    rsdk_str user = c->username ? rsdk_str_n(c->username, c->username_len) : rsdk_str_n(NULL, 0);
    return rsdk_credentials_set(out, user, rsdk_str_n(c->password, c->password_len), 0);
}

static void static_free(void *self) {
    rsdk_credentials_deinit(self);
    rsdk__free(self);
}

rsdk_status rsdk_credentials_static_new(const char *username, const char *password,
                                        rsdk_credentials_provider **out) {
    if (!password || !out) return RSDK_ERR_INVALID_ARG;
    rsdk_credentials *c = rsdk__calloc(1, sizeof *c);
    if (!c) return RSDK_ERR_NOMEM;
    rsdk_status st = rsdk_credentials_set(c, rsdk_str_c(username), rsdk_str_c(password), 0);
    if (st != RSDK_OK) {
        rsdk__free(c);
        return st;
    }
    static const rsdk_credentials_provider_ops ops = {static_get, static_free};
    st = rsdk_credentials_provider_new(&ops, c, out);
    if (st != RSDK_OK) static_free(c);
    return st;
}

/* ---- callback -------------------------------------------------------------- */

typedef struct {
    rsdk_credentials_fetch_fn fn;
    void *ud;
} callback_provider;

static rsdk_status callback_get(void *self, rsdk_credentials *out, rsdk_error *err) {
    const callback_provider *cb = self;
    return cb->fn(out, err, cb->ud);
}

static void callback_free(void *self) { rsdk__free(self); }

rsdk_status rsdk_credentials_callback_new(rsdk_credentials_fetch_fn fn, void *ud,
                                          rsdk_credentials_provider **out) {
    if (!fn || !out) return RSDK_ERR_INVALID_ARG;
    callback_provider *cb = rsdk__calloc(1, sizeof *cb);
    if (!cb) return RSDK_ERR_NOMEM;
    cb->fn = fn;
    cb->ud = ud;
    static const rsdk_credentials_provider_ops ops = {callback_get, callback_free};
    rsdk_status st = rsdk_credentials_provider_new(&ops, cb, out);
    if (st != RSDK_OK) rsdk__free(cb);
    return st;
}
