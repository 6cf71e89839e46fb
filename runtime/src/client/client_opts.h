/* client_opts.h — deep copies of client options (client_opts.c). */
#ifndef RSDK_SRC_CLIENT_OPTS_H
#define RSDK_SRC_CLIENT_OPTS_H

#include "rsdk/client.h"
#include "rsdk/retry.h"

/* Deep copy of client options for a pool (client_opts.c): every string is
 * copied into allocations `dst` owns, and the retry policy (when set) into
 * `*retry`, which dst->retry then points at. RSDK_ERR_NOMEM leaves nothing
 * allocated. rsdk__client_opts_free releases (and wipes the password). */
rsdk_status rsdk__client_opts_copy(rsdk_client_opts *dst, rsdk_retry_policy *retry,
                                   const rsdk_client_opts *src);
void rsdk__client_opts_free(rsdk_client_opts *o);

#endif
