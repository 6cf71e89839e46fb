/* rsdk_async_attach_libevent, apart from the adapter so that a program (or
 * test) using only the vtable does not pull in the async client. */
#include "rsdk/adapters/libevent.h"

#include <stddef.h>

rsdk_status rsdk_async_attach_libevent(rsdk_async *a, struct event_base *base) {
    if (a == NULL || base == NULL) return RSDK_ERR_INVALID_ARG;
    const rsdk_loop_ops *ops = NULL;
    void *adapter = NULL;
    rsdk_status st = rsdk_libevent_adapter(base, &ops, &adapter);
    if (st != RSDK_OK) return st;
    return rsdk_async_attach(a, ops, adapter);
}
