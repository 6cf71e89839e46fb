/* A timed read on a plain socket (rsdk__conn_read) ends at its deadline,
 * never later, whatever SO_RCVTIMEO an earlier read left in place: a
 * setting longer than the time left is replaced, one no longer than it and
 * at least half of it is kept (no setsockopt), and a wait that the kept
 * setting ends early goes on to the deadline. On one end of a socket
 * pair whose other end writes only when told to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "alloc.h"
#include "conn.h"
#include "conn_plain.h"

/* How late a timed-out read may return on a busy machine; far below the
 * longer settings the reads below start from. */
#define SLACK_MS 400

typedef struct pair {
    rsdk__conn *c; /* the client side, on the plain transport */
    int peer;      /* the other end: writes when a read should get bytes */
} pair;

static int setup(void **state) {
    pair *p = calloc(1, sizeof *p);
    assert_non_null(p);
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    p->c = rsdk__calloc(1, sizeof *p->c);
    assert_non_null(p->c);
    p->c->fd = sv[0];
    p->c->is_unix = true;
    rsdk__conn_set_transport(p->c, &rsdk__plain_ops, p->c);
    p->peer = sv[1];
    *state = p;
    return 0;
}

static int teardown(void **state) {
    pair *p = *state;
    rsdk__conn_free(p->c);
    close(p->peer);
    free(p);
    return 0;
}

static long long mono_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A read of `timeout_ms` that finds a byte the peer sent: returns at once. */
static void read_byte(pair *p, int timeout_ms) {
    assert_int_equal(write(p->peer, "x", 1), 1);
    char b;
    size_t n = 0;
    rsdk_error e;
    assert_int_equal(rsdk__conn_read(p->c, &b, 1, &n, timeout_ms, &e), RSDK_OK);
    assert_int_equal(n, 1);
}

/* A read of `timeout_ms` on a silent peer: times out no earlier than
 * that, and not much later. */
static void read_times_out(pair *p, int timeout_ms) {
    char b;
    size_t n = 0;
    rsdk_error e;
    long long t0 = mono_ms();
    assert_int_equal(rsdk__conn_read(p->c, &b, 1, &n, timeout_ms, &e), RSDK_ERR_TIMEOUT);
    long long took = mono_ms() - t0;
    assert_true(took >= timeout_ms - 1); /* clocks read a millisecond apart */
    assert_true(took < timeout_ms + SLACK_MS);
}

/* After a read that set 2 s, a read with 150 ms left waits 150 ms. */
static void test_longer_setting_replaced(void **state) {
    pair *p = *state;
    read_byte(p, 2000);
    assert_int_equal(p->c->rcvtimeo_ms, 2000);
    read_times_out(p, 150);
    assert_true(p->c->rcvtimeo_ms <= 150);
}

/* A setting between half the time left and all of it stays; one above or
 * below that is set anew, rounded down to 10 ms (below 10 ms, as it is).
 * An untimed read (0) clears it. */
static void test_setting_kept_within_half(void **state) {
    pair *p = *state;
    static const struct {
        int timeout_ms, setting_ms;
    } steps[] = {{1000, 1000}, {1500, 1000}, {2000, 1000}, {2005, 2000}, {1999, 1990},
                 {7, 7},       {0, 0},       {500, 500}};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        read_byte(p, steps[i].timeout_ms);
        assert_int_equal(p->c->rcvtimeo_ms, steps[i].setting_ms);
    }
}

/* A kept setting of 100 ms ends a 190 ms wait early: the read waits on for
 * the rest, and times out at 190 ms. */
static void test_early_end_waits_on(void **state) {
    pair *p = *state;
    read_byte(p, 100);
    assert_int_equal(p->c->rcvtimeo_ms, 100);
    read_times_out(p, 190);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_longer_setting_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setting_kept_within_half, setup, teardown),
        cmocka_unit_test_setup_teardown(test_early_end_waits_on, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
