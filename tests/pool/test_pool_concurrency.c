/* 8 threads × 10 000 commands through a pool of 4: every reply reaches the
 * thread that asked (each INCR answers exactly its own running count, each
 * GET the value that thread SET, each ECHO its own tag), nothing is lost or
 * duplicated (the server's counters match), the pool never opens more than
 * max_size connections and ends with all of them idle. Run under ASan it
 * also shows that nothing leaks. */
#include "resilience/resil.h"

#define THREADS 8
#define COMMANDS 10000

typedef struct worker {
    rs_worker base;    /* runs COMMANDS calls whatever the phase */
    long incrs;        /* INCRs answered */
    long commands;     /* commands answered */
    long wrong;        /* replies that were not this thread's */
    long failed;       /* calls that failed */
    char first_problem[400];
} worker;

static void problem(worker *w, long *counter, const char *what, long i) {
    (*counter)++;
    if (!w->first_problem[0])
        snprintf(w->first_problem, sizeof w->first_problem, "thread %d, step %ld: %s", w->base.id, i, what);
}

/* One command through rsdk_pool_command; the reply must be a string equal
 * to `want` (NULL: any reply) or an integer equal to `want_int` (>= 0). */
static void one(worker *w, long i, const char *const *argv, int argc, const char *want,
                long long want_int) {
    rsdk_reply *r = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_pool_command_argv(w->base.p, argc, argv, NULL, &r, &err);
    if (s) {
        problem(w, &w->failed, err.message, i);
        return;
    }
    w->commands++;
    if (want && (r->type != RSDK_REPLY_STRING || strcmp(r->str, want) != 0))
        problem(w, &w->wrong, "string reply of another caller", i);
    if (want_int >= 0 && (r->type != RSDK_REPLY_INTEGER || r->integer != want_int))
        problem(w, &w->wrong, "count of another caller or a duplicate", i);
    rsdk_reply_free(r);
}

static void *run(void *arg) {
    worker *w = arg;
    char key[32], cnt[32], tag_a[48], tag_b[48], prev[48] = "";
    snprintf(cnt, sizeof cnt, "cc:cnt:%d", w->base.id);
    for (long i = 0; w->commands + w->failed < COMMANDS; i++) {
        switch (i % 4) {
        case 0: {
            const char *argv[] = {"INCR", cnt};
            one(w, i, argv, 2, NULL, w->incrs + 1);
            w->incrs++;
            break;
        }
        case 1: {
            snprintf(key, sizeof key, "cc:v:%d", w->base.id);
            snprintf(prev, sizeof prev, "t%d-%ld", w->base.id, i);
            const char *argv[] = {"SET", key, prev};
            one(w, i, argv, 3, NULL, -1);
            break;
        }
        case 2: {
            const char *argv[] = {"GET", key};
            one(w, i, argv, 2, prev, -1);
            break;
        }
        default: { /* two commands on one borrowed connection */
            rsdk_client *c = NULL;
            rsdk_error err;
            if (rsdk_pool_acquire(w->base.p, &c, &err)) {
                problem(w, &w->failed, err.message, i);
                break;
            }
            snprintf(tag_a, sizeof tag_a, "a%d-%ld", w->base.id, i);
            snprintf(tag_b, sizeof tag_b, "b%d-%ld", w->base.id, i);
            const char *tags[] = {tag_a, tag_b};
            for (int k = 0; k < 2; k++) {
                rsdk_reply *r = NULL;
                if (rsdk_client_command(c, &r, "ECHO", tags[k], (const char *)NULL)) {
                    problem(w, &w->failed, rsdk_client_error(c)->message, i);
                    continue;
                }
                w->commands++;
                if (strcmp(r->str, tags[k]) != 0) problem(w, &w->wrong, "ECHO of another caller", i);
                rsdk_reply_free(r);
            }
            rsdk_pool_release(w->base.p, c);
        }
        }
    }
    return NULL;
}

static void test_threads_share_pool(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_POOL_ACQUIRE));
    rsdk_pool_opts o;
    rsdk_client_opts o_client;
    rs_pool_opts(srv, &o, &o_client, true);
    o.acquire_timeout_ms = 10000;
    o.events = rec.bus;
    rsdk_pool *p = rs_pool_open(&o);
    rs_crew crew;
    worker w[THREADS];
    long long t0 = rsdk_test_now_ms();
    rs_crew_start(&crew, p, w, sizeof w[0], THREADS, run);
    rs_crew_join(&crew);
    long long dt = rsdk_test_now_ms() - t0;
    rsdk_client *admin = rsdk_test_client(srv, 3, true);
    long total = 0;
    for (int i = 0; i < THREADS; i++) {
        if (w[i].first_problem[0]) print_message("%s\n", w[i].first_problem);
        assert_int_equal(w[i].failed, 0);
        assert_int_equal(w[i].wrong, 0);
        assert_int_equal(w[i].commands, COMMANDS);
        char cnt[32];
        snprintf(cnt, sizeof cnt, "cc:cnt:%d", i);
        assert_int_equal(live_get_int(admin, cnt), w[i].incrs);
        total += w[i].commands;
    }
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    print_message("%ld commands from %d threads in %lld ms; %llu connections opened, "
                  "%zu acquire events\n",
                  total, THREADS, dt, (unsigned long long)st.created,
                  rs_recorder_count(&rec, RSDK_EVENT_POOL_ACQUIRE));
    assert_true(st.created <= 4);
    assert_int_equal(st.discarded, 0);
    assert_int_equal(st.exhausted, 0);
    assert_int_equal(st.in_use, 0);
    assert_int_equal(st.idle, st.open);
    assert_int_equal(st.waiting, 0);
    rsdk_client_close(admin);
    rsdk_pool_free(p);
    rs_recorder_deinit(&rec);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_share_pool),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
