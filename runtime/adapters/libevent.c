/* The libevent adapter: the client's one fd is one persistent event whose
 * flags follow the watch mask, its one timer an evtimer. Both are made on
 * first use, so an adapter that never watches costs one allocation. */
#include "rsdk/adapters/libevent.h"

#include <event2/event.h>
#include <stddef.h>

#include "alloc.h"

typedef struct libevent_adapter {
    struct event_base *base;
    struct event *io;    /* NULL until the first watch with a mask */
    struct event *timer; /* NULL until the first timer call */
    int fd;              /* what io watches, -1 when nothing */
    int events;          /* its RSDK_LOOP_* mask, 0 when not added */
    rsdk_loop_event_fn fn;
    void *ud;
} libevent_adapter;

static short to_libevent(int events) {
    short flags = EV_PERSIST;
    if (events & RSDK_LOOP_READ) flags |= EV_READ;
    if (events & RSDK_LOOP_WRITE) flags |= EV_WRITE;
    return flags;
}

/* `fn` may free the adapter (the client freed from its callback): nothing
 * of it is touched afterwards. */
static void on_io(evutil_socket_t fd, short what, void *arg) {
    (void)fd;
    libevent_adapter *la = arg;
    int ready = 0;
    if (what & EV_READ) ready |= RSDK_LOOP_READ;
    if (what & EV_WRITE) ready |= RSDK_LOOP_WRITE;
    la->fn(la->ud, ready);
}

static void on_timer(evutil_socket_t fd, short what, void *arg) {
    (void)fd;
    (void)what;
    libevent_adapter *la = arg;
    if (la->fn != NULL) la->fn(la->ud, 0);
}

static int le_watch(void *adapter, int fd, int events, rsdk_loop_event_fn fn, void *ud) {
    libevent_adapter *la = adapter;
    la->fn = fn;
    la->ud = ud;
    events &= RSDK_LOOP_READ | RSDK_LOOP_WRITE;
    if (fd == la->fd && events == la->events) return 0;
    if (la->io != NULL && la->events != 0 && event_del(la->io) != 0) return -1;
    la->fd = -1;
    la->events = 0;
    if (events == 0) return 0;
    if (fd < 0 || fn == NULL) return -1;
    /* event_assign on an event that is not pending reuses its memory for
     * the new fd and flags. */
    if (la->io == NULL) {
        la->io = event_new(la->base, fd, to_libevent(events), on_io, la);
        if (la->io == NULL) return -1;
    } else if (event_assign(la->io, la->base, fd, to_libevent(events), on_io, la) != 0) {
        return -1;
    }
    if (event_add(la->io, NULL) != 0) return -1;
    la->fd = fd;
    la->events = events;
    return 0;
}

static int le_timer(void *adapter, long long ms) {
    libevent_adapter *la = adapter;
    if (ms < 0) return la->timer == NULL ? 0 : event_del(la->timer);
    if (la->timer == NULL) {
        la->timer = evtimer_new(la->base, on_timer, la);
        if (la->timer == NULL) return -1;
    }
    /* Adding a pending timer again replaces its time; 0 fires on the next
     * turn of the loop. */
    struct timeval tv = {.tv_sec = (time_t)(ms / 1000), .tv_usec = (suseconds_t)(ms % 1000) * 1000};
    return evtimer_add(la->timer, &tv);
}

static void le_cleanup(void *adapter) {
    libevent_adapter *la = adapter;
    if (la == NULL) return;
    if (la->io != NULL) event_free(la->io);
    if (la->timer != NULL) event_free(la->timer);
    rsdk__free(la);
}

static const rsdk_loop_ops LIBEVENT_OPS = {
    .watch = le_watch,
    .timer = le_timer,
    .cleanup = le_cleanup,
};

rsdk_status rsdk_libevent_adapter(struct event_base *base, const rsdk_loop_ops **ops,
                                  void **adapter) {
    if (base == NULL || ops == NULL || adapter == NULL) return RSDK_ERR_INVALID_ARG;
    libevent_adapter *la = rsdk__calloc(1, sizeof *la);
    if (la == NULL) return RSDK_ERR_NOMEM;
    la->base = base;
    la->fd = -1;
    *ops = &LIBEVENT_OPS;
    *adapter = la;
    return RSDK_OK;
}
