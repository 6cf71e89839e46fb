/* A subscriber given a credentials provider follows a rotation without
 * losing or repeating a message. RESP3 re-AUTHs in-band on the subscribed
 * connection (one AUTH on the server, same CLIENT ID); RESP2, where AUTH is
 * refused in subscribed mode, hands over to a new connection logged in with
 * the new secret (new CLIENT ID, the old connection gone, every kind of
 * subscription still delivering). A provider change wakes a waiting
 * rsdk_pubsub_next at once. After the old secret is removed and the
 * connection killed, the reconnect logs in with the new one. A refused new
 * secret is a REAUTH_FAILED event without the secret, and delivery goes on
 * on the old login. When the ACL refuses the handover's marker channel the
 * RESP2 handover still happens (lossy). */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "support/tp.h"

/* ---- the provider: a password the test rotates -------------------------- */

static pthread_mutex_t pw_mu = PTHREAD_MUTEX_INITIALIZER;
static char pw_current[32] = "pw-A";

static rsdk_status fetch(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)err;
    pthread_mutex_lock(&pw_mu);
    rsdk_status s =
        rsdk_credentials_set(out, rsdk_str_c((const char *)ud), rsdk_str_c(pw_current), 0);
    pthread_mutex_unlock(&pw_mu);
    return s;
}

static void set_password(const char *pw) {
    pthread_mutex_lock(&pw_mu);
    snprintf(pw_current, sizeof pw_current, "%s", pw);
    pthread_mutex_unlock(&pw_mu);
}

/* ---- what the subscriber reports ------------------------------------------ */

typedef struct seen {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int required, succeeded, failed, disconnected, connected;
    rsdk_status failed_status;
    uint64_t succeeded_gen;
    bool foreign_source;  /* an event whose source is not the subscriber */
    bool secret_in_text;  /* a message that holds a password */
    const void *ps;
} seen;

