/* client_opts.h — deep copies of client options (client_opts.c). */
#ifndef RSDK_SRC_CLIENT_OPTS_H
#define RSDK_SRC_CLIENT_OPTS_H

#include "rsdk/client.h"
#include "rsdk/retry.h"

/* Deep copy of client options for a pool (client_opts.c): every string is
 * copied into allocations `dst` owns, the retry policy (when set) into
 * `*retry` and the TLS options (when set) into `*tls`, which dst->retry and
 * dst->tls then point at. RSDK_ERR_NOMEM leaves nothing allocated.
 * rsdk__client_opts_free releases (and wipes the password); `tls` is the
 * same storage. */
rsdk_status rsdk__client_opts_copy(rsdk_client_opts *dst, rsdk_retry_policy *retry,
                                   rsdk_tls_opts *tls, const rsdk_client_opts *src);
void rsdk__client_opts_free(rsdk_client_opts *o, rsdk_tls_opts *tls);

/* Checks the values a client cannot open with (protocol, db, TCP port):
 * RSDK_OK or RSDK_ERR_INVALID_ARG with `err` naming the option. */
rsdk_status rsdk__client_opts_check(const rsdk_client_opts *o, rsdk_error *err);

#endif
