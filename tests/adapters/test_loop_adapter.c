/* A loop adapter's vtable (rsdk/loop.h) driven directly, without the async
 * client, over a socketpair: read and write readiness, a changed mask, a
 * new fd in place of the old, the one-shot timer (0 ms fires on the next
 * turn, arming again replaces, a negative time disarms), cleanup releasing
 * everything (also from inside a callback and with allocations failing);
 * and the loop's attach call refusing bad input.
 * Built once per loop (rsdk_loop_tests): built-in, libevent, libuv, each
 * taken from the loop factory of the async tests (support/async_loop.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "rsdk/async.h"
#include "support/async_loop.h"
#include "support/fail_alloc.h"
#include "support/server.h"

/* What the callbacks of one watch saw. */
typedef struct record {
    int fd;      /* drained on READ so level-triggered loops calm down */
    int reads;   /* calls with RSDK_LOOP_READ */
    int writes;  /* calls with RSDK_LOOP_WRITE */
    int timers;  /* calls with events 0 (the timer) */
    int other;   /* calls with bits outside READ | WRITE */
    /* Set by the test: cleanup from inside the next callback. */
    const rsdk_loop_ops *cleanup_ops;
    void *cleanup_adapter;
} record;

static void on_event(void *ud, int events) {
    record *r = ud;
    if (events == 0) r->timers++;
    if (events & RSDK_LOOP_READ) {
        r->reads++;
        char buf[256];
        while (recv(r->fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
        }
    }
    if (events & RSDK_LOOP_WRITE) r->writes++;
    if (events & ~(RSDK_LOOP_READ | RSDK_LOOP_WRITE)) r->other++;
    if (r->cleanup_ops != NULL) {
        const rsdk_loop_ops *ops = r->cleanup_ops;
        r->cleanup_ops = NULL;
        ops->cleanup(r->cleanup_adapter);
    }
}

typedef struct fixture {
    rsdk_test_loop *loop;
    const rsdk_loop_ops *ops;
    void *adapter;
    int sv[2]; /* sv[0] watched, sv[1] the peer that writes */
} fixture;

/* The adapter constructor of the loop under test, on its loop. */
static rsdk_status adapter_new(fixture *f, const rsdk_loop_ops **ops, void **adapter) {
    return f->loop->impl->adapter(f->loop->state, ops, adapter);
}

static void turn(fixture *f, int wait_ms) {
    f->loop->impl->run_once(f->loop->state, wait_ms);
}

static int setup(void **state) {
    fixture *f = test_calloc(1, sizeof *f);
    f->loop = rsdk_test_loop_open(rsdk_test_loop_kind_from_env());
    assert_int_equal(adapter_new(f, &f->ops, &f->adapter), RSDK_OK);
    assert_non_null(f->ops);
    assert_non_null(f->adapter);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, f->sv), 0);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    if (f->adapter != NULL) f->ops->cleanup(f->adapter);
    close(f->sv[0]);
    close(f->sv[1]);
    rsdk_test_loop_close(f->loop);
    test_free(f);
    return 0;
}

typedef struct count_goal {
    const int *counter;
    int want;
} count_goal;

static bool reached(void *ud) {
    const count_goal *g = ud;
    return *g->counter >= g->want;
}

/* Turns the loop until *counter reaches `want`; fails after `limit_ms`. */
static void run_until(fixture *f, const int *counter, int want, int limit_ms) {
    count_goal g = {counter, want};
    if (!rsdk_test_loop_run_until(f->loop, reached, &g, limit_ms))
        fail_msg("%s: %d of %d events after %d ms", f->loop->impl->name, *counter, want, limit_ms);
}

/* Turns the loop for about `ms` whatever happens. */
static void run_for(fixture *f, int ms) {
    rsdk_test_loop_run_for(f->loop, ms);
}

static void send_byte(int fd) {
    assert_int_equal(send(fd, "x", 1, MSG_NOSIGNAL), 1);
}

static void read_ready_when_peer_writes(void **state) {
    fixture *f = *state;
    record r = {.fd = f->sv[0]};
    assert_int_equal(f->ops->watch(f->adapter, f->sv[0], RSDK_LOOP_READ, on_event, &r), 0);
    run_for(f, 30);
    assert_int_equal(r.reads, 0);
    send_byte(f->sv[1]);
    run_until(f, &r.reads, 1, 2000);
    assert_int_equal(r.writes, 0);
    assert_int_equal(r.timers, 0);
    assert_int_equal(r.other, 0);
    /* Drained by the callback: no more reads until the peer writes again. */
    int seen = r.reads;
    run_for(f, 30);
    assert_int_equal(r.reads, seen);
    send_byte(f->sv[1]);
    run_until(f, &r.reads, seen + 1, 2000);
}

