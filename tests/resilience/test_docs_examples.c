/* The code examples of docs/pooling.md (included from the page itself,
 * //docs:blocks) and of the client/pool sections of docs/retries.md,
 * docs/events.md and docs/credentials.md (still copies inside scaffolding:
 * the page versions keep their client or pool open, which a leak check
 * refuses; //docs:test_doc_blocks compiles them) run against a real
 * server. */
#include <time.h>

#include "resil.h"

#include "docs/blocks/pooling.c"

/* ---- docs/pooling.md ----------------------------------------------------- */

static void test_pooling_doc(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    assert_int_equal(pooling_example(srv->port), 0);
    rsdk_client *admin = rsdk_test_client(srv, 3, true);
    assert_int_equal(live_get_int(admin, "visits"), 1);
    rsdk_reply *r = CMD_OK(admin, "GET", "k");
    assert_string_equal(r->str, "v");
    rsdk_reply_free(r);
    rsdk_client_close(admin);
}

/* ---- docs/retries.md: retries in the client ----------------------------- */

static int retries_example(int port, rsdk_client **out) {
    rsdk_error err;
    rsdk_retry_policy policy;
    rsdk_retry_policy_init(&policy);          /* connection errors, 3 attempts */
    policy.max_attempts = 4;
    policy.backoff.kind = RSDK_BACKOFF_EXPONENTIAL;
    policy.backoff.base_ms = 50;
    policy.backoff.cap_ms = 1000;

    rsdk_client_opts o;
    rsdk_client_opts_init(&o);
    o.port = port;
    o.command_timeout_ms = 500;
    o.retry = &policy;                        /* copied: may go out of scope */
    rsdk_client *c;
    if (rsdk_client_open(&o, &c, &err) != RSDK_OK) return 1;
    *out = c;
    return 0;
}

static void test_retries_doc(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_client *c = NULL;
    assert_int_equal(retries_example(srv->port, &c), 0);
    /* The policy outlived its variable: a GET on a killed connection is
     * retried on a new one. */
    rsdk_client *admin = rsdk_test_client(srv, 3, true);
    CMD_DO(admin, "SET", "doc:r", "ok");
    CMD_DO(admin, "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
    rsdk_client_close(admin);
    rsdk_test_sleep_ms(20);
    rsdk_reply *r = CMD_OK(c, "GET", "doc:r");
    assert_string_equal(r->str, "ok");
    rsdk_reply_free(r);
    rsdk_client_close(c);
}

/* ---- docs/events.md: who emits what ------------------------------------- */

static int events_example(int port, rsdk_events *bus, rsdk_client **out) {
    rsdk_error err;
    rsdk_client_opts o;
    rsdk_client_opts_init(&o);
    o.port = port;
    o.events = bus;               /* CONNECTED, DISCONNECTED, RECONNECT_ATTEMPT, ... */
    rsdk_client *c;
    if (rsdk_client_open(&o, &c, &err) != RSDK_OK) return 1;
    *out = c;
    return 0;
}

static void test_events_doc(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rs_recorder rec;
    rs_recorder_init(&rec, 0);
    rsdk_client *c = NULL;
    assert_int_equal(events_example(((rsdk_test_server *)*state)->port, rec.bus, &c), 0);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_CONNECTED), 1);
    CMD_DO(c, "PING");
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_COMMAND_COMPLETED), 1);
    rsdk_client_close(c);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_DISCONNECTED), 1);
    rs_recorder_deinit(&rec);
}

/* ---- docs/credentials.md: in clients and pools -------------------------- */

static int issued;

static rsdk_status fetch_token(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)err;
    (void)ud;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    issued++;
    return rsdk_credentials_set(out, rsdk_str_c("tokuser"), rsdk_str_c("token-1"),
                                (int64_t)now.tv_sec * 1000 + 3600 * 1000);
}

static int credentials_example(int port, rsdk_token_manager *tm, rsdk_events *bus) {
    rsdk_error err;
    rsdk_pool_opts po;
    rsdk_client_opts po_client;
    rsdk_pool_opts_init(&po);
    rsdk_client_opts_init(&po_client);
    po.client = &po_client;
    po_client.port = port;
    po_client.credentials = rsdk_token_manager_provider(tm);
    po_client.events = bus;                 /* REAUTH_* events, optional */
    po.max_size = 4;
    rsdk_pool *pool;
    if (rsdk_pool_new(&po, &pool, &err) != RSDK_OK) return 1;
    /* ... threads call rsdk_pool_command(pool, ...) while tokens rotate ... */
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_pool_command(pool, &r, &err, "ACL", "WHOAMI", (const char *)NULL);
    int rc = s == RSDK_OK && strcmp(r->str, "tokuser") == 0 ? 0 : 2;
    rsdk_reply_free(r);
    rsdk_pool_free(pool);                   /* before the manager */
    return rc;
}

static void test_credentials_doc(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_client *admin = rsdk_test_client(srv, 3, true);
    CMD_DO(admin, "ACL", "SETUSER", "tokuser", "reset", "on", ">token-1", "~*", "+@all");
    rsdk_client_close(admin);
    rsdk_token_opts to;
    rsdk_token_opts_init(&to);
    to.fetch = fetch_token;
    rsdk_token_manager *tm = NULL;
    assert_int_equal(rsdk_token_manager_new(&to, &tm), RSDK_OK);
    assert_int_equal(rsdk_token_manager_start(tm, NULL), RSDK_OK);
    rs_recorder rec;
    rs_recorder_init(&rec, 0);
    assert_int_equal(credentials_example(srv->port, tm, rec.bus), 0);
    assert_int_equal(issued, 1);
    rsdk_token_manager_free(tm);
    rs_recorder_deinit(&rec);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pooling_doc),
        cmocka_unit_test(test_retries_doc),
        cmocka_unit_test(test_events_doc),
        cmocka_unit_test(test_credentials_doc),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
