/* rsdk_async_attach_libevent, apart from the adapter so that a program (or
 * test) using only the vtable does not pull in the async client. */
#include "rsdk/adapters/libevent.h"

#include <stddef.h>

#include "attach.h"

rsdk_status rsdk_async_attach_libevent(rsdk_async *a, struct event_base *base) {
    if (a == NULL) return RSDK_ERR_INVALID_ARG;
    const rsdk_loop_ops *ops = NULL;
    void *adapter = NULL;
    rsdk_status made = rsdk_libevent_adapter(base, &ops, &adapter);
    return rsdk__adapter_attach(a, "libevent", made, ops, adapter);
}
