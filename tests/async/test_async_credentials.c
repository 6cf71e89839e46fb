/* Credentials rotation on the async client: a provider whose secret
 * changes every 300 ms (each new password added to the user's ACL first)
 * while 1,000 commands stay in flight: the client re-AUTHs in-band, in
 * order with the commands, and not one command fails. */
#include <pthread.h>
#include <stdio.h>

#include "atest.h"

typedef struct rotation {
    pthread_mutex_t mu;
    char password[32];
} rotation;

static rsdk_status fetch(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)err;
    rotation *r = ud;
    pthread_mutex_lock(&r->mu);
    rsdk_status s = rsdk_credentials_set(out, rsdk_str_c("rotator"), rsdk_str_c(r->password), 0);
    pthread_mutex_unlock(&r->mu);
    return s;
}

typedef struct counts {
    long reauth_ok, reauth_failed;
} counts;

static void on_event(const rsdk_event *ev, void *ud) {
    counts *c = ud;
    if (ev->type == RSDK_EVENT_REAUTH_SUCCEEDED) c->reauth_ok++;
    if (ev->type == RSDK_EVENT_REAUTH_FAILED) c->reauth_failed++;
}

#define IN_FLIGHT 1000

typedef struct load {
    rsdk_async *a;
    long done, failed;
    bool stop;
    char last_err[300];
} load;

/* Each completion issues the next command: IN_FLIGHT stay in flight. */
static void on_incr(rsdk_async *a, rsdk_reply *r, const rsdk_error *err, void *ud) {
    load *l = ud;
    l->done++;
    if (!r || r->type == RSDK_REPLY_ERROR) {
        l->failed++;
        snprintf(l->last_err, sizeof l->last_err, "%s", err ? err->message : "?");
    }
    if (!l->stop) (void)rsdk_async_command(a, on_incr, l, "INCR", "async:rot", NULL);
}

static void sync_ok(rsdk_client *c, const char *a0, const char *a1, const char *a2, const char *a3) {
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, a0, a1, a2, a3, NULL);
    if (s) fail_msg("%s %s: %s", a0, a1, rsdk_client_error(c)->message);
    rsdk_reply_free(r);
}

static void test_rotation_every_300ms_with_1000_in_flight(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_client *admin = rsdk_test_client(srv, 3, false);
    sync_ok(admin, "ACL", "SETUSER", "rotator", "on");
    sync_ok(admin, "ACL", "SETUSER", "rotator", "~*");
    sync_ok(admin, "ACL", "SETUSER", "rotator", "+@all");
    sync_ok(admin, "ACL", "SETUSER", "rotator", ">pw0");
    rotation rot;
    pthread_mutex_init(&rot.mu, NULL);
    snprintf(rot.password, sizeof rot.password, "pw0");
    rsdk_credentials_provider *prov = NULL;
    assert_int_equal(rsdk_credentials_callback_new(fetch, &rot, &prov), RSDK_OK);
    rsdk_events *bus = NULL;
    assert_int_equal(rsdk_events_new(&bus), RSDK_OK);
    counts c = {0};
    uint64_t sub_id;
    assert_int_equal(rsdk_events_subscribe(bus, 0, on_event, &c, &sub_id), RSDK_OK);

    rsdk_test_loop *l = at_loop();
    rsdk_client_opts co;
    rsdk_async_opts o;
    at_opts(srv, &co, &o, 3, false);
    co.credentials = prov;
    co.events = bus;
    rsdk_async *a = at_open(l, &o);
    load ld = {.a = a};
    for (int i = 0; i < IN_FLIGHT; i++)
        assert_int_equal(rsdk_async_command(a, on_incr, &ld, "INCR", "async:rot", NULL), RSDK_OK);
    for (int k = 1; k <= 8; k++) {
        rsdk_test_loop_run_for(l, 300);
        char pw[32];
        snprintf(pw, sizeof pw, ">pw%d", k);
        sync_ok(admin, "ACL", "SETUSER", "rotator", pw); /* the new one is valid first */
        pthread_mutex_lock(&rot.mu);
        snprintf(rot.password, sizeof rot.password, "pw%d", k);
        pthread_mutex_unlock(&rot.mu);
        rsdk_credentials_provider_notify(prov);
    }
    rsdk_test_loop_run_for(l, 300);
    ld.stop = true;
    rsdk_test_loop_run_for(l, 500);
    if (ld.failed) fail_msg("%ld commands failed: %s", ld.failed, ld.last_err);
    assert_true(ld.done > 8 * IN_FLIGHT);
    assert_int_equal(rsdk_async_pending(a), 0);
    assert_int_equal(c.reauth_failed, 0);
    assert_int_equal(c.reauth_ok, 8);
    /* The connection is logged in with the last password: the others can go. */
    sync_ok(admin, "ACL", "SETUSER", "rotator", "resetpass");
    sync_ok(admin, "ACL", "SETUSER", "rotator", ">pw8");
    at_tally who = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &who, "ACL", "WHOAMI", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &who, 5000));
    assert_string_equal(who.last_str, "rotator");
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
    rsdk_events_free(bus);
    rsdk_credentials_provider_free(prov);
    rsdk_client_close(admin);
    pthread_mutex_destroy(&rot.mu);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rotation_every_300ms_with_1000_in_flight),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
