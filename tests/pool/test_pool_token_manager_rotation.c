/* A real token manager in front of a pool: its fetch callback plays the
 * identity provider, issuing a new short-lived token (a new password of
 * user "app" on the server) each time and retiring the one from two
 * rotations back. Tokens live 600 ms and are refreshed at half-life, so
 * several rotations happen while 4 threads run commands: none fails,
 * every re-AUTH succeeds, and connections opened at the end use the
 * newest token. */
#include <time.h>

#include "resilience/resil.h"

typedef struct idp {
    pthread_mutex_t mu;
    rsdk_client *admin; /* used by whichever thread fetches */
    int issued;
    rsdk_status last;
} idp;

static rsdk_status admin_acl(idp *d, const char *rule) {
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(d->admin, &r, "ACL", "SETUSER", "app", rule, (const char *)NULL);
    rsdk_reply_free(r);
    return s;
}

static rsdk_status fetch_token(rsdk_credentials *out, rsdk_error *err, void *ud) {
    idp *d = ud;
    pthread_mutex_lock(&d->mu);
    int n = ++d->issued;
    char tok[32], rule[40];
    snprintf(tok, sizeof tok, "tok-%d", n);
    snprintf(rule, sizeof rule, ">%s", tok);
    rsdk_status s = admin_acl(d, rule);
    if (s == RSDK_OK && n > 2) {
        snprintf(rule, sizeof rule, "<tok-%d", n - 2);
        s = admin_acl(d, rule);
    }
    d->last = s;
    pthread_mutex_unlock(&d->mu);
    if (s) return rsdk_error_set(err, s, 0, "identity provider could not issue a token");
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t wall_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    return rsdk_credentials_set(out, rsdk_str_c("app"), rsdk_str_c(tok), wall_ms + 600);
}

typedef struct worker {
    rs_worker base;
    long ok, failed;
    char first_error[300];
} worker;

static void *run(void *arg) {
    worker *w = arg;
    char key[32];
    snprintf(key, sizeof key, "tm:%d", w->base.id);
    while (rs_worker_phase(&w->base) != RS_PHASE_STOP) {
        rsdk_reply *r = NULL;
        rsdk_error err;
        if (rsdk_pool_command(w->base.p, &r, &err, "INCR", key, (const char *)NULL)) {
            if (!w->failed++) snprintf(w->first_error, sizeof w->first_error, "%s", err.message);
            continue;
        }
        w->ok++;
        rsdk_reply_free(r);
        rsdk_test_sleep_ms(1); /* leave room for idle connections */
    }
    return NULL;
}

static void test_token_rotation_under_load(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    idp d;
    memset(&d, 0, sizeof d);
    pthread_mutex_init(&d.mu, NULL);
    d.admin = rsdk_test_client(srv, 3, true);
    CMD_DO(d.admin, "ACL", "SETUSER", "app", "reset", "on", "~*", "&*", "+@all");

    rs_recorder rec;
    rs_recorder_init(&rec, 0);
    rsdk_token_opts to;
    rsdk_token_opts_init(&to);
    to.fetch = fetch_token;
    to.fetch_ud = &d;
    to.refresh_ratio = 0.5;
    to.events = rec.bus;
    rsdk_token_manager *tm = NULL;
    assert_int_equal(rsdk_token_manager_new(&to, &tm), RSDK_OK);
    rsdk_error err;
    assert_int_equal(rsdk_token_manager_start(tm, &err), RSDK_OK);

    rsdk_pool_opts o;
    rsdk_client_opts o_client;
    rs_pool_opts(srv, &o, &o_client, true);
    o_client.credentials = rsdk_token_manager_provider(tm);
    o_client.events = rec.bus;
    rsdk_pool *p = rs_pool_open(&o);

    rs_crew crew;
    worker w[4];
    rs_crew_start(&crew, p, w, sizeof w[0], 4, run);
    rsdk_test_sleep_ms(1600);
    rs_crew_join(&crew);

    long ok = 0;
    for (int i = 0; i < 4; i++) {
        if (w[i].failed) print_message("thread %d: %s\n", i, w[i].first_error);
        assert_int_equal(w[i].failed, 0);
        ok += w[i].ok;
    }
    size_t refreshed = rs_recorder_count(&rec, RSDK_EVENT_TOKEN_REFRESHED);
    size_t reauth_ok = rs_recorder_count(&rec, RSDK_EVENT_REAUTH_SUCCEEDED);
    print_message("%ld commands, %zu tokens, %zu re-AUTHs\n", ok, refreshed, reauth_ok);
    assert_int_equal(d.last, RSDK_OK);
    assert_true(refreshed >= 4); /* the first plus at least three rotations */
    assert_true(reauth_ok >= 3);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_REAUTH_FAILED), 0);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_TOKEN_REFRESH_FAILED), 0);

    /* New connections log in with the newest token. */
    pthread_mutex_lock(&d.mu);
    CMD_DO(d.admin, "CLIENT", "KILL", "USER", "app");
    pthread_mutex_unlock(&d.mu);
    rsdk_test_sleep_ms(50);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_pool_command(p, &r, &err, "ACL", "WHOAMI", (const char *)NULL), RSDK_OK);
    assert_string_equal(r->str, "app");
    rsdk_reply_free(r);

    rsdk_pool_free(p);
    rsdk_token_manager_free(tm);
    rs_recorder_deinit(&rec);
    rsdk_client_close(d.admin);
    pthread_mutex_destroy(&d.mu);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_rotation_under_load),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
