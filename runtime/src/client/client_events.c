/* The client's own events: emitting them, and the ones a closing
 * connection and an out-of-band push raise. Below the I/O (client_io.c)
 * and connection management (client_session.c). */
#include "client_events.h"
#include "client_state.h"

void rsdk__client_emit(rsdk_client *c, rsdk_event *ev) {
    ev->source = c;
    rsdk_events_emit(c->events, ev);
}

bool rsdk__client_wants(const rsdk_client *c, rsdk_event_type t) {
    return c->events && rsdk_events_wants(c->events, t);
}

void rsdk__client_on_close(rsdk_client *c, rsdk_status cause) {
    c->state = 0;
    c->pending = 0;
    if (!c->announced) return;
    c->announced = false;
    if (rsdk__client_wants(c, RSDK_EVENT_DISCONNECTED)) {
        rsdk_event ev = {.type = RSDK_EVENT_DISCONNECTED};
        ev.disconnected.endpoint = c->endpoint;
        ev.disconnected.cause = cause;
        ev.disconnected.message = cause && c->err.code == cause ? c->err.message : NULL;
        rsdk__client_emit(c, &ev);
    }
}

void rsdk__client_on_push(rsdk_client *c, const rsdk_reply *push) {
    if (!rsdk__client_wants(c, RSDK_EVENT_PUSH)) return;
    rsdk_event ev = {.type = RSDK_EVENT_PUSH};
    ev.push.reply = push;
    rsdk__client_emit(c, &ev);
}