static void write_ready_only_while_asked(void **state) {
    fixture *f = *state;
    record r = {.fd = f->sv[0]};
    assert_int_equal(
        f->ops->watch(f->adapter, f->sv[0], RSDK_LOOP_READ | RSDK_LOOP_WRITE, on_event, &r), 0);
    run_until(f, &r.writes, 1, 2000);
    assert_int_equal(r.reads, 0);
    /* Dropping WRITE from the mask stops the (always writable) socket's
     * calls; READ still works. */
    assert_int_equal(f->ops->watch(f->adapter, f->sv[0], RSDK_LOOP_READ, on_event, &r), 0);
    turn(f, 0);
    int seen = r.writes;
    run_for(f, 30);
    assert_int_equal(r.writes, seen);
    send_byte(f->sv[1]);
    run_until(f, &r.reads, 1, 2000);
    assert_int_equal(r.writes, seen);
    /* And asking again brings it back. */
    assert_int_equal(
        f->ops->watch(f->adapter, f->sv[0], RSDK_LOOP_READ | RSDK_LOOP_WRITE, on_event, &r), 0);
    run_until(f, &r.writes, seen + 1, 2000);
}

static void mask_zero_stops_watching(void **state) {
    fixture *f = *state;
    record r = {.fd = f->sv[0]};
    assert_int_equal(f->ops->watch(f->adapter, f->sv[0], RSDK_LOOP_READ, on_event, &r), 0);
    assert_int_equal(f->ops->watch(f->adapter, f->sv[0], 0, on_event, &r), 0);
    send_byte(f->sv[1]);
    run_for(f, 30);
    assert_int_equal(r.reads, 0);
    assert_int_equal(f->ops->watch(f->adapter, f->sv[0], RSDK_LOOP_READ, on_event, &r), 0);
    run_until(f, &r.reads, 1, 2000);
}

static void new_fd_replaces_old(void **state) {
    fixture *f = *state;
    record old = {.fd = f->sv[0]};
    assert_int_equal(f->ops->watch(f->adapter, f->sv[0], RSDK_LOOP_READ, on_event, &old), 0);
    int nv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, nv), 0);
    record now = {.fd = nv[0]};
    /* As after a reconnect: the new fd is watched, then the old one closed.
     * The old one is readable, the new one not yet: no call at all. */
    send_byte(f->sv[1]);
    assert_int_equal(f->ops->watch(f->adapter, nv[0], RSDK_LOOP_READ, on_event, &now), 0);
    close(f->sv[0]);
    f->sv[0] = -1;
    run_for(f, 30);
    assert_int_equal(old.reads + old.writes + old.timers, 0);
    assert_int_equal(now.reads, 0);
    send_byte(nv[1]);
    run_until(f, &now.reads, 1, 2000);
    assert_int_equal(old.reads, 0);
    /* The timer calls the newest watch's callback. */
    assert_int_equal(f->ops->timer(f->adapter, 0), 0);
    run_until(f, &now.timers, 1, 2000);
    assert_int_equal(old.timers, 0);
    /* A watch stopped, its fd closed and the number handed out again (a
     * reconnect after a drop): the reused number is watched afresh. */
    assert_int_equal(f->ops->watch(f->adapter, nv[0], 0, on_event, &now), 0);
    close(nv[0]);
    close(nv[1]);
    int rv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, rv), 0);
    record again = {.fd = rv[0]};
    assert_int_equal(f->ops->watch(f->adapter, rv[0], RSDK_LOOP_READ, on_event, &again), 0);
    send_byte(rv[1]);
    run_until(f, &again.reads, 1, 2000);
    assert_int_equal(f->ops->watch(f->adapter, rv[0], 0, on_event, &again), 0);
    close(rv[0]);
    close(rv[1]);
}

static void timer_zero_fires_on_next_turn_once(void **state) {
    fixture *f = *state;
    record r = {.fd = f->sv[0]};
    assert_int_equal(f->ops->watch(f->adapter, f->sv[0], 0, on_event, &r), 0);
    assert_int_equal(f->ops->timer(f->adapter, 0), 0);
    assert_int_equal(r.timers, 0); /* never from inside the call */
    turn(f, 0);
    assert_int_equal(r.timers, 1);
    run_for(f, 50);
    assert_int_equal(r.timers, 1);
    assert_int_equal(r.reads + r.writes + r.other, 0);
}

