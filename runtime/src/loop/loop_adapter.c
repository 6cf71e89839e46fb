/* The built-in loop's adapter: one rsdk__watch per attached client, its fd
 * registered in the loop's epoll set (data.ptr = the watch) and its one
 * timer kept as a deadline the loop's turn looks at. */
#include "loop_adapter.h"

#include <sys/epoll.h>

#include "alloc.h"
#include "clock.h"

static uint32_t epoll_mask(int events) {
    uint32_t m = 0;
    if (events & RSDK_LOOP_READ) m |= EPOLLIN;
    if (events & RSDK_LOOP_WRITE) m |= EPOLLOUT;
    return m;
}

static void unregister(rsdk__watch *w) {
    if (w->fd >= 0 && w->events) {
        /* The fd may be closed already (a reconnect closes the old one after
         * the watch moved): then it has left the epoll set by itself. */
        (void)epoll_ctl(w->loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
        w->loop->nwatched--;
    }
    w->events = 0;
}

static int watch_op(void *adapter, int fd, int events, rsdk_loop_event_fn fn, void *ud) {
    rsdk__watch *w = adapter;
    w->fn = fn;
    w->ud = ud;
    if (fd != w->fd) {
        unregister(w);
        w->fd = fd;
    }
    if (fd < 0 || events == w->events) return 0;
    struct epoll_event ev = {.events = epoll_mask(events), .data.ptr = w};
    int op = w->events == 0 ? EPOLL_CTL_ADD : events == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    if (epoll_ctl(w->loop->epfd, op, fd, &ev) != 0) return -1;
    if (op == EPOLL_CTL_ADD) w->loop->nwatched++;
    if (op == EPOLL_CTL_DEL) w->loop->nwatched--;
    w->events = events;
    return 0;
}

static int timer_op(void *adapter, long long ms) {
    rsdk__watch *w = adapter;
    w->timer_at = ms < 0 ? -1 : rsdk__now_ms() + ms;
    return 0;
}

static void unlink_watch(rsdk__watch *w) {
    if (w->prev) w->prev->next = w->next;
    else w->loop->watches = w->next;
    if (w->next) w->next->prev = w->prev;
}

static void cleanup_op(void *adapter) {
    rsdk__watch *w = adapter;
    unregister(w);
    w->timer_at = -1;
    w->dead = true;
    if (w->loop->dispatching) return; /* a ready event may still name it */
    unlink_watch(w);
    rsdk__free(w);
}

static const rsdk_loop_ops builtin_ops = {
    .watch = watch_op,
    .timer = timer_op,
    .cleanup = cleanup_op,
};

rsdk_status rsdk_loop_adapter(rsdk_loop *loop, const rsdk_loop_ops **ops, void **adapter) {
    if (!loop || !ops || !adapter) return RSDK_ERR_INVALID_ARG;
    rsdk__watch *w = rsdk__calloc(1, sizeof *w);
    if (!w) return RSDK_ERR_NOMEM;
    w->loop = loop;
    w->fd = -1;
    w->timer_at = -1;
    w->next = loop->watches;
    if (w->next) w->next->prev = w;
    loop->watches = w;
    *ops = &builtin_ops;
    *adapter = w;
    return RSDK_OK;
}

void rsdk__loop_reap(rsdk_loop *loop) {
    rsdk__watch *w = loop->watches;
    while (w) {
        rsdk__watch *next = w->next;
        if (w->dead) {
            unlink_watch(w);
            rsdk__free(w);
        }
        w = next;
    }
}
