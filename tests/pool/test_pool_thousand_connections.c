/* A pool of 1,000 open connections costs each acquire and release O(1):
 * the idle list hands out its head (the connection released last), a
 * release finds its slot through the index by client address (the lookups
 * pass over well under one other entry on average, whatever the pool's
 * size), and nothing walks the idle list. 4 threads then hammer it with
 * acquire/command/release; the counts still add up (all 1,000 idle at the
 * end, none created or discarded beyond them). Run under ASan it also
 * shows that nothing leaks or is used after it is freed. Counts only, no
 * clock. */
#include <sys/resource.h>

#include "pool_state.h"
#include "resilience/resil.h"

#define THREADS 4
#define ROUNDS 2000

static int pool_size = 1000;

typedef struct worker {
    rs_worker base;
    long failed;
} worker;

static void *run(void *arg) {
    worker *w = arg;
    for (int i = 0; i < ROUNDS; i++) {
        rsdk_client *c = NULL;
        if (rsdk_pool_acquire(w->base.p, &c, NULL) != RSDK_OK) {
            w->failed++;
            continue;
        }
        if (i % 16 == 0) {
            rsdk_reply *r = NULL;
            if (rsdk_client_command(c, &r, "PING", (const char *)NULL) != RSDK_OK) w->failed++;
            rsdk_reply_free(r);
        }
        if (rsdk_pool_release(w->base.p, c) != RSDK_OK) w->failed++;
    }
    return NULL;
}

static void test_thousand_connections(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool_opts o;
    rsdk_client_opts oc;
    rs_pool_opts(*state, &o, &oc, true);
    o.max_size = pool_size;
    o.min_idle = pool_size; /* all open, all idle */
    o.acquire_timeout_ms = -1;
    rsdk_pool *p = rs_pool_open(&o);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.open, (size_t)pool_size);
    assert_int_equal(st.idle, (size_t)pool_size);

    /* LIFO: the connection released last is the one handed out next. */
    rsdk_client *a = NULL, *b = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &a, NULL), RSDK_OK);
    assert_int_equal(rsdk_pool_acquire(p, &b, NULL), RSDK_OK);
    assert_ptr_not_equal(a, b);
    assert_int_equal(rsdk_pool_release(p, a), RSDK_OK);
    rsdk_client *again = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &again, NULL), RSDK_OK);
    assert_ptr_equal(again, a);
    assert_int_equal(rsdk_pool_release(p, again), RSDK_OK);
    assert_int_equal(rsdk_pool_release(p, b), RSDK_OK);
    /* A client that is not the pool's is refused, a second release too. */
    assert_int_equal(rsdk_pool_release(p, b), RSDK_ERR_INVALID_ARG);

    /* Index lookups: each release looks its slot up once. */
    pthread_mutex_lock(&p->mu);
    p->probes = 0;
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < 1000; i++) {
        rsdk_client *c = NULL;
        assert_int_equal(rsdk_pool_acquire(p, &c, NULL), RSDK_OK);
        assert_int_equal(rsdk_pool_release(p, c), RSDK_OK);
    }
    pthread_mutex_lock(&p->mu);
    uint64_t probes = p->probes;
    size_t cap = p->index_cap, used = p->index_used;
    pthread_mutex_unlock(&p->mu);
    printf("# index: %zu of %zu entries used; %llu entries passed over in 1000 releases\n", used, cap,
           (unsigned long long)probes);
    assert_int_equal(used, (size_t)pool_size);
    assert_true(cap >= 2 * used);
    assert_true(probes < 1000 * 4); /* a short run per lookup, not the pool */

    worker ws[THREADS];
    memset(ws, 0, sizeof ws);
    rs_crew crew;
    rs_crew_start(&crew, p, ws, sizeof ws[0], THREADS, run);
    rs_crew_join(&crew);
    for (int i = 0; i < THREADS; i++) assert_int_equal(ws[i].failed, 0);
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.open, (size_t)pool_size);
    assert_int_equal(st.idle, (size_t)pool_size);
    assert_int_equal(st.in_use, 0);
    assert_int_equal(st.created, (uint64_t)pool_size);
    assert_int_equal(st.discarded, 0);
    rsdk_pool_free(p);
}

int main(void) {
    /* 1,000 sockets here and as many in the server (started below, so it
     * inherits the limit): raise the soft limit as far as the hard one
     * allows, and size the pool to it if that is short. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rlim_t want = 4096;
        if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) want = rl.rlim_max;
        if (rl.rlim_cur < want) {
            rl.rlim_cur = want;
            (void)setrlimit(RLIMIT_NOFILE, &rl);
        }
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 1100) {
            pool_size = (int)rl.rlim_cur - 100;
            printf("# open-file limit %llu: a pool of %d\n", (unsigned long long)rl.rlim_cur, pool_size);
        }
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thousand_connections),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
