/* bench_hiredis_async.c — the async workloads through hiredis's async API on
 * libevent, with hiredis's own libevent adapter (adapters/libevent.h), the
 * way a hiredis user writes them: `window` commands in flight over `conns`
 * redisAsyncContexts, each reply callback sending the next command. Built
 * by run.sh against Debian's hiredis and libevent, never by Bazel. */
#include "bench_common.h"

#include <event2/event.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <string.h>

#define MAX_CONNS 64

typedef struct run_state {
    struct event_base *base;
    const bench_args *a;
    int argc;
    const char **argv;
    const size_t *lens;
    uint64_t target, issued, done;
} run_state;

static void on_reply(redisAsyncContext *c, void *reply, void *priv);

static void send_one(run_state *s, redisAsyncContext *c) {
    if (redisAsyncCommandArgv(c, on_reply, s, s->argc, s->argv, s->lens) != REDIS_OK)
        bench_fail("hiredis async: command failed");
    s->issued++;
}

static void on_reply(redisAsyncContext *c, void *reply, void *priv) {
    run_state *s = priv;
    const redisReply *r = reply;
    if (r == NULL) bench_fail("hiredis async: connection lost");
    if (s->a->workload == BENCH_ASYNC_SET) {
        if (r->type != REDIS_REPLY_STATUS || r->len != 2) bench_fail("hiredis async: unexpected SET reply");
    } else if (r->type != REDIS_REPLY_STRING || r->len != BENCH_VALUE_LEN) {
        bench_fail("hiredis async: unexpected GET reply");
    }
    s->done++;
    if (s->issued < s->target) send_one(s, c);
    else if (s->done == s->target) event_base_loopbreak(s->base);
}

/* `n` commands, a window's worth in flight, spread over the contexts. */
static void run(run_state *s, redisAsyncContext **cs, uint64_t n) {
    s->target = n;
    s->issued = s->done = 0;
    unsigned per_conn = s->a->window / s->a->conns;
    for (unsigned i = 0; i < s->a->conns; i++)
        for (unsigned k = 0; k < per_conn && s->issued < n; k++) send_one(s, cs[i]);
    if (event_base_dispatch(s->base) < 0) bench_fail("hiredis async: event loop failed");
    if (s->done != n) bench_fail("hiredis async: loop ended early");
}

int main(int argc, char **argv) {
    bench_args a;
    if (bench_parse_args(argc, argv, &a) != 0) return 2;
    if (a.workload != BENCH_ASYNC_GET && a.workload != BENCH_ASYNC_SET)
        bench_fail("hiredis async: not an async workload");
    if (a.conns == 0 || a.conns > MAX_CONNS || a.window < a.conns) bench_fail("hiredis async: bad window");

    static char big[BENCH_SET_VALUE_LEN];
    bench_set_value(big);
    const char *get[] = {"GET", BENCH_GET_KEY};
    size_t get_len[] = {3, strlen(BENCH_GET_KEY)};
    const char *set[] = {"SET", BENCH_SET_KEY, big};
    size_t set_len[] = {3, strlen(BENCH_SET_KEY), BENCH_SET_VALUE_LEN};
    run_state s = {.a = &a, .argc = 2, .argv = get, .lens = get_len};
    if (a.workload == BENCH_ASYNC_SET) s.argc = 3, s.argv = set, s.lens = set_len;

    s.base = event_base_new();
    if (s.base == NULL) bench_fail("hiredis async: event_base_new failed");
    redisAsyncContext *cs[MAX_CONNS];
    for (unsigned i = 0; i < a.conns; i++) {
        cs[i] = redisAsyncConnectUnix(a.socket_path);
        if (cs[i] == NULL || cs[i]->err) bench_fail("hiredis async: cannot connect");
        if (redisLibeventAttach(cs[i], s.base) != REDIS_OK) bench_fail("hiredis async: attach failed");
    }
    run(&s, cs, a.warmup);
    bench_clock t0, t1;
    bench_clock_now(&t0);
    run(&s, cs, a.ops);
    bench_clock_now(&t1);
    bench_report(&a, &t0, &t1);
    for (unsigned i = 0; i < a.conns; i++) redisAsyncFree(cs[i]);
    event_base_free(s.base);
    return 0;
}
