/* rsdk_pool_command: acquire, one command, release — on every path. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <time.h>

#include "alloc.h"
#include "args.h"
#include "clock.h"
#include "pool_combine.h"

static void sleep_ms(uint32_t ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* After an acquire failed with `s`: acquires again while the pool's retry
 * policy accepts it (nothing has been sent yet, so an exhausted pool or a
 * refused connect is safe to try again). */
static rsdk_status acquire_again(rsdk_pool *p, rsdk__pool_cmd *cmd, rsdk_client **c, rsdk_error *err,
                                 rsdk_status s) {
    rsdk_backoff b;
    if (!p->has_retry || rsdk_retry_backoff_init(&p->retry, &b, rsdk_backoff_seed_auto())) return s;
    for (int attempt = 1; attempt < INT_MAX; attempt++) {
        uint32_t delay = 0;
        if (!rsdk_retry_should(&p->retry, &b, s, attempt, false, false, &delay)) return s;
        sleep_ms(delay);
        s = rsdk__pool_acquire_for(p, cmd, c, err);
        if (s == RSDK_OK) return s;
    }
    return s;
}

/* Acquire for the command, retried as above. With a one-shot `cmd`,
 * RSDK_OK and *c NULL means it rode in another thread's batch
 * (pool_combine.h). */
static inline rsdk_status acquire(rsdk_pool *p, rsdk__pool_cmd *cmd, rsdk_client **c, rsdk_error *err) {
    rsdk_status s = rsdk__pool_acquire_for(p, cmd, c, err);
    return s ? acquire_again(p, cmd, c, err, s) : RSDK_OK;
}

/* The command on a connection of its own, then the release. `start`: the
 * clock of its first attempt (0: a retry, with a deadline of its own);
 * `attempts`: attempts it already had (in a batch). */
static inline rsdk_status run_on(rsdk_pool *p, rsdk_client *c, long long start, int attempts, size_t argc,
                                 const char *const *argv, const size_t *argvlen, rsdk_reply **out,
                                 rsdk_error *err) {
    /* The command's deadline counts from the start of this call, so the
     * wait for a connection is part of it (docs/connections.md). */
    rsdk__client_start_clock(c, start);
    if (attempts) rsdk__client_attempts_done(c, attempts);
    rsdk_status s = rsdk_client_command_argv(c, argc, argv, argvlen, out);
    rsdk__client_start_clock(c, 0); /* also when the call never started */
    if (attempts) rsdk__client_attempts_done(c, 0);
    if (s && err) *err = *rsdk_client_error(c);
    rsdk_pool_release(p, c);
    return s;
}

/* A command's result from a batch (its own, led, or one it rode in). A
 * failure the client's retry policy takes again (nothing of it was sent,
 * or it is read-only) is tried again the ordinary way, as its second
 * attempt. */
static rsdk_status batch_result(rsdk_pool *p, rsdk__pool_cmd *cmd, rsdk_reply **out, rsdk_error *err) {
    rsdk__combined_item *r = &cmd->res;
    if (r->status == RSDK_OK) {
        *out = r->reply;
        return RSDK_OK;
    }
    if (!r->retry) {
        if (err) *err = r->err;
        return r->status;
    }
    sleep_ms(r->delay_ms);
    rsdk_client *c = NULL;
    rsdk_status s = acquire(p, NULL, &c, err);
    if (s) return s;
    return run_on(p, c, 0, 1, cmd->argc, cmd->argv, cmd->argvlen, out, err);
}

rsdk_status rsdk_pool_command_argv(rsdk_pool *p, size_t argc, const char *const *argv,
                                   const size_t *argvlen, rsdk_reply **out, rsdk_error *err) {
    if (!p || !out || argc < 1 || !argv)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "command needs a pool, arguments and a result");
    rsdk_client *c = NULL;
    long long start = rsdk__now_ms();
    rsdk__pool_cmd cmd;
    rsdk__pool_cmd_start(&cmd, argc, argv, argvlen, start);
    rsdk_status s = acquire(p, &cmd, &c, err);
    if (s == RSDK_OK && c && !cmd.lead) { /* a connection of its own */
        if (cmd.enc.data) rsdk__pool_cmd_free(&cmd); /* encoded to wait, then not needed */
        return run_on(p, c, start, 0, argc, argv, argvlen, out, err);
    }
    if (s == RSDK_OK && c) { /* led a batch, or read one another thread leads */
        rsdk__pool_cmd *b = cmd.batch ? cmd.batch : &cmd;
        rsdk__pool_lead(p, b, cmd.lead);
        rsdk_pool_release(p, c);
        rsdk__pool_lead_wake(b, cmd.batch_w);
    }
    if (s == RSDK_OK) s = batch_result(p, &cmd, out, err);
    rsdk__pool_cmd_free(&cmd);
    return s;
}

rsdk_status rsdk_pool_command(rsdk_pool *p, rsdk_reply **out, rsdk_error *err, const char *arg0,
                              ...) {
    if (!arg0) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "command needs arguments");
    va_list ap;
    size_t n = 0;
    const char *small[RSDK__ARGS_SMALL];
    va_start(ap, arg0);
    const char **argv = rsdk__args_collect(arg0, ap, small, &n);
    va_end(ap);
    if (!argv) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    rsdk_status s = rsdk_pool_command_argv(p, n, argv, NULL, out, err);
    rsdk__args_release(argv, small);
    return s;
}
