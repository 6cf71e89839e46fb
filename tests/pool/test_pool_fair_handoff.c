/* A connection released while threads wait for one goes to the thread that
 * has waited longest, and to it alone: waiters are served in the order they
 * arrived, and the releasing thread cannot take the connection back ahead
 * of them by acquiring again at once. Ordered by waiting for the pool's
 * `waiting` count, never by sleeping. */
#include "tests/resilience/resil.h"

#define WAITERS 3

typedef struct order_log {
    pthread_mutex_t mu;
    int who[2 * WAITERS + 2];
    int n;
} order_log;

static void log_turn(order_log *l, int id) {
    pthread_mutex_lock(&l->mu);
    l->who[l->n++] = id;
    pthread_mutex_unlock(&l->mu);
}

typedef struct waiter {
    rsdk_pool *p;
    order_log *log;
    int id;
    pthread_t t;
    rsdk_status s;
} waiter;

static void *wait_then_log(void *arg) {
    waiter *w = arg;
    rsdk_client *c = NULL;
    w->s = rsdk_pool_acquire(w->p, &c, NULL);
    if (w->s == RSDK_OK) {
        log_turn(w->log, w->id);
        rsdk_pool_release(w->p, c);
    }
    return NULL;
}

/* A pool of one connection, held by the test, and `n` threads queued for
 * it in the order 1..n (each waits until the one before is queued). */
typedef struct fixture {
    rsdk_pool *p;
    rsdk_client *c;
    order_log log;
    waiter w[WAITERS];
    int n;
} fixture;

/* A pool of one connection on the test server. */
static rsdk_pool *pool_of_one(void *srv, int acquire_timeout_ms) {
    rsdk_pool_opts o;
    rsdk_client_opts oc;
    rs_pool_opts(srv, &o, &oc, true);
    o.max_size = 1;
    o.acquire_timeout_ms = acquire_timeout_ms;
    return rs_pool_open(&o);
}

static void start(fixture *f, void *srv, int n) {
    f->p = pool_of_one(srv, -1);
    f->log.n = 0;
    pthread_mutex_init(&f->log.mu, NULL);
    f->c = NULL;
    assert_int_equal(rsdk_pool_acquire(f->p, &f->c, NULL), RSDK_OK);
    f->n = n;
    for (int i = 0; i < n; i++) {
        f->w[i] = (waiter){.p = f->p, .log = &f->log, .id = i + 1};
        assert_int_equal(pthread_create(&f->w[i].t, NULL, wait_then_log, &f->w[i]), 0);
        rs_pool_until_waiting(f->p, (size_t)i + 1);
    }
}

/* Joins the waiters; each must have got the connection. */
static void join_waiters(fixture *f) {
    for (int i = 0; i < f->n; i++) {
        pthread_join(f->w[i].t, NULL);
        assert_int_equal(f->w[i].s, RSDK_OK);
    }
    f->n = 0;
}

static void finish(fixture *f) {
    join_waiters(f);
    rsdk_pool_free(f->p);
    pthread_mutex_destroy(&f->log.mu);
}

static void test_waiters_served_in_arrival_order(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    start(&f, *state, WAITERS);
    /* One release: each waiter in turn gets the connection from the one before. */
    assert_int_equal(rsdk_pool_release(f.p, f.c), RSDK_OK);
    join_waiters(&f);
    assert_int_equal(f.log.n, WAITERS);
    for (int i = 0; i < WAITERS; i++) assert_int_equal(f.log.who[i], i + 1);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(f.p, &st);
    assert_int_equal(st.created, 1);
    assert_int_equal(st.exhausted, 0);
    finish(&f);
}

static void test_releaser_cannot_jump_the_queue(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    start(&f, *state, 1);
    /* Release and acquire again at once: the waiter was first in line. */
    assert_int_equal(rsdk_pool_release(f.p, f.c), RSDK_OK);
    assert_int_equal(rsdk_pool_acquire(f.p, &f.c, NULL), RSDK_OK);
    log_turn(&f.log, 0);
    assert_int_equal(f.log.n, 2);
    assert_int_equal(f.log.who[0], 1);
    assert_int_equal(f.log.who[1], 0);
    assert_int_equal(rsdk_pool_release(f.p, f.c), RSDK_OK);
    finish(&f);
}

/* A connection closed while threads wait hands the room to open a new one
 * to the first waiter, which gets a fresh connection. */
static void test_closed_connection_room_goes_to_waiter(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    start(&f, *state, 1);
    CMD_DO(f.c, "SELECT", "0"); /* session state: discarded on release */
    assert_int_equal(rsdk_pool_release(f.p, f.c), RSDK_OK);
    join_waiters(&f);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(f.p, &st);
    assert_int_equal(st.created, 2);
    assert_int_equal(st.discarded, 1);
    assert_int_equal(st.open, 1);
    finish(&f);
}

