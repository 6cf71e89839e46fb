/* The loop factory of the async tests (async_loop.h). */
#include "async_loop.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/server.h"

rsdk_test_loop_kind rsdk_test_loop_kind_from_env(void) {
    const char *k = getenv("RSDK_TEST_LOOP");
    if (k && strcmp(k, "libevent") == 0) return RSDK_TEST_LOOP_LIBEVENT;
    if (k && strcmp(k, "libuv") == 0) return RSDK_TEST_LOOP_LIBUV;
    return RSDK_TEST_LOOP_BUILTIN;
}

rsdk_test_loop *rsdk_test_loop_open(rsdk_test_loop_kind kind) {
    const rsdk_test_loop_impl *impl = NULL;
    switch (kind) {
    case RSDK_TEST_LOOP_BUILTIN:
        impl = &rsdk_test_loop_builtin_impl;
        break;
    case RSDK_TEST_LOOP_LIBEVENT:
        impl = &rsdk_test_loop_libevent_impl;
        break;
    case RSDK_TEST_LOOP_LIBUV:
        impl = &rsdk_test_loop_libuv_impl;
        break;
    default:
        fail_msg("loop kind %d is not built into this test", (int)kind);
    }
    rsdk_test_loop *l = calloc(1, sizeof *l);
    assert_non_null(l);
    l->impl = impl;
    if (!impl->open(&l->state)) fail_msg("cannot open the %s loop", impl->name);
    return l;
}

void rsdk_test_loop_close(rsdk_test_loop *l) {
    if (!l) return;
    l->impl->close(l->state);
    free(l);
}

void rsdk_test_loop_attach(rsdk_test_loop *l, rsdk_async *a) {
    rsdk_status s = l->impl->attach(l->state, a);
    if (s) fail_msg("attach: %s: %s", rsdk_status_name(s), rsdk_async_error(a)->message);
}

bool rsdk_test_loop_run_until(rsdk_test_loop *l, bool (*pred)(void *ud), void *ud,
                              long timeout_ms) {
    long long end = rsdk_test_now_ms() + timeout_ms;
    while (!pred(ud)) {
        long long left = end - rsdk_test_now_ms();
        if (left <= 0) return false;
        l->impl->run_once(l->state, left > 50 ? 50 : (int)left);
    }
    return true;
}

static bool never(void *ud) {
    (void)ud;
    return false;
}

void rsdk_test_loop_run_for(rsdk_test_loop *l, long ms) {
    (void)rsdk_test_loop_run_until(l, never, NULL, ms);
}

rsdk_loop *rsdk_test_loop_builtin(rsdk_test_loop *l) {
    return l->impl->builtin ? l->impl->builtin(l->state) : NULL;
}
