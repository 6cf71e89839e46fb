/* The built-in epoll loop for the async tests (async_loop.h). */
#include "async_loop.h"

static bool open_builtin(void **state) {
    rsdk_loop *loop = NULL;
    if (rsdk_loop_new(&loop) != RSDK_OK) return false;
    *state = loop;
    return true;
}

static rsdk_status attach_builtin(void *state, rsdk_async *a) {
    return rsdk_async_attach_loop(a, state);
}

static rsdk_status adapter_builtin(void *state, const rsdk_loop_ops **ops, void **adapter) {
    return rsdk_loop_adapter(state, ops, adapter);
}

static void run_once_builtin(void *state, int timeout_ms) {
    (void)rsdk_loop_run_once(state, timeout_ms);
}

static rsdk_loop *builtin_of(void *state) { return state; }

static void close_builtin(void *state) { rsdk_loop_free(state); }

const rsdk_test_loop_impl rsdk_test_loop_builtin_impl = {
    .name = "builtin",
    .open = open_builtin,
    .attach = attach_builtin,
    .adapter = adapter_builtin,
    .run_once = run_once_builtin,
    .builtin = builtin_of,
    .close = close_builtin,
};
