/* A client given a credentials provider logs in with what the provider
 * holds at every connect, and re-AUTHs before its next command when the
 * provider's generation moves (REAUTH_REQUIRED, then _SUCCEEDED). A refused
 * or unavailable new secret never fails the caller's command: the
 * connection stays on its old login and REAUTH_FAILED says why (without
 * the secret). No AUTH is slipped into an open MULTI. */
#include "resil.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char current[64] = "pw-0";
static rsdk_status fail_with = RSDK_OK;

static rsdk_status fetch(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)ud;
    pthread_mutex_lock(&mu);
    rsdk_status s = fail_with;
    if (s == RSDK_OK)
        s = rsdk_credentials_set(out, rsdk_str_c("app"), rsdk_str_c(current), 0);
    else
        rsdk_error_set(err, s, 0, "vault unreachable");
    pthread_mutex_unlock(&mu);
    return s;
}

static rsdk_status fetch_nul(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)err;
    (void)ud;
    return rsdk_credentials_set(out, rsdk_str_c("app"), rsdk_str_n("pw\0x", 4), 0);
}

static void set_current(const char *pw, rsdk_status fail) {
    pthread_mutex_lock(&mu);
    snprintf(current, sizeof current, "%s", pw);
    fail_with = fail;
    pthread_mutex_unlock(&mu);
}

typedef struct fixture {
    rsdk_client *admin, *c;
    rsdk_credentials_provider *prov;
    rs_recorder rec;
} fixture;

static void open_fixture(fixture *f, rsdk_test_server *srv, int proto) {
    memset(f, 0, sizeof *f);
    set_current("pw-0", RSDK_OK);
    f->admin = rsdk_test_client(srv, 3, true);
    CMD_DO(f->admin, "ACL", "SETUSER", "app", "reset", "on", ">pw-0", "~*", "&*", "+@all");
    assert_int_equal(rsdk_credentials_callback_new(fetch, NULL, &f->prov), RSDK_OK);
    rs_recorder_init(&f->rec, RSDK_EVENT_MASK(RSDK_EVENT_REAUTH_REQUIRED) |
                                  RSDK_EVENT_MASK(RSDK_EVENT_REAUTH_SUCCEEDED) |
                                  RSDK_EVENT_MASK(RSDK_EVENT_REAUTH_FAILED) |
                                  RSDK_EVENT_MASK(RSDK_EVENT_COMMAND_COMPLETED));
    rsdk_client_opts o;
    rsdk_test_server_client_opts(srv, &o, true);
    o.protocol = proto;
    o.credentials = f->prov;
    o.events = f->rec.bus;
    o.password = "ignored-when-a-provider-is-set";
    rsdk_error err;
    if (rsdk_client_open(&o, &f->c, &err)) fail_msg("open: %s", err.message);
}

static void close_fixture(fixture *f) {
    rsdk_client_close(f->c);
    rsdk_credentials_provider_free(f->prov);
    rs_recorder_deinit(&f->rec);
    rsdk_client_close(f->admin);
}

static void whoami_is_app(rsdk_client *c) {
    rsdk_reply *r = CMD_OK(c, "ACL", "WHOAMI");
    assert_string_equal(r->str, "app");
    rsdk_reply_free(r);
}

/* The index of the first event of `t` in the whole record, or -1. */
static long first_index(rs_recorder *r, rsdk_event_type t) {
    pthread_mutex_lock(&r->mu);
    long at = -1;
    for (size_t i = 0; i < r->n; i++)
        if (r->ev[i].ev.type == t) {
            at = (long)i;
            break;
        }
    pthread_mutex_unlock(&r->mu);
    return at;
}

static void rotate_and_reauth(int proto, void **state) {
    fixture f;
    open_fixture(&f, *state, proto);
    whoami_is_app(f.c);
    /* Rotate: the server accepts both, the provider moves, the old goes. */
    CMD_DO(f.admin, "ACL", "SETUSER", "app", ">pw-1");
    set_current("pw-1", RSDK_OK);
    assert_int_equal(rsdk_credentials_provider_notify(f.prov), 2);
    rs_recorder_clear(&f.rec);
    CMD_DO(f.c, "SET", "ra:k", "v"); /* re-AUTH runs first */
    CMD_DO(f.admin, "ACL", "SETUSER", "app", "<pw-0");
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_REQUIRED), 1);
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_SUCCEEDED), 1);
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_FAILED), 0);
    rs_event e;
    assert_true(rs_recorder_nth(&f.rec, RSDK_EVENT_REAUTH_SUCCEEDED, 0, &e));
    assert_int_equal(e.ev.reauth.generation, 2);
    assert_true(first_index(&f.rec, RSDK_EVENT_REAUTH_SUCCEEDED) <
                first_index(&f.rec, RSDK_EVENT_COMMAND_COMPLETED));
    /* Once is enough: the next command does not re-AUTH again. */
    CMD_DO(f.c, "GET", "ra:k");
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_REQUIRED), 1);
    whoami_is_app(f.c);
    /* A new connection logs in with the new secret (the old is gone). */
    rsdk_reply *r = CMD_OK(f.c, "CLIENT", "ID");
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)r->integer);
    rsdk_reply_free(r);
    CMD_DO(f.admin, "CLIENT", "KILL", "ID", id);
    rsdk_reply *x = NULL;
    (void)rsdk_client_command(f.c, &x, "PING", (const char *)NULL); /* meets the kill */
    rsdk_reply_free(x);
    whoami_is_app(f.c); /* reconnected with pw-1 */
    close_fixture(&f);
}

