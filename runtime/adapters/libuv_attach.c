/* rsdk_async_attach_libuv, apart from the adapter so that a program (or
 * test) using only the vtable does not pull in the async client. */
#include "rsdk/adapters/libuv.h"

#include <stddef.h>

#include "attach.h"

rsdk_status rsdk_async_attach_libuv(rsdk_async *a, uv_loop_t *loop) {
    if (a == NULL) return RSDK_ERR_INVALID_ARG;
    const rsdk_loop_ops *ops = NULL;
    void *adapter = NULL;
    rsdk_status made = rsdk_libuv_adapter(loop, &ops, &adapter);
    return rsdk__adapter_attach(a, "libuv", made, ops, adapter);
}