static void on_event(const rsdk_event *ev, void *ud) {
    seen *s = ud;
    pthread_mutex_lock(&s->mu);
    if (s->ps && ev->source != s->ps) s->foreign_source = true;
    const char *text = NULL;
    switch (ev->type) {
    case RSDK_EVENT_REAUTH_REQUIRED: s->required++; break;
    case RSDK_EVENT_REAUTH_SUCCEEDED:
        s->succeeded++;
        s->succeeded_gen = ev->reauth.generation;
        break;
    case RSDK_EVENT_REAUTH_FAILED:
        s->failed++;
        s->failed_status = ev->reauth.status;
        text = ev->reauth.message;
        break;
    case RSDK_EVENT_DISCONNECTED:
        s->disconnected++;
        text = ev->disconnected.message;
        break;
    case RSDK_EVENT_CONNECTED: s->connected++; break;
    default: break;
    }
    if (text && (strstr(text, "pw-") || strstr(text, "nope"))) s->secret_in_text = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

static int count(seen *s, const int *field) {
    pthread_mutex_lock(&s->mu);
    int n = *field;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* ---- fixture ---------------------------------------------------------------- */

typedef struct fixture {
    rsdk_test_server *srv;
    rsdk_client *admin;
    rsdk_credentials_provider *prov;
    rsdk_events *ev;
    seen s;
    rsdk_pubsub *ps;
    const char *user;
} fixture;

/* ACL user `user` with password pw-A (and the given channel rule), a
 * callback provider, a subscriber of `protocol` logged in through it. */
static void open_fixture(fixture *f, rsdk_test_server *srv, int protocol, const char *user,
                         const char *channels) {
    memset(f, 0, sizeof *f);
    f->srv = srv;
    f->user = user;
    set_password("pw-A");
    f->admin = rsdk_test_client(srv, 3, true);
    CMD_DO(f->admin, "ACL", "SETUSER", user, "reset", "on", ">pw-A", "~*", channels, "+@all");
    assert_int_equal(rsdk_credentials_callback_new(fetch, (void *)user, &f->prov), RSDK_OK);
    assert_int_equal(rsdk_events_new(&f->ev), RSDK_OK);
    pthread_mutex_init(&f->s.mu, NULL);
    pthread_cond_init(&f->s.cv, NULL);
    assert_int_equal(rsdk_events_subscribe(f->ev, 0, on_event, &f->s, NULL), RSDK_OK);
    rsdk_pubsub_opts o;
    rsdk_client_opts o_client;
    tp_pubsub_opts(srv, &o, &o_client, protocol, true);
    o_client.credentials = f->prov;
    o.events = f->ev;
    o.reconnect_backoff.base_ms = 20;
    o.reconnect_backoff.cap_ms = 200;
    f->ps = tp_pubsub_open(&o);
    pthread_mutex_lock(&f->s.mu);
    f->s.ps = f->ps;
    f->s.connected = 0;
    pthread_mutex_unlock(&f->s.mu);
    assert_int_equal(rsdk_pubsub_protocol(f->ps), protocol);
}

static void close_fixture(fixture *f) {
    rsdk_pubsub_free(f->ps);
    rsdk_events_free(f->ev);
    rsdk_credentials_provider_free(f->prov);
    CMD_DO(f->admin, "ACL", "DELUSER", f->user);
    rsdk_client_close(f->admin);
    pthread_cond_destroy(&f->s.cv);
    pthread_mutex_destroy(&f->s.mu);
    assert_false(f->s.foreign_source);
    assert_false(f->s.secret_in_text);
}

/* The operator's rotation: the server learns `pw`, then the provider. */
static void rotate(fixture *f, const char *pw) {
    char rule[40];
    snprintf(rule, sizeof rule, ">%s", pw);
    CMD_DO(f->admin, "ACL", "SETUSER", f->user, rule);
    set_password(pw);
    rsdk_credentials_provider_notify(f->prov);
}

/* calls=N of cmdstat_auth in INFO commandstats. */
static long long server_auths(rsdk_client *c) {
    rsdk_reply *r = CMD_OK(c, "INFO", "commandstats");
    const char *p = strstr(r->str, "cmdstat_auth:calls=");
    long long n = p ? strtoll(p + strlen("cmdstat_auth:calls="), NULL, 10) : 0;
    rsdk_reply_free(r);
    return n;
}

/* True when a connection with this id is still open on the server. */
static bool client_exists(rsdk_client *admin, int64_t id) {
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    rsdk_reply *r = CMD_OK(admin, "CLIENT", "LIST", "ID", ids);
    bool there = r->len > 0;
    rsdk_reply_free(r);
    return there;
}

/* ---- a publisher that never pauses --------------------------------------- */

typedef struct publisher {
    rsdk_test_server *srv;
    const char *channel;
    pthread_t th;
    pthread_mutex_t mu;
    bool stop;
    int published; /* "0" .. published-1 went out */
} publisher;

/* Publishes "0", "1", ... back to back on its own connection until told
 * to stop, so every step of a rotation happens while messages flow. */
static void *publish_stream(void *ud) {
    publisher *p = ud;
    rsdk_client_opts o;
    rsdk_test_server_client_opts(p->srv, &o, true);
    rsdk_client *c = NULL;
    if (rsdk_client_open(&o, &c, NULL) != RSDK_OK) return NULL;
    for (int i = 0;; i++) {
        pthread_mutex_lock(&p->mu);
        bool stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop) break;
        char v[16];
        snprintf(v, sizeof v, "%d", i);
        rsdk_reply *r = NULL;
        if (rsdk_client_command(c, &r, "PUBLISH", p->channel, v, (const char *)NULL) != RSDK_OK)
            break;
        rsdk_reply_free(r);
        pthread_mutex_lock(&p->mu);
        p->published = i + 1;
        pthread_mutex_unlock(&p->mu);
    }
    rsdk_client_close(c);
    return NULL;
}

/* Expects message "want" on `channel` next. */
static void expect_seq(rsdk_pubsub *ps, const char *channel, int want) {
    rsdk_pubsub_msg m;
    rsdk_status s = rsdk_pubsub_next(ps, &m, 5000);
    if (s != RSDK_OK) fail_msg("message %d missing: %s", want, rsdk_status_name(s));
    char exp[16];
    snprintf(exp, sizeof exp, "%d", want);
    if (m.channel.len != strlen(channel) || memcmp(m.channel.ptr, channel, m.channel.len) ||
        m.payload.len != strlen(exp) || memcmp(m.payload.ptr, exp, m.payload.len))
        fail_msg("expected %s on %s, got %.*s on %.*s", exp, channel, (int)m.payload.len,
                 m.payload.ptr, (int)m.channel.len, m.channel.ptr);
    rsdk_pubsub_msg_deinit(&m);
}

/* Receives a stream in order, exactly once, while rotating to `pw` after
 * the first 100 messages: messages come before, during and after the
 * rotation. Ends 200 messages after it, then takes the rest. */
static void receive_stream_rotating(fixture *f, const char *channel, const char *pw) {
    publisher p = {.srv = f->srv, .channel = channel};
    pthread_mutex_init(&p.mu, NULL);
    assert_int_equal(pthread_create(&p.th, NULL, publish_stream, &p), 0);
    int want = 0, end = -1;
    for (; end < 0 || want < end; want++) {
        if (want == 100) rotate(f, pw);
        expect_seq(f->ps, channel, want);
        if (end < 0 && count(&f->s, &f->s.succeeded) > 0 && want > 300) {
            pthread_mutex_lock(&p.mu);
            p.stop = true;
            pthread_mutex_unlock(&p.mu);
            pthread_join(p.th, NULL);
            end = p.published;
        }
        if (want > 200000) fail_msg("the rotation never completed");
    }
    pthread_mutex_destroy(&p.mu);
    assert_true(want > 300);
    tp_expect_none(f->ps, 100); /* nothing twice */
}

/* Kills the subscriber's connection (after the old secret was removed) and
 * waits until publishing reaches it again: the reconnect used the new one. */
static void kill_and_recover(fixture *f, const char *channel) {
    int64_t id = rsdk_pubsub_id(f->ps);
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    CMD_INT(f->admin, 1, "CLIENT", "KILL", "ID", ids);
    for (int i = 0; i < 100; i++) {
        rsdk_pubsub_msg m;
        rsdk_status s = rsdk_pubsub_next(f->ps, &m, 100);
        if (s == RSDK_OK) fail_msg("unexpected message before the reconnect");
        if (tp_publish(f->admin, false, channel, "again") >= 1) {
            tp_expect_msg(f->ps, 3000, RSDK_PUBSUB_MESSAGE, channel, "again", NULL);
            assert_true(rsdk_pubsub_id(f->ps) > id);
            assert_true(count(&f->s, &f->s.disconnected) >= 1);
            assert_true(count(&f->s, &f->s.connected) >= 1);
            return;
        }
    }
    fail_msg("%s never delivered after the reconnect", channel);
}

/* ---- RESP3: in-band ------------------------------------------------------------ */

static void test_resp3_reauth_in_band(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, 3, "ps3", "&*");
    tp_sub(f.ps, 'c', "r3:c");
    tp_publish(f.admin, false, "r3:c", "before");
    tp_expect_msg(f.ps, 2000, RSDK_PUBSUB_MESSAGE, "r3:c", "before", NULL);
    int64_t id = rsdk_pubsub_id(f.ps);
    long long auths = server_auths(f.admin);

    receive_stream_rotating(&f, "r3:c", "pw-B");

    assert_int_equal(count(&f.s, &f.s.required), 1);
    assert_int_equal(count(&f.s, &f.s.succeeded), 1);
    assert_int_equal(count(&f.s, &f.s.failed), 0);
    assert_int_equal(f.s.succeeded_gen, 2);
    assert_int_equal(server_auths(f.admin), auths + 1); /* one AUTH, in-band */
    assert_int_equal(rsdk_pubsub_id(f.ps), id);          /* same connection */
    assert_int_equal(count(&f.s, &f.s.disconnected), 0);
    /* The connection still runs commands, as the rotated user. */
    rsdk_reply *r = CMD_OK(rsdk_pubsub_client(f.ps), "ACL", "WHOAMI");
    live_assert_str(r, "ps3");
    rsdk_reply_free(r);

    CMD_DO(f.admin, "ACL", "SETUSER", "ps3", "<pw-A");
    kill_and_recover(&f, "r3:c");
    close_fixture(&f);
}

