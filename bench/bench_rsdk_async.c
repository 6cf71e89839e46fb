/* bench_rsdk_async.c — the async workloads through rsdk_async on the
 * built-in loop: `window` commands in flight over `conns` clients, each
 * reply callback sending the next command (they leave together, one write
 * per loop turn: auto-pipelining). The same shape as bench_hiredis_async.c. */
#include "bench_common.h"

#include <stdio.h>
#include <string.h>

#include "rsdk/rsdk.h"
#include "rsdk/async.h"
#include "rsdk/loop.h"

#define MAX_CONNS 64

typedef struct run_state {
    rsdk_loop *loop;
    const bench_args *a;
    size_t argc;
    const char *const *argv;
    const size_t *lens;
    uint64_t target, issued, done;
} run_state;

static void on_reply(rsdk_async *c, rsdk_reply *r, const rsdk_error *err, void *ud);

static void send_one(run_state *s, rsdk_async *c) {
    if (rsdk_async_command_argv(c, s->argc, s->argv, s->lens, on_reply, s, NULL) != RSDK_OK) {
        fprintf(stderr, "bench: rsdk async: %s\n", rsdk_async_error(c)->message);
        bench_fail("rsdk async: command failed");
    }
    s->issued++;
}

static void on_reply(rsdk_async *c, rsdk_reply *r, const rsdk_error *err, void *ud) {
    run_state *s = ud;
    if (r == NULL) {
        fprintf(stderr, "bench: rsdk async: %s\n", err ? err->message : "no reply");
        bench_fail("rsdk async: command failed");
    }
    if (s->a->workload == BENCH_ASYNC_SET) {
        if (r->type != RSDK_REPLY_STATUS || r->len != 2) bench_fail("rsdk async: unexpected SET reply");
    } else if (r->type != RSDK_REPLY_STRING || r->len != BENCH_VALUE_LEN) {
        bench_fail("rsdk async: unexpected GET reply");
    }
    s->done++;
    if (s->issued < s->target) send_one(s, c);
    else if (s->done == s->target) rsdk_loop_stop(s->loop);
}

static void run(run_state *s, rsdk_async **cs, uint64_t n) {
    s->target = n;
    s->issued = s->done = 0;
    unsigned per_conn = s->a->window / s->a->conns;
    for (unsigned i = 0; i < s->a->conns; i++)
        for (unsigned k = 0; k < per_conn && s->issued < n; k++) send_one(s, cs[i]);
    if (rsdk_loop_run(s->loop) != RSDK_OK) bench_fail("rsdk async: loop failed");
    if (s->done != n) bench_fail("rsdk async: loop ended early");
}

int main(int argc, char **argv) {
    bench_args a;
    if (bench_parse_args(argc, argv, &a) != 0) return 2;
    if (a.workload != BENCH_ASYNC_GET && a.workload != BENCH_ASYNC_SET)
        bench_fail("rsdk async: not an async workload");
    if (a.conns == 0 || a.conns > MAX_CONNS || a.window < a.conns) bench_fail("rsdk async: bad window");

    static char big[BENCH_SET_VALUE_LEN];
    bench_set_value(big);
    static const char *const get[] = {"GET", BENCH_GET_KEY};
    const size_t get_len[] = {3, strlen(BENCH_GET_KEY)};
    const char *const set[] = {"SET", BENCH_SET_KEY, big};
    const size_t set_len[] = {3, strlen(BENCH_SET_KEY), BENCH_SET_VALUE_LEN};
    run_state s = {.a = &a, .argc = 2, .argv = get, .lens = get_len};
    if (a.workload == BENCH_ASYNC_SET) s.argc = 3, s.argv = set, s.lens = set_len;

    if (rsdk_loop_new(&s.loop) != RSDK_OK) bench_fail("rsdk async: cannot make the loop");
    rsdk_client_opts co;
    rsdk_client_opts_init(&co);
    co.unix_path = a.socket_path;
    rsdk_async_opts o;
    rsdk_async_opts_init(&o);
    o.client = &co;
    rsdk_async *cs[MAX_CONNS];
    for (unsigned i = 0; i < a.conns; i++) {
        rsdk_error err;
        if (rsdk_async_new(&o, &cs[i], &err) != RSDK_OK) {
            fprintf(stderr, "bench: rsdk async: %s\n", err.message);
            bench_fail("rsdk async: cannot open");
        }
        if (rsdk_async_attach_loop(cs[i], s.loop) != RSDK_OK) bench_fail("rsdk async: attach failed");
    }
    run(&s, cs, a.warmup);
    bench_clock t0, t1;
    bench_clock_now(&t0);
    run(&s, cs, a.ops);
    bench_clock_now(&t1);
    bench_report(&a, &t0, &t1);
    for (unsigned i = 0; i < a.conns; i++) rsdk_async_free(cs[i]);
    rsdk_loop_free(s.loop);
    return 0;
}
