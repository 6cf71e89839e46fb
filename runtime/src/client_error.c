/* The client's error record, written from outside the client's own calls
 * (generated command wrappers reject bad arguments before sending). */
#include "client_impl.h"

rsdk_status rsdk_client_set_error(rsdk_client *c, const rsdk_error *e) {
    if (c == NULL || e == NULL) return RSDK_ERR_INVALID_ARG;
    c->err = *e;
    return e->code;
}
