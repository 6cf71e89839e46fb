/* Running out of memory at any single allocation while a subscriber
 * re-authenticates (RESP3 in-band AUTH, RESP2 handover to a new
 * connection) never crashes, leaks or loses the subscriber: the re-AUTH
 * ends in REAUTH_SUCCEEDED or REAUTH_FAILED (or the connection is re-opened,
 * with the new secret), and once memory is back a published message is
 * delivered exactly once. ASan checks the leaks. */
#include <pthread.h>

#include "support/fail_alloc.h"
#include "support/tp.h"

static rsdk_status fetch(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)err;
    return rsdk_credentials_set(out, rsdk_str_c("paf"), rsdk_str_c(*(const char **)ud), 0);
}

typedef struct tally {
    pthread_mutex_t mu;
    int ended; /* REAUTH_SUCCEEDED or _FAILED */
    int lost;  /* DISCONNECTED */
} tally;

static void on_event(const rsdk_event *ev, void *ud) {
    tally *t = ud;
    pthread_mutex_lock(&t->mu);
    if (ev->type == RSDK_EVENT_REAUTH_SUCCEEDED || ev->type == RSDK_EVENT_REAUTH_FAILED) t->ended++;
    if (ev->type == RSDK_EVENT_DISCONNECTED) t->lost++;
    pthread_mutex_unlock(&t->mu);
}

static bool acceptable(rsdk_status s) {
    return s == RSDK_OK || s == RSDK_ERR_TIMEOUT || s == RSDK_ERR_NOMEM ||
           rsdk_err_class(s) == RSDK_CLASS_CONNECTION || s == RSDK_ERR_PROTOCOL;
}

/* Publishes until the subscriber receives one message (it may have to
 * reconnect first), then expects nothing more. */
static void delivers(rsdk_pubsub *ps, rsdk_client *admin, long n) {
    for (int i = 0; i < 100; i++) {
        rsdk_pubsub_msg m;
        rsdk_status s = rsdk_pubsub_next(ps, &m, 20);
        if (s == RSDK_OK) fail_msg("round %ld: a message before any was published", n);
        if (tp_publish(admin, false, "paf:c", "x") >= 1) {
            tp_expect_msg(ps, 3000, RSDK_PUBSUB_MESSAGE, "paf:c", "x", NULL);
            tp_expect_none(ps, 0);
            return;
        }
    }
    fail_msg("round %ld: never delivered", n);
}

/* One round: a fresh subscriber logged in with pw-A; the rotation to pw-B
 * runs with the n-th allocation of next() refused. True when that
 * allocation was reached. */
static bool round_with_failure(rsdk_test_server *srv, rsdk_client *admin, int protocol, long n) {
    static const char *pw;
    pw = "pw-A";
    CMD_DO(admin, "ACL", "SETUSER", "paf", "reset", "on", ">pw-A", "~*", "&*", "+@all");
    rsdk_credentials_provider *prov = NULL;
    assert_int_equal(rsdk_credentials_callback_new(fetch, &pw, &prov), RSDK_OK);
    rsdk_events *ev = NULL;
    assert_int_equal(rsdk_events_new(&ev), RSDK_OK);
    tally t = {.mu = PTHREAD_MUTEX_INITIALIZER};
    assert_int_equal(rsdk_events_subscribe(ev, 0, on_event, &t, NULL), RSDK_OK);
    rsdk_pubsub_opts o;
    rsdk_client_opts o_client;
    tp_pubsub_opts(srv, &o, &o_client, protocol, true);
    o_client.credentials = prov;
    o.events = ev;
    o.reconnect_backoff.base_ms = 1;
    o.reconnect_backoff.cap_ms = 5;
    rsdk_pubsub *ps = tp_pubsub_open(&o);
    tp_sub(ps, 'c', "paf:c");

    CMD_DO(admin, "ACL", "SETUSER", "paf", ">pw-B");
    pw = "pw-B";
    rsdk_credentials_provider_notify(prov);
    rsdk_test_alloc_fail_nth((size_t)n + 1);
    rsdk_pubsub_msg m;
    rsdk_status s = rsdk_pubsub_next(ps, &m, 0);
    rsdk_test_alloc_fail_nth(0);
    bool reached = rsdk_test_alloc_refused() > 0;
    if (s == RSDK_OK) fail_msg("round %ld: a message out of nowhere", n);
    if (!acceptable(s)) fail_msg("round %ld: next gave %s", n, rsdk_status_name(s));
    pthread_mutex_lock(&t.mu);
    bool settled = t.ended > 0 || t.lost > 0;
    pthread_mutex_unlock(&t.mu);
    if (!settled) fail_msg("round %ld: the re-AUTH neither ended nor broke the connection", n);

    delivers(ps, admin, n);
    rsdk_pubsub_free(ps);
    rsdk_events_free(ev);
    rsdk_credentials_provider_free(prov);
    return reached;
}

static void run(rsdk_test_server *srv, int protocol) {
    rsdk_client *admin = rsdk_test_client(srv, 3, true);
    rsdk_test_alloc_install();
    long n = 0;
    for (; n < 2000; n++)
        if (!round_with_failure(srv, admin, protocol, n)) break; /* needs fewer */
    rsdk_test_alloc_remove();
    print_message("RESP%d re-AUTH: failed each of the first %ld allocations in turn\n", protocol,
                  n);
    assert_true(n > 2);
    assert_true(n < 2000);
    CMD_DO(admin, "ACL", "DELUSER", "paf");
    rsdk_client_close(admin);
}

RSDK_TEST_SERVER_CASE(test_resp3_reauth_every_allocation, run, 3)
RSDK_TEST_SERVER_CASE(test_resp2_handover_every_allocation, run, 2)

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resp3_reauth_every_allocation),
        cmocka_unit_test(test_resp2_handover_every_allocation),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup,
                                  rsdk_test_server_group_teardown);
}