/* ---- RESP2: handover ----------------------------------------------------------- */

static void test_resp2_reauth_by_handover(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, 2, "ps2", "&*");
    tp_sub(f.ps, 'c', "r2:c");
    tp_sub(f.ps, 'p', "r2:p:*");
    tp_sub(f.ps, 's', "r2:s");
    tp_sub(f.ps, 'p', "__rsdk__*"); /* the handover's marker never shows */
    tp_publish(f.admin, false, "r2:c", "before");
    tp_expect_msg(f.ps, 2000, RSDK_PUBSUB_MESSAGE, "r2:c", "before", NULL);
    int64_t id = rsdk_pubsub_id(f.ps);

    receive_stream_rotating(&f, "r2:c", "pw-B");

    assert_int_equal(count(&f.s, &f.s.required), 1);
    assert_int_equal(count(&f.s, &f.s.succeeded), 1);
    assert_int_equal(count(&f.s, &f.s.failed), 0);
    assert_int_equal(f.s.succeeded_gen, 2);
    assert_int_equal(count(&f.s, &f.s.disconnected), 0); /* delivery never paused */
    int64_t nid = rsdk_pubsub_id(f.ps);
    assert_true(nid > id);
    assert_false(client_exists(f.admin, id)); /* the old login is gone */
    assert_true(client_exists(f.admin, nid));
    /* Every kind of subscription moved over, and only once. */
    assert_int_equal(tp_publish(f.admin, false, "r2:p:1", "p"), 1);
    tp_expect_msg(f.ps, 2000, RSDK_PUBSUB_PMESSAGE, "r2:p:1", "p", "r2:p:*");
    assert_int_equal(tp_publish(f.admin, true, "r2:s", "s"), 1);
    tp_expect_msg(f.ps, 2000, RSDK_PUBSUB_SMESSAGE, "r2:s", "s", NULL);
    tp_expect_none(f.ps, 100);

    /* A second rotation works the same way from the new connection. */
    rotate(&f, "pw-C");
    tp_publish(f.admin, false, "r2:c", "third");
    tp_expect_msg(f.ps, 2000, RSDK_PUBSUB_MESSAGE, "r2:c", "third", NULL);
    tp_expect_none(f.ps, 100);
    assert_int_equal(count(&f.s, &f.s.succeeded), 2);
    assert_false(client_exists(f.admin, nid));

    CMD_DO(f.admin, "ACL", "SETUSER", "ps2", "<pw-A", "<pw-B");
    kill_and_recover(&f, "r2:c");
    close_fixture(&f);
}

