/* loop_driver.h over a libevent event_base. */
#include <event2/event.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "loop_driver.h"
#include "rsdk/adapters/libevent.h"

struct test_loop {
    struct event_base *base;
    struct event *wake; /* bounds a waiting turn */
};

static void on_wake(evutil_socket_t fd, short what, void *arg) {
    (void)fd;
    (void)what;
    (void)arg;
}

const char *test_loop_kind(void) {
    return "libevent";
}

test_loop *test_loop_new(void) {
    test_loop *l = calloc(1, sizeof *l);
    assert_non_null(l);
    l->base = event_base_new();
    assert_non_null(l->base);
    l->wake = evtimer_new(l->base, on_wake, NULL);
    assert_non_null(l->wake);
    return l;
}

rsdk_status test_loop_adapter(test_loop *l, const rsdk_loop_ops **ops, void **adapter) {
    return rsdk_libevent_adapter(l != NULL ? l->base : NULL, ops, adapter);
}

void test_loop_turn(test_loop *l, int wait_ms) {
    if (wait_ms <= 0) {
        /* NONBLOCK alone loops until no callback is active, which never
         * happens while a writable socket is watched for WRITE. */
        assert_true(event_base_loop(l->base, EVLOOP_ONCE | EVLOOP_NONBLOCK) >= 0);
        return;
    }
    struct timeval tv = {.tv_sec = wait_ms / 1000, .tv_usec = (wait_ms % 1000) * 1000};
    assert_int_equal(evtimer_add(l->wake, &tv), 0);
    assert_true(event_base_loop(l->base, EVLOOP_ONCE) >= 0);
    assert_int_equal(evtimer_del(l->wake), 0);
}

void test_loop_free(test_loop *l) {
    event_free(l->wake);
    /* Nothing of an adapter may be left: with no event, a loop returns 1. */
    assert_int_equal(event_base_loop(l->base, EVLOOP_NONBLOCK), 1);
    event_base_free(l->base);
    free(l);
}
