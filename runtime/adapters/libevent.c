/* The libevent adapter: the client's one fd is two persistent events, one
 * for READ and one for WRITE, each added or deleted as the watch mask
 * changes (so turning WRITE on and off, which the client does whenever it
 * has bytes to send, is one change to the backend and never touches READ);
 * its one timer is an evtimer. All are made on first use, so an adapter
 * that never watches costs one allocation. */
#include "rsdk/adapters/libevent.h"

#include <event2/event.h>
#include <stddef.h>

#include "alloc.h"

typedef struct libevent_adapter {
    struct event_base *base;
    struct event *rd, *wr; /* NULL until the first watch with a mask */
    struct event *timer;   /* NULL until the first timer call */
    int fd;                /* what rd and wr are assigned to, -1 when none */
    int events;            /* which of them are added (RSDK_LOOP_*) */
    rsdk_loop_event_fn fn;
    void *ud;
} libevent_adapter;

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

/* Adds or deletes the event of one direction so that it matches `want`. */
static int set_one(libevent_adapter *la, struct event *ev, int bit, int want) {
    if ((la->events & bit) == (want & bit)) return 0;
    if ((want & bit) ? event_add(ev, NULL) != 0 : event_del(ev) != 0) return -1;
    la->events ^= bit;
    return 0;
}

/* Points both events at `fd` (neither is pending when this is called:
 * event_assign reuses their memory). */
static int assign(libevent_adapter *la, int fd) {
    if (la->rd == NULL) {
        la->rd = event_new(la->base, fd, EV_READ | EV_PERSIST, on_io, la);
        if (la->rd == NULL) return -1;
    } else if (event_assign(la->rd, la->base, fd, EV_READ | EV_PERSIST, on_io, la) != 0) {
        return -1;
    }
    if (la->wr == NULL) {
        la->wr = event_new(la->base, fd, EV_WRITE | EV_PERSIST, on_io, la);
        if (la->wr == NULL) return -1;
    } else if (event_assign(la->wr, la->base, fd, EV_WRITE | EV_PERSIST, on_io, la) != 0) {
        return -1;
    }
    la->fd = fd;
    return 0;
}

static int le_watch(void *adapter, int fd, int events, rsdk_loop_event_fn fn, void *ud) {
    libevent_adapter *la = adapter;
    la->fn = fn;
    la->ud = ud;
    events &= RSDK_LOOP_READ | RSDK_LOOP_WRITE;
    if (events != 0 && (fd < 0 || fn == NULL)) return -1;
    if (fd != la->fd || events == 0) {
        if (set_one(la, la->rd, RSDK_LOOP_READ, 0) != 0 || set_one(la, la->wr, RSDK_LOOP_WRITE, 0) != 0)
            return -1;
        if (events == 0) return 0;
        if (assign(la, fd) != 0) return -1;
    }
    if (set_one(la, la->rd, RSDK_LOOP_READ, events) != 0 || set_one(la, la->wr, RSDK_LOOP_WRITE, events) != 0)
        return -1;
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
    if (la->rd != NULL) event_free(la->rd);
    if (la->wr != NULL) event_free(la->wr);
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