/* The user may only use channels r2l:*: the marker is refused, so the
 * handover is the lossy kind, yet it happens and delivery goes on. */
static void test_resp2_handover_without_marker(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    open_fixture(&f, *state, 2, "ps2l", "&r2l:*");
    tp_sub(f.ps, 'c', "r2l:c");
    int64_t id = rsdk_pubsub_id(f.ps);
    rotate(&f, "pw-B");
    tp_expect_none(f.ps, 50); /* next() runs the handover */
    assert_int_equal(count(&f.s, &f.s.succeeded), 1);
    assert_true(rsdk_pubsub_id(f.ps) > id);
    assert_false(client_exists(f.admin, id));
    assert_int_equal(tp_publish(f.admin, false, "r2l:c", "after"), 1);
    tp_expect_msg(f.ps, 2000, RSDK_PUBSUB_MESSAGE, "r2l:c", "after", NULL);
    tp_expect_none(f.ps, 100);
    close_fixture(&f);
}

/* ---- a change wakes a waiting next() ------------------------------------------- */

typedef struct waker {
    fixture *f;
    const char *channel;
    bool reauthed;
} waker;

/* On another thread: rotate while the subscriber waits, wait for it to
 * re-AUTH (which it can only do if the change woke it), then publish. */
static void *rotate_later(void *ud) {
    waker *w = ud;
    rsdk_test_sleep_ms(150);
    rsdk_client *admin = rsdk_test_client(w->f->srv, 3, true);
    CMD_DO(admin, "ACL", "SETUSER", w->f->user, ">pw-B");
    set_password("pw-B");
    rsdk_credentials_provider_notify(w->f->prov);
    seen *s = &w->f->s;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 3;
    pthread_mutex_lock(&s->mu);
    while (s->succeeded == 0 && pthread_cond_timedwait(&s->cv, &s->mu, &until) == 0) {
    }
    w->reauthed = s->succeeded > 0;
    pthread_mutex_unlock(&s->mu);
    rsdk_reply *r = NULL;
    if (rsdk_client_command(admin, &r, "PUBLISH", w->channel, "woken", (const char *)NULL) ==
        RSDK_OK)
        rsdk_reply_free(r);
    rsdk_client_close(admin);
    return NULL;
}

