/* A libuv uv_loop_t for the async tests (async_loop.h), through
 * rsdk/adapters/libuv.h. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <uv.h>

#include <cmocka.h>

#include "async_loop.h"
#include "rsdk/adapters/libuv.h"

static bool open_libuv(void **state) {
    uv_loop_t *l = calloc(1, sizeof *l);
    if (l == NULL) return false;
    if (uv_loop_init(l) != 0) {
        free(l);
        return false;
    }
    *state = l;
    return true;
}

static rsdk_status attach_libuv(void *state, rsdk_async *a) {
    return rsdk_async_attach_libuv(a, state);
}

static rsdk_status adapter_libuv(void *state, const rsdk_loop_ops **ops, void **adapter) {
    return rsdk_libuv_adapter(state, ops, adapter);
}

/* A bounded wait is a poll on the loop's backend fd (as when embedding
 * libuv in another loop), then a turn that does not wait: a timer of our
 * own cannot bound UV_RUN_ONCE, whose due timers run before it polls. */
static void run_once_libuv(void *state, int timeout_ms) {
    uv_loop_t *l = state;
    if (timeout_ms > 0) {
        int t = uv_backend_timeout(l);
        struct pollfd p = {.fd = uv_backend_fd(l), .events = POLLIN};
        (void)poll(&p, 1, t < 0 || t > timeout_ms ? timeout_ms : t);
    }
    (void)uv_run(l, UV_RUN_NOWAIT);
}

/* Closed handles are released on the next turn; after it nothing of an
 * adapter may be left (uv_loop_close says UV_EBUSY otherwise). */
static void close_libuv(void *state) {
    uv_loop_t *l = state;
    (void)uv_run(l, UV_RUN_NOWAIT);
    int rc = uv_loop_close(l);
    free(l);
    if (rc != 0) fail_msg("libuv: handles left on the loop after its clients were freed: %s", uv_strerror(rc));
}

const rsdk_test_loop_impl rsdk_test_loop_libuv_impl = {
    .name = "libuv",
    .open = open_libuv,
    .attach = attach_libuv,
    .adapter = adapter_libuv,
    .run_once = run_once_libuv,
    .close = close_libuv,
};
