/* loop_driver.h over a libuv uv_loop_t. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <uv.h>
#include <cmocka.h>

#include "loop_driver.h"
#include "rsdk/adapters/libuv.h"

struct test_loop {
    uv_loop_t loop;
};

const char *test_loop_kind(void) {
    return "libuv";
}

test_loop *test_loop_new(void) {
    test_loop *l = calloc(1, sizeof *l);
    assert_non_null(l);
    assert_int_equal(uv_loop_init(&l->loop), 0);
    return l;
}

rsdk_status test_loop_adapter(test_loop *l, const rsdk_loop_ops **ops, void **adapter) {
    return rsdk_libuv_adapter(l != NULL ? &l->loop : NULL, ops, adapter);
}

/* A bounded wait is a poll on the loop's backend fd (as when embedding
 * libuv in another loop), then a turn that does not wait: a timer of our
 * own cannot bound UV_RUN_ONCE, whose timers run before it polls. */
void test_loop_turn(test_loop *l, int wait_ms) {
    if (wait_ms > 0) {
        int t = uv_backend_timeout(&l->loop);
        struct pollfd p = {.fd = uv_backend_fd(&l->loop), .events = POLLIN};
        assert_true(poll(&p, 1, t < 0 || t > wait_ms ? wait_ms : t) >= 0);
    }
    uv_run(&l->loop, UV_RUN_NOWAIT);
}

void test_loop_free(test_loop *l) {
    /* Closed handles are released on the next turn; after it nothing of an
     * adapter may be left (uv_loop_close says UV_EBUSY otherwise). */
    uv_run(&l->loop, UV_RUN_NOWAIT);
    assert_int_equal(uv_loop_close(&l->loop), 0);
    free(l);
}
