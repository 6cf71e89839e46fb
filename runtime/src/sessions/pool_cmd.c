/* rsdk_pool_command: acquire, one command, release — on every path. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <time.h>

#include "alloc.h"
#include "clock.h"
#include "pool_state.h"

static void sleep_ms(uint32_t ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Acquires, retrying what the policy accepts: nothing has been sent yet,
 * so an exhausted pool or a refused connect is safe to try again. */
static rsdk_status acquire_retrying(rsdk_pool *p, rsdk_client **c, rsdk_error *err) {
    rsdk_backoff b;
    bool seeded = false;
    for (int attempt = 1;; attempt++) {
        rsdk_status s = rsdk_pool_acquire(p, c, err);
        if (s == RSDK_OK || !p->has_retry || attempt == INT_MAX) return s;
        if (!seeded) {
            if (rsdk_retry_backoff_init(&p->retry, &b, rsdk_backoff_seed_auto())) return s;
            seeded = true;
        }
        uint32_t delay = 0;
        if (!rsdk_retry_should(&p->retry, &b, s, attempt, false, false, &delay)) return s;
        sleep_ms(delay);
    }
}

rsdk_status rsdk_pool_command_argv(rsdk_pool *p, size_t argc, const char *const *argv,
                                   const size_t *argvlen, rsdk_reply **out, rsdk_error *err) {
    if (!p || !out || argc < 1 || !argv)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "command needs a pool, arguments and a result");
    rsdk_client *c = NULL;
    long long start = rsdk__now_ms();
    rsdk_status s = acquire_retrying(p, &c, err);
    if (s) return s;
    /* The command's deadline counts from the start of this call, so the
     * wait for a connection is part of it (docs/connections.md). */
    rsdk__client_start_clock(c, start);
    s = rsdk_client_command_argv(c, argc, argv, argvlen, out);
    rsdk__client_start_clock(c, 0); /* also when the call never started */
    if (s && err) *err = *rsdk_client_error(c);
    rsdk_pool_release(p, c);
    return s;
}

rsdk_status rsdk_pool_command(rsdk_pool *p, rsdk_reply **out, rsdk_error *err, const char *arg0,
                              ...) {
    if (!arg0) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "command needs arguments");
    va_list ap;
    size_t n = 1;
    va_start(ap, arg0);
    while (va_arg(ap, const char *)) n++;
    va_end(ap);
    if (n > INT32_MAX || n > SIZE_MAX / sizeof(char *))
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "too many arguments");
    const char *small[16];
    const char **argv = n <= 16 ? small : rsdk__malloc(n * sizeof *argv);
    if (!argv) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    argv[0] = arg0;
    va_start(ap, arg0);
    for (size_t i = 1; i < n; i++) argv[i] = va_arg(ap, const char *);
    va_end(ap);
    rsdk_status s = rsdk_pool_command_argv(p, (int)n, argv, NULL, out, err);
    if (argv != small) rsdk__free(argv);
    return s;
}
