/* A libevent event_base for the async tests (async_loop.h), through
 * rsdk/adapters/libevent.h. */
#include <event2/event.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "async_loop.h"
#include "rsdk/adapters/libevent.h"

typedef struct libevent_loop {
    struct event_base *base;
    struct event *wake; /* bounds a waiting turn */
} libevent_loop;

static void on_wake(evutil_socket_t fd, short what, void *arg) {
    (void)fd;
    (void)what;
    (void)arg;
}

static bool open_libevent(void **state) {
    libevent_loop *l = calloc(1, sizeof *l);
    if (l == NULL) return false;
    l->base = event_base_new();
    l->wake = l->base ? evtimer_new(l->base, on_wake, NULL) : NULL;
    if (l->wake == NULL) {
        if (l->base) event_base_free(l->base);
        free(l);
        return false;
    }
    *state = l;
    return true;
}

static rsdk_status attach_libevent(void *state, rsdk_async *a) {
    return rsdk_async_attach_libevent(a, state ? ((libevent_loop *)state)->base : NULL);
}

static rsdk_status adapter_libevent(void *state, const rsdk_loop_ops **ops, void **adapter) {
    return rsdk_libevent_adapter(state ? ((libevent_loop *)state)->base : NULL, ops, adapter);
}

/* NONBLOCK alone loops until no callback is active, which never happens
 * while a writable socket is watched for WRITE: ONCE bounds it to a turn. */
static void run_once_libevent(void *state, int timeout_ms) {
    libevent_loop *l = state;
    if (timeout_ms <= 0) {
        (void)event_base_loop(l->base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
        return;
    }
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    (void)evtimer_add(l->wake, &tv);
    (void)event_base_loop(l->base, EVLOOP_ONCE);
    (void)evtimer_del(l->wake);
}

/* Nothing of an adapter may be left on the loop: with no event at all,
 * event_base_loop returns 1. */
static void close_libevent(void *state) {
    libevent_loop *l = state;
    event_free(l->wake);
    int left = event_base_loop(l->base, EVLOOP_NONBLOCK);
    event_base_free(l->base);
    free(l);
    if (left != 1) fail_msg("libevent: events left on the loop after its clients were freed");
}

const rsdk_test_loop_impl rsdk_test_loop_libevent_impl = {
    .name = "libevent",
    .open = open_libevent,
    .attach = attach_libevent,
    .adapter = adapter_libevent,
    .run_once = run_once_libevent,
    .close = close_libevent,
};
