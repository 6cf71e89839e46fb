/* The built-in loop: callbacks posted from 4 threads at once all run, on
 * the loop's thread, in each thread's order; stop from another thread ends
 * rsdk_loop_run; an adapter's fd watch and timer fire; what is posted to a
 * loop being freed gets loop NULL. No server needed. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rsdk/loop.h"
#include "support/server.h"

#define THREADS 4
#define PER_THREAD 20000

typedef struct shared {
    rsdk_loop *loop;
    pthread_t loop_thread;
    long count;
    long last[THREADS];   /* last sequence number seen per thread */
    long out_of_order;
    long wrong_thread;
} shared;

typedef struct item {
    shared *sh;
    int thread;
    long seq;
} item;

static void on_post(rsdk_loop *loop, void *ud) {
    item *it = ud;
    shared *sh = it->sh;
    if (loop && !pthread_equal(pthread_self(), sh->loop_thread)) sh->wrong_thread++;
    if (it->seq != sh->last[it->thread] + 1) sh->out_of_order++;
    sh->last[it->thread] = it->seq;
    sh->count++;
    free(it);
}

typedef struct poster {
    shared *sh;
    int thread;
    long refused;
} poster;

static void *post_many(void *arg) {
    poster *p = arg;
    for (long i = 0; i < PER_THREAD; i++) {
        item *it = malloc(sizeof *it);
        *it = (item){.sh = p->sh, .thread = p->thread, .seq = i};
        if (rsdk_loop_post(p->sh->loop, on_post, it) != RSDK_OK) {
            free(it);
            p->refused++;
        }
    }
    return NULL;
}

static void test_post_from_four_threads(void **state) {
    (void)state;
    shared sh;
    memset(&sh, 0, sizeof sh);
    for (int i = 0; i < THREADS; i++) sh.last[i] = -1;
    assert_int_equal(rsdk_loop_new(&sh.loop), RSDK_OK);
    sh.loop_thread = pthread_self();
    pthread_t th[THREADS];
    poster ps[THREADS];
    for (int i = 0; i < THREADS; i++) {
        ps[i] = (poster){.sh = &sh, .thread = i};
        assert_int_equal(pthread_create(&th[i], NULL, post_many, &ps[i]), 0);
    }
    long long end = rsdk_test_now_ms() + 20000;
    while (sh.count < THREADS * PER_THREAD && rsdk_test_now_ms() < end)
        assert_int_equal(rsdk_loop_run_once(sh.loop, 100), RSDK_OK);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(ps[i].refused, 0);
    }
    assert_int_equal(sh.count, THREADS * PER_THREAD);
    assert_int_equal(sh.out_of_order, 0);
    assert_int_equal(sh.wrong_thread, 0);
    rsdk_loop_free(sh.loop);
}

static void *stop_later(void *arg) {
    rsdk_test_sleep_ms(100);
    rsdk_loop_stop(arg);
    return NULL;
}

static void tick(void *ud, int events) {
    int *n = ud;
    (*n)++;
    (void)events;
}

/* A loop with one adapter watching the read end of a fresh pipe. */
typedef struct piped {
    rsdk_loop *loop;
    int fds[2];
    const rsdk_loop_ops *ops;
    void *ad;
    int n; /* tick count */
} piped;

static void piped_open(piped *p) {
    memset(p, 0, sizeof *p);
    assert_int_equal(rsdk_loop_new(&p->loop), RSDK_OK);
    assert_int_equal(pipe(p->fds), 0);
    assert_int_equal(rsdk_loop_adapter(p->loop, &p->ops, &p->ad), RSDK_OK);
    assert_int_equal(p->ops->watch(p->ad, p->fds[0], RSDK_LOOP_READ, tick, &p->n), 0);
}

static void piped_close(piped *p) {
    p->ops->cleanup(p->ad);
    close(p->fds[0]);
    close(p->fds[1]);
    rsdk_loop_free(p->loop);
}

static void test_stop_from_another_thread(void **state) {
    (void)state;
    piped p; /* something to wait for: a pipe nobody writes to */
    piped_open(&p);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, stop_later, p.loop), 0);
    long long t0 = rsdk_test_now_ms();
    assert_int_equal(rsdk_loop_run(p.loop), RSDK_OK);
    long long took = rsdk_test_now_ms() - t0;
    pthread_join(th, NULL);
    assert_true(took >= 90 && took < 5000);
    assert_int_equal(p.n, 0);
    piped_close(&p);
}

static void test_watch_and_timer(void **state) {
    (void)state;
    piped p;
    piped_open(&p);
    assert_int_equal(write(p.fds[1], "x", 1), 1);
    assert_int_equal(rsdk_loop_run_once(p.loop, 1000), RSDK_OK);
    assert_int_equal(p.n, 1);
    char c;
    assert_int_equal(read(p.fds[0], &c, 1), 1);
    /* The timer: once, after about its time. */
    assert_int_equal(p.ops->watch(p.ad, p.fds[0], 0, tick, &p.n), 0);
    assert_int_equal(p.ops->timer(p.ad, 50), 0);
    long long t0 = rsdk_test_now_ms();
    assert_int_equal(rsdk_loop_run(p.loop), RSDK_OK); /* returns: nothing left to wait for */
    assert_int_equal(p.n, 2);
    assert_true(rsdk_test_now_ms() - t0 >= 45);
    piped_close(&p);
}

static void count_drop(rsdk_loop *loop, void *ud) {
    int *n = ud;
    if (!loop) (*n)++;
}

static void test_posts_dropped_at_free(void **state) {
    (void)state;
    rsdk_loop *loop;
    assert_int_equal(rsdk_loop_new(&loop), RSDK_OK);
    int dropped = 0;
    assert_int_equal(rsdk_loop_post(loop, count_drop, &dropped), RSDK_OK);
    assert_int_equal(rsdk_loop_post(loop, count_drop, &dropped), RSDK_OK);
    rsdk_loop_free(loop);
    assert_int_equal(dropped, 2);
    assert_int_equal(rsdk_loop_post(NULL, count_drop, &dropped), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_loop_new(NULL), RSDK_ERR_INVALID_ARG);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_post_from_four_threads),
        cmocka_unit_test(test_stop_from_another_thread),
        cmocka_unit_test(test_watch_and_timer),
        cmocka_unit_test(test_posts_dropped_at_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
