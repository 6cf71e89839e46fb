/* What rsdk_async_attach_libevent and rsdk_async_attach_libuv share: hand a
 * freshly made adapter to the client, or record on the client why there is
 * none. Internal to runtime/adapters. */
#ifndef RSDK_ADAPTERS_ATTACH_H
#define RSDK_ADAPTERS_ATTACH_H

#include "rsdk/async.h"
#include "rsdk/loop.h"

/* `made` is what the adapter constructor of loop `name` returned (with
 * `ops` and `adapter` on RSDK_OK): attaches through them, or records the
 * failure on `a` (rsdk_async_error) and returns it. `a` is not NULL. */
rsdk_status rsdk__adapter_attach(rsdk_async *a, const char *name, rsdk_status made,
                                 const rsdk_loop_ops *ops, void *adapter);

#endif