static void run_wake(rsdk_test_server *srv, int protocol) {
    fixture f;
    open_fixture(&f, srv, protocol, protocol == 3 ? "wk3" : "wk2", "&*");
    const char *ch = protocol == 3 ? "wake3" : "wake2";
    tp_sub(f.ps, 'c', ch);
    waker w = {&f, ch, false};
    pthread_t th;
    long long t0 = rsdk_test_now_ms();
    assert_int_equal(pthread_create(&th, NULL, rotate_later, &w), 0);
    tp_expect_msg(f.ps, 10000, RSDK_PUBSUB_MESSAGE, ch, "woken", NULL);
    long long took = rsdk_test_now_ms() - t0;
    pthread_join(th, NULL);
    assert_true(w.reauthed);
    assert_true(took < 2500);
    assert_int_equal(count(&f.s, &f.s.succeeded), 1);
    close_fixture(&f);
}

RSDK_TEST_SERVER_CASE(test_change_wakes_next_resp3, run_wake, 3)
RSDK_TEST_SERVER_CASE(test_change_wakes_next_resp2, run_wake, 2)

/* ---- a refused secret ------------------------------------------------------------ */

static void run_refused(rsdk_test_server *srv, int protocol) {
    fixture f;
    open_fixture(&f, srv, protocol, protocol == 3 ? "pf3" : "pf2", "&*");
    const char *ch = "refused";
    tp_sub(f.ps, 'c', ch);
    int64_t id = rsdk_pubsub_id(f.ps);
    set_password("nope"); /* the server never learns it */
    rsdk_credentials_provider_notify(f.prov);
    tp_publish(f.admin, false, ch, "still");
    tp_expect_msg(f.ps, 2000, RSDK_PUBSUB_MESSAGE, ch, "still", NULL);
    assert_int_equal(count(&f.s, &f.s.required), 1);
    assert_int_equal(count(&f.s, &f.s.failed), 1);
    assert_int_equal(count(&f.s, &f.s.succeeded), 0);
    assert_int_equal(f.s.failed_status, RSDK_ERR_AUTH);
    assert_int_equal(rsdk_pubsub_id(f.ps), id); /* the old login carries on */
    assert_true(client_exists(f.admin, id));
    /* Not tried again for the same generation. */
    tp_publish(f.admin, false, ch, "again");
    tp_expect_msg(f.ps, 2000, RSDK_PUBSUB_MESSAGE, ch, "again", NULL);
    tp_expect_none(f.ps, 50);
    assert_int_equal(count(&f.s, &f.s.required), 1);
    assert_int_equal(count(&f.s, &f.s.failed), 1);
    /* The next generation with a good secret heals it. */
    rotate(&f, "pw-B");
    tp_publish(f.admin, false, ch, "healed");
    tp_expect_msg(f.ps, 2000, RSDK_PUBSUB_MESSAGE, ch, "healed", NULL);
    tp_expect_none(f.ps, 50);
    assert_int_equal(count(&f.s, &f.s.succeeded), 1);
    assert_int_equal(f.s.succeeded_gen, 3);
    close_fixture(&f);
}

RSDK_TEST_SERVER_CASE(test_refused_secret_resp3, run_refused, 3)
RSDK_TEST_SERVER_CASE(test_refused_secret_resp2, run_refused, 2)

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resp3_reauth_in_band),
        cmocka_unit_test(test_resp2_reauth_by_handover),
        cmocka_unit_test(test_resp2_handover_without_marker),
        cmocka_unit_test(test_change_wakes_next_resp3),
        cmocka_unit_test(test_change_wakes_next_resp2),
        cmocka_unit_test(test_refused_secret_resp3),
        cmocka_unit_test(test_refused_secret_resp2),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup,
                                  rsdk_test_server_group_teardown);
}
