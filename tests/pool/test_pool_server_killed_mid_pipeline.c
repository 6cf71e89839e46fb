/* The server is killed while pooled connections wait for pipelined
 * replies. Every command carries a unique tag (ECHO tag) and every reply
 * that does arrive must carry its own command's tag: nothing is ever
 * delivered to the wrong caller or the wrong slot. Failures are connection
 * errors, the slots without a reply are NULL, and once the server is back
 * the pool serves every thread again. */
#include "resilience/resil.h"

#define PIPE 40

static bool is_conn_error(rsdk_status s) { return rsdk_err_class(s) == RSDK_CLASS_CONNECTION; }

static rsdk_pool *make_pool(rsdk_test_server *srv, bool use_unix) {
    rsdk_pool_opts o;
    rsdk_client_opts o_client;
    rs_pool_opts(srv, &o, &o_client, use_unix);
    o_client.connect_timeout_ms = 1000;
    rsdk_test_no_retry(&o_client); /* failures must reach the callers */
    return rs_pool_open(&o);
}

static void *kill_later(void *arg) {
    rsdk_test_sleep_ms(300);
    rsdk_test_server_kill(arg);
    return NULL;
}

/* One connection, a pipeline stuck behind DEBUG SLEEP when the kill comes. */
static void test_kill_during_one_pipeline(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_pool *p = make_pool(srv, true);
    rsdk_client *c = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &c, NULL), RSDK_OK);
    rsdk_pipeline *pl = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &pl), RSDK_OK);
    const char *echo[] = {"ECHO", "first"};
    const char *sleep[] = {"DEBUG", "SLEEP", "5"};
    assert_int_equal(rsdk_pipeline_append_argv(pl, 2, echo, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(pl, 3, sleep, NULL), RSDK_OK);
    char tags[PIPE][24];
    for (int i = 0; i < PIPE; i++) {
        snprintf(tags[i], sizeof tags[i], "tag-%d", i);
        const char *e[] = {"ECHO", tags[i]};
        assert_int_equal(rsdk_pipeline_append_argv(pl, 2, e, NULL), RSDK_OK);
    }
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, kill_later, srv), 0);
    rsdk_status s = rsdk_pipeline_exec(pl);
    pthread_join(t, NULL);
    assert_true(is_conn_error(s));
    const rsdk_reply *r0 = rsdk_pipeline_reply(pl, 0);
    if (r0) assert_string_equal(r0->str, "first");
    for (size_t i = 1; i < (size_t)PIPE + 2; i++) assert_null(rsdk_pipeline_reply(pl, i));
    rsdk_pipeline_free(pl);
    assert_int_equal(rsdk_pool_release(p, c), RSDK_OK);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.discarded, 1);
    assert_int_equal(st.open, 0);
    assert_int_equal(rsdk_test_server_restart(srv), RSDK_TEST_SERVER_OK);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_pool_command(p, &r, NULL, "ECHO", "back", (const char *)NULL), RSDK_OK);
    assert_string_equal(r->str, "back");
    rsdk_reply_free(r);
    rsdk_pool_free(p);
}

typedef struct worker {
    rs_worker base; /* phase HEALED: the server is back, calls must succeed */
    long ok, failed, misdelivered, bad_shape, failed_after;
} worker;

/* One round: a pipeline of PIPE tagged ECHOs on a borrowed connection. */
static void round_trip(worker *w, long round, int ph) {
    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_pool_acquire(w->base.p, &c, &err);
    if (s) {
        w->failed++;
        if (!is_conn_error(s)) w->bad_shape++;
        if (ph == RS_PHASE_HEALED) w->failed_after++;
        return;
    }
    rsdk_pipeline *pl = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &pl), RSDK_OK);
    char tags[PIPE][40];
    for (int i = 0; i < PIPE; i++) {
        snprintf(tags[i], sizeof tags[i], "w%d-r%ld-c%d", w->base.id, round, i);
        const char *e[] = {"ECHO", tags[i]};
        rsdk_pipeline_append_argv(pl, 2, e, NULL);
    }
    s = rsdk_pipeline_exec(pl);
    bool gap = false;
    for (int i = 0; i < PIPE; i++) {
        const rsdk_reply *r = rsdk_pipeline_reply(pl, (size_t)i);
        if (!r) {
            gap = true;
            continue;
        }
        if (gap) w->bad_shape++; /* replies only ever stop, never resume */
        if (r->type != RSDK_REPLY_STRING || strcmp(r->str, tags[i]) != 0) w->misdelivered++;
    }
    if (s == RSDK_OK) {
        if (gap) w->bad_shape++;
        w->ok++;
    } else {
        w->failed++;
        if (!is_conn_error(s) || !gap) w->bad_shape++;
        if (ph == RS_PHASE_HEALED) w->failed_after++;
    }
    rsdk_pipeline_free(pl);
    rsdk_pool_release(w->base.p, c);
}

static void *run(void *arg) {
    worker *w = arg;
    for (long round = 0;; round++) {
        int ph = rs_worker_phase(&w->base);
        if (ph == RS_PHASE_STOP) break;
        round_trip(w, round, ph);
    }
    return NULL;
}

static void kill_under_load(rsdk_test_server *srv, bool use_unix) {
    rsdk_pool *p = make_pool(srv, use_unix);
    rs_crew crew;
    worker w[4];
    rs_crew_start(&crew, p, w, sizeof w[0], 4, run);
    rsdk_test_sleep_ms(250);
    rsdk_test_server_kill(srv);
    rsdk_test_sleep_ms(150);
    assert_int_equal(rsdk_test_server_restart(srv), RSDK_TEST_SERVER_OK);
    rsdk_test_sleep_ms(200);
    rs_crew_heal_and_join(&crew, 300);
    long failed = 0;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(w[i].misdelivered, 0);
        assert_int_equal(w[i].bad_shape, 0);
        assert_int_equal(w[i].failed_after, 0);
        assert_true(w[i].ok > 0);
        failed += w[i].failed;
    }
    assert_true(failed > 0);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.in_use, 0);
    assert_true(st.open <= 4);
    rsdk_pool_free(p);
}

RSDK_TEST_SERVER_CASE(test_kill_under_load_unix, kill_under_load, true)
RSDK_TEST_SERVER_CASE(test_kill_under_load_tcp, kill_under_load, false)

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_during_one_pipeline),
        cmocka_unit_test(test_kill_under_load_unix),
        cmocka_unit_test(test_kill_under_load_tcp),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