static void timer_fires_after_its_time(void **state) {
    fixture *f = *state;
    record r = {.fd = f->sv[0]};
    assert_int_equal(f->ops->watch(f->adapter, f->sv[0], 0, on_event, &r), 0);
    long long start = rsdk_test_now_ms();
    assert_int_equal(f->ops->timer(f->adapter, 60), 0);
    run_until(f, &r.timers, 1, 3000);
    assert_true(rsdk_test_now_ms() - start >= 55); /* clocks of the loops round to ms */
    run_for(f, 100);
    assert_int_equal(r.timers, 1);
}

static void timer_armed_again_replaces_its_time(void **state) {
    fixture *f = *state;
    record r = {.fd = f->sv[0]};
    assert_int_equal(f->ops->watch(f->adapter, f->sv[0], 0, on_event, &r), 0);
    assert_int_equal(f->ops->timer(f->adapter, 0), 0);
    assert_int_equal(f->ops->timer(f->adapter, 60000), 0);
    run_for(f, 50);
    assert_int_equal(r.timers, 0);
    assert_int_equal(f->ops->timer(f->adapter, 20), 0);
    run_until(f, &r.timers, 1, 2000);
    run_for(f, 50);
    assert_int_equal(r.timers, 1);
    /* Fired and armed again from scratch. */
    assert_int_equal(f->ops->timer(f->adapter, 0), 0);
    run_until(f, &r.timers, 2, 2000);
}

static void timer_negative_disarms(void **state) {
    fixture *f = *state;
    record r = {.fd = f->sv[0]};
    assert_int_equal(f->ops->timer(f->adapter, -1), 0); /* never armed */
    assert_int_equal(f->ops->watch(f->adapter, f->sv[0], 0, on_event, &r), 0);
    assert_int_equal(f->ops->timer(f->adapter, 0), 0);
    assert_int_equal(f->ops->timer(f->adapter, -1), 0);
    run_for(f, 50);
    assert_int_equal(r.timers, 0);
    assert_int_equal(f->ops->timer(f->adapter, 10), 0);
    run_until(f, &r.timers, 1, 2000);
}

static void cleanup_with_everything_armed(void **state) {
    fixture *f = *state;
    record r = {.fd = f->sv[0]};
    assert_int_equal(
        f->ops->watch(f->adapter, f->sv[0], RSDK_LOOP_READ | RSDK_LOOP_WRITE, on_event, &r), 0);
    assert_int_equal(f->ops->timer(f->adapter, 0), 0);
    send_byte(f->sv[1]);
    f->ops->cleanup(f->adapter);
    f->adapter = NULL;
    run_for(f, 30);
    assert_int_equal(r.reads + r.writes + r.timers, 0);
    /* teardown: closing the loop fails when something is left on it. */
}

static void cleanup_from_inside_a_callback(void **state) {
    fixture *f = *state;
    record r = {.fd = f->sv[0], .cleanup_ops = f->ops, .cleanup_adapter = f->adapter};
    assert_int_equal(f->ops->watch(f->adapter, f->sv[0], RSDK_LOOP_READ, on_event, &r), 0);
    assert_int_equal(f->ops->timer(f->adapter, 1000), 0);
    f->adapter = NULL;
    send_byte(f->sv[1]);
    run_until(f, &r.reads, 1, 2000);
    assert_null(r.cleanup_ops);
    send_byte(f->sv[1]);
    run_for(f, 30);
    assert_int_equal(r.reads, 1);
    assert_int_equal(r.timers, 0);
}

static void cleanup_of_an_unused_adapter(void **state) {
    fixture *f = *state;
    f->ops->cleanup(f->adapter);
    f->adapter = NULL;
    turn(f, 0);
}

