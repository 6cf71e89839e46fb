/* Password rotation under load: while 4 threads run commands through a
 * pool, the password is rotated 3 times the way an operator does it (add
 * the new one on the server, update the provider, remove the old one). Not
 * one command fails. Idle connections re-AUTH during the notify itself;
 * a connection that was out re-AUTHs as it is released. */
#include "resilience/resil.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char current[32] = "pw-0";

static rsdk_status fetch(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)err;
    (void)ud;
    pthread_mutex_lock(&mu);
    rsdk_status s = rsdk_credentials_set(out, rsdk_str_c("app"), rsdk_str_c(current), 0);
    pthread_mutex_unlock(&mu);
    return s;
}

static void set_current(int k) {
    pthread_mutex_lock(&mu);
    snprintf(current, sizeof current, "pw-%d", k);
    pthread_mutex_unlock(&mu);
}

typedef struct fixture {
    rsdk_client *admin;
    rsdk_credentials_provider *prov;
    rs_recorder rec;
    rsdk_pool *p;
} fixture;

static void open_fixture(fixture *f, rsdk_test_server *srv, int min_idle) {
    memset(f, 0, sizeof *f);
    set_current(0);
    f->admin = rsdk_test_client(srv, 3, true);
    CMD_DO(f->admin, "ACL", "SETUSER", "app", "reset", "on", ">pw-0", "~*", "&*", "+@all");
    assert_int_equal(rsdk_credentials_callback_new(fetch, NULL, &f->prov), RSDK_OK);
    rs_recorder_init(&f->rec, RSDK_EVENT_MASK(RSDK_EVENT_REAUTH_REQUIRED) |
                                  RSDK_EVENT_MASK(RSDK_EVENT_REAUTH_SUCCEEDED) |
                                  RSDK_EVENT_MASK(RSDK_EVENT_REAUTH_FAILED));
    rsdk_pool_opts o;
    rsdk_client_opts o_client;
    rs_pool_opts(srv, &o, &o_client, false);
    o_client.credentials = f->prov;
    o_client.events = f->rec.bus;
    o.min_idle = min_idle;
    f->p = rs_pool_open(&o);
}

static void close_fixture(fixture *f) {
    rsdk_pool_free(f->p);
    rsdk_credentials_provider_free(f->prov);
    rs_recorder_deinit(&f->rec);
    rsdk_client_close(f->admin);
}

/* Operator-style rotation from pw-(k-1) to pw-k. */
static void rotate(fixture *f, int k, long settle_ms) {
    char add[32], del[32];
    snprintf(add, sizeof add, ">pw-%d", k);
    snprintf(del, sizeof del, "<pw-%d", k - 1);
    CMD_DO(f->admin, "ACL", "SETUSER", "app", add);
    set_current(k);
    rsdk_credentials_provider_notify(f->prov);
    rsdk_test_sleep_ms(settle_ms);
    CMD_DO(f->admin, "ACL", "SETUSER", "app", del);
}

typedef struct worker {
    rs_worker base;
    long ok, failed, wrong;
    char first_error[300];
} worker;

static void *run(void *arg) {
    worker *w = arg;
    char key[32];
    snprintf(key, sizeof key, "cr:%d", w->base.id);
    while (rs_worker_phase(&w->base) != RS_PHASE_STOP) {
        rsdk_reply *r = NULL;
        rsdk_error err;
        rsdk_status s = rsdk_pool_command(w->base.p, &r, &err, "INCR", key, (const char *)NULL);
        if (s) {
            if (!w->failed++) snprintf(w->first_error, sizeof w->first_error, "%s", err.message);
            continue;
        }
        if (r->integer != w->ok + 1) w->wrong++;
        w->ok++;
        rsdk_reply_free(r);
    }
    return NULL;
}

static void test_three_rotations_under_load(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, 0);
    rs_crew crew;
    worker w[4];
    rs_crew_start(&crew, f.p, w, sizeof w[0], 4, run);
    for (int k = 1; k <= 3; k++) {
        rsdk_test_sleep_ms(150);
        rotate(&f, k, 100);
    }
    rsdk_test_sleep_ms(150);
    rs_crew_join(&crew);
    long ok = 0;
    for (int i = 0; i < 4; i++) {
        if (w[i].failed) print_message("thread %d: %s\n", i, w[i].first_error);
        assert_int_equal(w[i].failed, 0);
        assert_int_equal(w[i].wrong, 0);
        assert_true(w[i].ok > 0);
        ok += w[i].ok;
    }
    rsdk_pool_stats st;
    rsdk_pool_stats_get(f.p, &st);
    size_t succeeded = rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_SUCCEEDED);
    print_message("%ld commands, 3 rotations, %zu re-AUTHs (%llu run by the pool)\n", ok,
                  succeeded, (unsigned long long)st.reauths);
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_FAILED), 0);
    assert_true(succeeded >= 3);
    /* Only pw-3 is valid now; fresh connections log in with it. */
    CMD_DO(f.admin, "CLIENT", "KILL", "USER", "app");
    /* The closes reach the pool's sockets, and the connections stay idle
     * past the probe threshold (1 s), so acquire finds them closed. */
    rsdk_test_sleep_ms(1100);
    rsdk_reply *r = NULL;
    rsdk_error err;
    for (int i = 0; i < 8; i++) {
        rsdk_status s = rsdk_pool_command(f.p, &r, &err, "ACL", "WHOAMI", (const char *)NULL);
        assert_int_equal(s, RSDK_OK);
        assert_string_equal(r->str, "app");
        rsdk_reply_free(r);
    }
    close_fixture(&f);
}

static void test_idle_reauth_on_notify(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, 2);
    CMD_DO(f.admin, "ACL", "SETUSER", "app", ">pw-1");
    set_current(1);
    rsdk_credentials_provider_notify(f.prov);
    /* Both idle connections re-AUTHed inside notify, on this thread. */
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_SUCCEEDED), 2);
    CMD_DO(f.admin, "ACL", "SETUSER", "app", "<pw-0");
    rsdk_client *c = NULL;
    assert_int_equal(rsdk_pool_acquire(f.p, &c, NULL), RSDK_OK);
    CMD_DO(c, "PING");
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_REQUIRED), 2); /* no more */
    rsdk_pool_release(f.p, c);
    close_fixture(&f);
}

static void test_in_use_reauth_on_release(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, 0);
    rsdk_client *c = NULL;
    assert_int_equal(rsdk_pool_acquire(f.p, &c, NULL), RSDK_OK);
    CMD_DO(f.admin, "ACL", "SETUSER", "app", ">pw-1");
    set_current(1);
    rsdk_credentials_provider_notify(f.prov);
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_REQUIRED), 0); /* it is out */
    assert_int_equal(rsdk_pool_release(f.p, c), RSDK_OK);
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_SUCCEEDED), 1);
    CMD_DO(f.admin, "ACL", "SETUSER", "app", "<pw-0");
    rsdk_pool_stats st;
    rsdk_pool_stats_get(f.p, &st);
    assert_int_equal(st.reauths, 1);
    assert_int_equal(st.idle, 1);
    close_fixture(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_rotations_under_load),
        cmocka_unit_test(test_idle_reauth_on_notify),
        cmocka_unit_test(test_in_use_reauth_on_release),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
