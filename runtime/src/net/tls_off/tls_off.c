/* The TLS layer of a build without OpenSSL (Bazel --define=rsdk_tls=off,
 * CMake -DRSDK_TLS=OFF): every TLS request fails with RSDK_ERR_TLS and says
 * why, before any connection is made. */
#include "rsdk/error.h"
#include "tls.h"

static const char *const NO_TLS = "TLS: rsdk was built without TLS support";

rsdk_status rsdk__tls_ctx_new(const rsdk_tls_opts *o, rsdk__tls_ctx **out, rsdk_error *err) {
    (void)o;
    (void)out;
    return rsdk__tls_error(err, RSDK_ERR_TLS, "context", NO_TLS);
}

void rsdk__tls_ctx_free(rsdk__tls_ctx *t) { (void)t; }

/* Never reached: no context can be made. */
const rsdk_tls_opts *rsdk__tls_ctx_opts(rsdk__tls_ctx *t) {
    (void)t;
    return NULL;
}

rsdk_status rsdk__tls_upgrade(rsdk__conn *c, void *arg, const char *host, int timeout_ms,
                              rsdk_error *err) {
    (void)c;
    (void)arg;
    (void)host;
    (void)timeout_ms;
    return rsdk__tls_error(err, RSDK_ERR_TLS, "upgrade", NO_TLS);
}

rsdk_status rsdk__tls_begin(rsdk__conn *c, void *arg, const char *host, rsdk_error *err) {
    (void)c;
    (void)arg;
    (void)host;
    return rsdk__tls_error(err, RSDK_ERR_TLS, "upgrade", NO_TLS);
}

/* Never reached: rsdk__tls_begin fails. */
rsdk__io rsdk__tls_step(rsdk__conn *c, rsdk_error *err) {
    (void)c;
    rsdk__tls_error(err, RSDK_ERR_TLS, "upgrade", NO_TLS);
    return RSDK__IO_FAIL;
}

rsdk_status rsdk__tls_error(rsdk_error *err, rsdk_status code, const char *what,
                            const char *fallback) {
    return rsdk_error_set(err, code, 0, "%s (%s)", fallback, what);
}
