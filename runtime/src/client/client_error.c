/* The client's error record, written from outside the client's own calls
 * (generated command wrappers reject bad arguments before sending). */
#include "client_io.h"
#include "client_state.h"

rsdk_status rsdk_client_set_error(rsdk_client *c, const rsdk_error *e) {
    if (c == NULL || e == NULL) return RSDK_ERR_INVALID_ARG;
    /* A reply of a type the command never returns means the stream is out
     * of step with the commands: nothing later read from it can be trusted. */
    if (e->code == RSDK_ERR_UNEXPECTED_REPLY) rsdk__client_break(c, e->code);
    c->err = *e;
    return e->code;
}