/* Contention: CONTENDERS threads each take the one connection ROUNDS
 * times. Whenever the holder sees a thread waiting, the next turn must go
 * to another thread (the queue's head), and every thread gets all its
 * turns: nobody starves, nobody is served twice in a row over a waiter. */
#define CONTENDERS 4
#define ROUNDS 150

typedef struct turn_log {
    pthread_mutex_t mu;
    int who[CONTENDERS * ROUNDS];
    bool others_waited[CONTENDERS * ROUNDS]; /* seen by that holder at release */
    int n;
} turn_log;

typedef struct contender {
    rsdk_pool *p;
    turn_log *log;
    int id, done;
    pthread_t t;
} contender;

static void *contend(void *arg) {
    contender *c = arg;
    for (int i = 0; i < ROUNDS; i++) {
        rsdk_client *cl = NULL;
        if (rsdk_pool_acquire(c->p, &cl, NULL) != RSDK_OK) return NULL;
        rsdk_reply *r = NULL;
        if (rsdk_client_command(cl, &r, "PING", (const char *)NULL) == RSDK_OK) rsdk_reply_free(r);
        /* Holding the only connection, so nobody can leave the queue: what
         * is seen here is what the release hands over to. */
        rsdk_pool_stats st;
        rsdk_pool_stats_get(c->p, &st);
        pthread_mutex_lock(&c->log->mu);
        c->log->who[c->log->n] = c->id;
        c->log->others_waited[c->log->n] = st.waiting > 0;
        c->log->n++;
        pthread_mutex_unlock(&c->log->mu);
        rsdk_pool_release(c->p, cl);
        c->done++;
    }
    return NULL;
}

static void test_no_thread_starves_under_contention(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool *p = pool_of_one(*state, -1);
    static turn_log log;
    memset(&log, 0, sizeof log);
    pthread_mutex_init(&log.mu, NULL);
    contender cs[CONTENDERS];
    for (int i = 0; i < CONTENDERS; i++) {
        cs[i] = (contender){.p = p, .log = &log, .id = i};
        assert_int_equal(pthread_create(&cs[i].t, NULL, contend, &cs[i]), 0);
    }
    for (int i = 0; i < CONTENDERS; i++) pthread_join(cs[i].t, NULL);
    for (int i = 0; i < CONTENDERS; i++) assert_int_equal(cs[i].done, ROUNDS);
    assert_int_equal(log.n, CONTENDERS * ROUNDS);
    int handed = 0;
    for (int k = 0; k + 1 < log.n; k++) {
        if (!log.others_waited[k]) continue;
        handed++;
        if (log.who[k + 1] == log.who[k]) fail_msg("turn %d: thread %d served again over a waiter", k + 1, log.who[k]);
    }
    assert_true(handed > 0); /* the threads did contend */
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.created, 1);
    assert_int_equal(st.waiting, 0);
    rsdk_pool_free(p);
    pthread_mutex_destroy(&log.mu);
}

/* The head waiter runs out of time and leaves the queue; the one behind it
 * is next, and gets the connection. */
static void test_timed_out_head_leaves_the_queue(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool *p = pool_of_one(*state, 1500);
    rsdk_client *held = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &held, NULL), RSDK_OK);
    order_log log = {.n = 0};
    pthread_mutex_init(&log.mu, NULL);
    waiter first = {.p = p, .log = &log, .id = 1}, second = {.p = p, .log = &log, .id = 2};
    assert_int_equal(pthread_create(&first.t, NULL, wait_then_log, &first), 0);
    rs_pool_until_waiting(p, 1);
    rsdk_test_sleep_ms(750);
    assert_int_equal(pthread_create(&second.t, NULL, wait_then_log, &second), 0);
    rs_pool_until_waiting(p, 2);
    pthread_join(first.t, NULL); /* its 1.5 s ran out first */
    assert_int_equal(first.s, RSDK_ERR_POOL_EXHAUSTED);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.waiting, 1);
    assert_int_equal(st.exhausted, 1);
    assert_int_equal(rsdk_pool_release(p, held), RSDK_OK);
    pthread_join(second.t, NULL);
    assert_int_equal(second.s, RSDK_OK);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.who[0], 2);
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.waiting, 0);
    assert_int_equal(st.idle, 1);
    rsdk_pool_free(p);
    pthread_mutex_destroy(&log.mu);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_waiters_served_in_arrival_order),
        cmocka_unit_test(test_releaser_cannot_jump_the_queue),
        cmocka_unit_test(test_closed_connection_room_goes_to_waiter),
        cmocka_unit_test(test_no_thread_starves_under_contention),
        cmocka_unit_test(test_timed_out_head_leaves_the_queue),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
