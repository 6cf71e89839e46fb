/* The libuv adapter: the client's one fd is a uv_poll_t whose mask follows
 * the watch mask, its one timer a uv_timer_t. Handles are allocated on
 * their own because libuv closes them asynchronously: each is freed by its
 * close callback, which may run after the adapter is gone. */
#include "rsdk/adapters/libuv.h"

#include <stddef.h>

#include "alloc.h"

typedef struct libuv_adapter {
    uv_loop_t *loop;
    uv_poll_t *poll;   /* watches `fd`; NULL when no fd is watched yet */
    uv_timer_t *timer; /* NULL until the first timer call */
    int fd;            /* what poll was made for, -1 when nothing */
    int events;        /* its RSDK_LOOP_* mask, 0 when stopped */
    rsdk_loop_event_fn fn;
    void *ud;
} libuv_adapter;

static void free_handle(uv_handle_t *h) {
    rsdk__free(h);
}

static void close_handle(uv_handle_t *h) {
    if (h != NULL) uv_close(h, free_handle);
}

/* `fn` may free the adapter (the client freed from its callback): nothing
 * of it is touched afterwards. */
static void on_poll(uv_poll_t *h, int status, int events) {
    libuv_adapter *la = h->data;
    int ready = 0;
    if (status < 0) {
        /* The fd is in error (EBADF, a hang-up libuv could not map): let
         * the client try what it waits for and meet the error itself. */
        ready = la->events;
    } else {
        if (events & (UV_READABLE | UV_DISCONNECT)) ready |= RSDK_LOOP_READ;
        if (events & UV_WRITABLE) ready |= RSDK_LOOP_WRITE;
    }
    ready &= la->events;
    if (ready != 0) la->fn(la->ud, ready);
}

static void on_timer(uv_timer_t *h) {
    libuv_adapter *la = h->data;
    if (la->fn != NULL) la->fn(la->ud, 0);
}

/* A poll handle for `fd`, replacing one made for another fd (which is
 * stopped and closed while that fd is still open: the contract closes the
 * old fd only after the watch call that replaces it). */
static int poll_for(libuv_adapter *la, int fd) {
    if (la->poll != NULL && la->fd == fd) return 0;
    close_handle((uv_handle_t *)la->poll);
    la->poll = NULL;
    la->fd = -1;
    la->events = 0;
    uv_poll_t *p = rsdk__malloc(sizeof *p);
    if (p == NULL) return -1;
    if (uv_poll_init(la->loop, p, fd) != 0) {
        rsdk__free(p);
        return -1;
    }
    p->data = la;
    la->poll = p;
    la->fd = fd;
    return 0;
}

static int luv_watch(void *adapter, int fd, int events, rsdk_loop_event_fn fn, void *ud) {
    libuv_adapter *la = adapter;
    la->fn = fn;
    la->ud = ud;
    events &= RSDK_LOOP_READ | RSDK_LOOP_WRITE;
    if (events == 0) {
        /* Stopping removes the fd from the backend at once, so the fd may
         * be closed (and its number reused) right after. */
        if (la->poll != NULL && la->events != 0 && uv_poll_stop(la->poll) != 0) return -1;
        la->events = 0;
        return 0;
    }
    if (fd < 0 || fn == NULL) return -1;
    if (fd == la->fd && events == la->events) return 0;
    if (poll_for(la, fd) != 0) return -1;
    int flags = 0;
    if (events & RSDK_LOOP_READ) flags |= UV_READABLE;
    if (events & RSDK_LOOP_WRITE) flags |= UV_WRITABLE;
    if (uv_poll_start(la->poll, flags, on_poll) != 0) return -1;
    la->events = events;
    return 0;
}

static int luv_timer(void *adapter, long long ms) {
    libuv_adapter *la = adapter;
    if (ms < 0) return la->timer == NULL ? 0 : (uv_timer_stop(la->timer) == 0 ? 0 : -1);
    if (la->timer == NULL) {
        uv_timer_t *t = rsdk__malloc(sizeof *t);
        if (t == NULL) return -1;
        if (uv_timer_init(la->loop, t) != 0) {
            rsdk__free(t);
            return -1;
        }
        t->data = la;
        la->timer = t;
    }
    /* Starting a started timer replaces its time; 0 fires on the loop's
     * next turn (timers run at the start of each turn). */
    return uv_timer_start(la->timer, on_timer, (uint64_t)ms, 0) == 0 ? 0 : -1;
}

static void luv_cleanup(void *adapter) {
    libuv_adapter *la = adapter;
    if (la == NULL) return;
    close_handle((uv_handle_t *)la->poll);
    close_handle((uv_handle_t *)la->timer);
    rsdk__free(la);
}

static const rsdk_loop_ops LIBUV_OPS = {
    .watch = luv_watch,
    .timer = luv_timer,
    .cleanup = luv_cleanup,
};

rsdk_status rsdk_libuv_adapter(uv_loop_t *loop, const rsdk_loop_ops **ops, void **adapter) {
    if (loop == NULL || ops == NULL || adapter == NULL) return RSDK_ERR_INVALID_ARG;
    libuv_adapter *la = rsdk__calloc(1, sizeof *la);
    if (la == NULL) return RSDK_ERR_NOMEM;
    la->loop = loop;
    la->fd = -1;
    *ops = &LIBUV_OPS;
    *adapter = la;
    return RSDK_OK;
}
