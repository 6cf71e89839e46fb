/* Attaching an adapter the client did not make (attach.h). */
#include "attach.h"

#include "async_state.h"

rsdk_status rsdk__adapter_attach(rsdk_async *a, const char *name, rsdk_status made,
                                 const rsdk_loop_ops *ops, void *adapter) {
    if (made == RSDK_ERR_INVALID_ARG)
        return rsdk_error_set(&a->err, made, 0, "NULL %s loop", name);
    if (made != RSDK_OK) return rsdk_error_set(&a->err, made, 0, "cannot make the %s adapter", name);
    return rsdk_async_attach(a, ops, adapter);
}