static void test_rotate_resp3(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rotate_and_reauth(3, state);
}

static void test_rotate_resp2(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rotate_and_reauth(2, state);
}

static void test_refused_and_unavailable(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, 3);
    /* The provider hands out a secret the server does not know. */
    set_current("bad-secret", RSDK_OK);
    rsdk_credentials_provider_notify(f.prov);
    CMD_DO(f.c, "SET", "ra:k2", "v"); /* still succeeds, on the old login */
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_FAILED), 1);
    rs_event e;
    assert_true(rs_recorder_nth(&f.rec, RSDK_EVENT_REAUTH_FAILED, 0, &e));
    assert_int_equal(e.ev.reauth.status, RSDK_ERR_AUTH);
    assert_null(strstr(e.text, "bad-secret"));
    /* Not retried for the same generation... */
    CMD_DO(f.c, "GET", "ra:k2");
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_REQUIRED), 1);
    /* ...the provider failing outright is the same story... */
    set_current("pw-0", RSDK_ERR_CREDENTIALS);
    rsdk_credentials_provider_notify(f.prov);
    CMD_DO(f.c, "GET", "ra:k2");
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_FAILED), 2);
    assert_true(rs_recorder_nth(&f.rec, RSDK_EVENT_REAUTH_FAILED, 1, &e));
    assert_int_equal(e.ev.reauth.status, RSDK_ERR_CREDENTIALS);
    /* ...and a good secret with the next generation heals it. */
    set_current("pw-0", RSDK_OK);
    rsdk_credentials_provider_notify(f.prov);
    CMD_DO(f.c, "GET", "ra:k2");
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_SUCCEEDED), 1);
    whoami_is_app(f.c);
    close_fixture(&f);
}

static void test_no_auth_inside_multi(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, 3);
    CMD_DO(f.c, "MULTI");
    CMD_DO(f.admin, "ACL", "SETUSER", "app", ">pw-1");
    set_current("pw-1", RSDK_OK);
    rsdk_credentials_provider_notify(f.prov);
    CMD_DO(f.c, "INCR", "ra:m");
    rsdk_reply *r = CMD_OK(f.c, "EXEC");
    assert_int_equal(r->type, RSDK_REPLY_ARRAY);
    assert_int_equal(r->elements, 1); /* just the INCR: no AUTH was queued */
    rsdk_reply_free(r);
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_REQUIRED), 0);
    CMD_DO(f.c, "PING"); /* out of MULTI: now it happens */
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_REAUTH_SUCCEEDED), 1);
    close_fixture(&f);
}

static void test_open_with_failing_provider(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_credentials_provider *prov = NULL;
    assert_int_equal(rsdk_credentials_callback_new(fetch, NULL, &prov), RSDK_OK);
    set_current("pw-0", RSDK_ERR_CREDENTIALS);
    rsdk_client_opts o;
    rsdk_test_server_client_opts(*state, &o, true);
    o.credentials = prov;
    rsdk_client *c = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_client_open(&o, &c, &err), RSDK_ERR_CREDENTIALS);
    assert_null(c);
    assert_string_equal(err.message, "vault unreachable");
    rsdk_credentials_provider_free(prov);
    /* A secret with a NUL byte cannot go into the handshake: refused
     * before anything is sent, and the message does not quote it. */
    assert_int_equal(rsdk_credentials_callback_new(fetch_nul, NULL, &prov), RSDK_OK);
    o.credentials = prov;
    assert_int_equal(rsdk_client_open(&o, &c, &err), RSDK_ERR_CREDENTIALS);
    assert_null(c);
    assert_null(strstr(err.message, "pw"));
    rsdk_credentials_provider_free(prov);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rotate_resp3),
        cmocka_unit_test(test_rotate_resp2),
        cmocka_unit_test(test_refused_and_unavailable),
        cmocka_unit_test(test_no_auth_inside_multi),
        cmocka_unit_test(test_open_with_failing_provider),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