static void bad_arguments_fail_cleanly(void **state) {
    fixture *f = *state;
    const rsdk_loop_ops *ops = NULL;
    void *adapter = NULL;
    assert_int_equal(f->loop->impl->adapter(NULL, &ops, &adapter), RSDK_ERR_INVALID_ARG);
    assert_int_equal(adapter_new(f, NULL, &adapter), RSDK_ERR_INVALID_ARG);
    assert_int_equal(adapter_new(f, &ops, NULL), RSDK_ERR_INVALID_ARG);
    assert_null(ops);
    assert_null(adapter);
    record r = {.fd = f->sv[0]};
    /* No fd to watch: libevent and libuv refuse it (-1); the built-in
     * adapter takes fd -1 as "nothing to watch" whatever the mask (0). */
    int rc = f->ops->watch(f->adapter, -1, RSDK_LOOP_READ, on_event, &r);
    if (strcmp(f->loop->impl->name, "builtin") == 0) assert_true(rc == 0 || rc == -1);
    else assert_int_equal(rc, -1);
    run_for(f, 20);
    assert_int_equal(r.reads + r.writes + r.timers, 0);
    /* The adapter is still usable after it. */
    assert_int_equal(f->ops->watch(f->adapter, f->sv[0], RSDK_LOOP_READ, on_event, &r), 0);
    send_byte(f->sv[1]);
    run_until(f, &r.reads, 1, 2000);
}

/* The attach call of the loop (rsdk_async_attach_libevent, ...): a NULL
 * loop and a second attach are refused with a message, and nothing leaks. */
static void attach_refuses_bad_input(void **state) {
    fixture *f = *state;
    rsdk_client_opts co;
    rsdk_client_opts_init(&co);
    co.unix_path = "/nonexistent/rsdk-adapter-test.sock";
    rsdk_async_opts o;
    rsdk_async_opts_init(&o);
    o.client = &co;
    o.reconnect = false;
    rsdk_async *a = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_async_new(&o, &a, &err), RSDK_OK);
    assert_int_equal(f->loop->impl->attach(NULL, a), RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(rsdk_async_error(a)->message, "NULL"));
    assert_int_equal(f->loop->impl->attach(f->loop->state, a), RSDK_OK);
    assert_int_equal(f->loop->impl->attach(f->loop->state, a), RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(rsdk_async_error(a)->message, "already"));
    rsdk_async_free(a);
    run_for(f, 20); /* what the adapter closed is released on a turn */
}

/* Every rsdk allocation of the adapter's life refused in turn: the call
 * that needed it fails (NOMEM or -1), and cleanup still releases the rest
 * (ASan's leak check and the allocation counts agree). */
static void every_allocation_failing_in_turn(void **state) {
    fixture *f = *state;
    f->ops->cleanup(f->adapter);
    f->adapter = NULL;
    turn(f, 0);
    for (size_t n = 1;; n++) {
        rsdk_test_alloc_install();
        rsdk_test_alloc_fail_nth(n);
        const rsdk_loop_ops *ops = NULL;
        void *adapter = NULL;
        record r = {.fd = f->sv[0]};
        rsdk_status st = adapter_new(f, &ops, &adapter);
        if (st == RSDK_OK) {
            if (ops->watch(adapter, f->sv[0], RSDK_LOOP_READ | RSDK_LOOP_WRITE, on_event, &r) == 0)
                turn(f, 0);
            if (ops->timer(adapter, 0) == 0) turn(f, 0);
            ops->cleanup(adapter);
        } else {
            assert_int_equal(st, RSDK_ERR_NOMEM);
        }
        turn(f, 0); /* libuv frees closed handles here */
        size_t refused = rsdk_test_alloc_refused();
        rsdk_test_alloc_stats s = rsdk_test_alloc_stats_get();
        rsdk_test_alloc_remove();
        assert_int_equal(s.allocs, s.frees);
        if (refused == 0) break;
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(read_ready_when_peer_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(write_ready_only_while_asked, setup, teardown),
        cmocka_unit_test_setup_teardown(mask_zero_stops_watching, setup, teardown),
        cmocka_unit_test_setup_teardown(new_fd_replaces_old, setup, teardown),
        cmocka_unit_test_setup_teardown(timer_zero_fires_on_next_turn_once, setup, teardown),
        cmocka_unit_test_setup_teardown(timer_fires_after_its_time, setup, teardown),
        cmocka_unit_test_setup_teardown(timer_armed_again_replaces_its_time, setup, teardown),
        cmocka_unit_test_setup_teardown(timer_negative_disarms, setup, teardown),
        cmocka_unit_test_setup_teardown(cleanup_with_everything_armed, setup, teardown),
        cmocka_unit_test_setup_teardown(cleanup_from_inside_a_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(cleanup_of_an_unused_adapter, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_arguments_fail_cleanly, setup, teardown),
        cmocka_unit_test_setup_teardown(attach_refuses_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(every_allocation_failing_in_turn, setup, teardown),
    };
    return cmocka_run_group_tests_name(getenv("RSDK_TEST_LOOP") ? getenv("RSDK_TEST_LOOP") : "builtin", tests,
                                       NULL, NULL);
}
