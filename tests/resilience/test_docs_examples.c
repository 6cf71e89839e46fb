/* The code examples of docs/pooling.md, docs/retries.md, docs/events.md and
 * docs/credentials.md, run against a real server. The blocks come from the
 * pages themselves (tools/docblocks.py, //docs:blocks), never from a copy:
 * an example that drifts from the API fails to compile here, one that stops
 * doing what its page says fails a check. What a page only declares (the
 * reader's identity provider) is defined below. */
#include <stdio.h>
#include <time.h>

#include "resil.h"

/* ---- what the pages leave to the reader ---------------------------------- */

static int tokens_issued;

/* docs/credentials.md: the identity provider's client. Tokens "token-1",
 * "token-2", ... valid for an hour. */
struct my_idp;
int my_idp_get_token(struct my_idp *idp, char *token, size_t size, int64_t *expires_at_ms);
int my_idp_get_token(struct my_idp *idp, char *token, size_t size, int64_t *expires_at_ms) {
    (void)idp;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(token, size, "token-%d", ++tokens_issued);
    *expires_at_ms = (int64_t)now.tv_sec * 1000 + 3600 * 1000;
    return 0;
}

/* The page's Entra example names a parameter `fail`, cmocka a macro. */
#pragma push_macro("fail")
#undef fail
#include "docs/blocks/credentials.c"
#pragma pop_macro("fail")
#include "docs/blocks/events.c"
#include "docs/blocks/pooling.c"
#include "docs/blocks/retries.c"

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

/* ---- docs/retries.md ----------------------------------------------------- */

/* The page's loop over a connection that refuses the first attempt before
 * sending and takes the second. */
typedef struct fake_conn {
    int calls;
} fake_conn;

static rsdk_status refuse_once(void *conn, const char *cmd, bool *sent) {
    (void)cmd;
    fake_conn *fc = conn;
    if (fc->calls++ == 0) return RSDK_ERR_CONNECT;
    *sent = true;
    return RSDK_OK;
}

static uint32_t slept_ms;
static void count_sleep(uint32_t ms) { slept_ms += ms; }

static void test_retries_doc(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    assert_int_equal(retries_backoff(), 0);
    assert_int_equal(retries_policy(), 0);
    rsdk_retry_policy policy;
    rsdk_retry_policy_init(&policy);
    fake_conn conn = {0};
    slept_ms = 0;
    assert_int_equal(retries_loop(policy, &conn, "INCR", false, refuse_once, count_sleep), 0);
    assert_int_equal(conn.calls, 2);
    assert_true(slept_ms >= 5 && slept_ms <= 10); /* one equal-jitter delay of 10 ms */
    /* A refusal the policy does not retry comes back as it is. */
    rsdk_retry_policy none;
    rsdk_retry_policy_init(&none);
    none.max_attempts = 1;
    conn.calls = 0;
    assert_int_equal(retries_loop(none, &conn, "INCR", false, refuse_once, count_sleep), RSDK_ERR_CONNECT);
    /* The client with its policy: connects, runs its GET, closes. */
    assert_int_equal(retries_client(srv->port), 0);
}

/* ---- docs/events.md ------------------------------------------------------ */

static void test_events_doc(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    assert_int_equal(events_subscribe(), 0);
    /* The page's listener, given events through a dispatcher. */
    FILE *out = tmpfile();
    assert_non_null(out);
    rsdk_events *bus = NULL;
    uint64_t id = 0;
    assert_int_equal(rsdk_events_new(&bus), RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(bus,
                                           RSDK_EVENT_MASK(RSDK_EVENT_DISCONNECTED) |
                                               RSDK_EVENT_MASK(RSDK_EVENT_COMMAND_COMPLETED),
                                           on_event, out, &id),
                     RSDK_OK);
    rsdk_event ev = {.type = RSDK_EVENT_DISCONNECTED};
    ev.disconnected.endpoint = "10.0.0.1:6379";
    ev.disconnected.cause = RSDK_ERR_EOF;
    rsdk_events_emit(bus, &ev);
    ev = (rsdk_event){.type = RSDK_EVENT_COMMAND_COMPLETED};
    ev.command.name = "GET";
    ev.command.latency_us = 87;
    rsdk_events_emit(bus, &ev);
    ev.type = RSDK_EVENT_CONNECTED; /* not in the mask */
    rsdk_events_emit(bus, &ev);
    rsdk_events_unsubscribe(bus, id);
    rsdk_events_free(bus);
    char text[256] = {0};
    rewind(out);
    size_t n = fread(text, 1, sizeof text - 1, out);
    fclose(out);
    text[n] = '\0';
    assert_string_equal(text, "lost 10.0.0.1:6379: connection closed by peer\nGET took 87 us\n");
    /* Who emits what: the client of the page, on a recording dispatcher. */
    rs_recorder rec;
    rs_recorder_init(&rec, 0);
    assert_int_equal(events_client(((rsdk_test_server *)*state)->port, rec.bus), 0);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_CONNECTED), 1);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_COMMAND_COMPLETED), 1);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_DISCONNECTED), 1);
    rs_recorder_deinit(&rec);
}

/* ---- docs/credentials.md ------------------------------------------------- */

static struct my_idp idp = {"tokuser"};

static void test_credentials_doc(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rs_recorder rec;
    rs_recorder_init(&rec, 0);
    tokens_issued = 0;
    assert_int_equal(credentials_token_manager(&idp, rec.bus), 0);
    assert_int_equal(tokens_issued, 1); /* fetched by start */
    /* The pool of the page AUTHs as "tokuser" with the token: a wrong one
     * would fail its PING. */
    rsdk_client *admin = rsdk_test_client(srv, 3, true);
    CMD_DO(admin, "ACL", "SETUSER", "tokuser", "reset", "on", ">token-1", "~*", "+@all");
    tokens_issued = 0;
    rsdk_token_opts to;
    rsdk_token_opts_init(&to);
    to.fetch = fetch_token;
    to.fetch_ud = &idp;
    rsdk_token_manager *tm = NULL;
    assert_int_equal(rsdk_token_manager_new(&to, &tm), RSDK_OK);
    assert_int_equal(rsdk_token_manager_start(tm, NULL), RSDK_OK);
    assert_int_equal(credentials_pool(srv->port, tm, rec.bus), 0);
    rsdk_token_manager_free(tm);
    CMD_DO(admin, "ACL", "SETUSER", "tokuser", "resetpass", ">token-2");
    tm = NULL;
    tokens_issued = 0; /* "token-1" again: no longer the password */
    assert_int_equal(rsdk_token_manager_new(&to, &tm), RSDK_OK);
    assert_int_equal(rsdk_token_manager_start(tm, NULL), RSDK_OK);
    assert_int_not_equal(credentials_pool(srv->port, tm, rec.bus), 0);
    rsdk_token_manager_free(tm);
    CMD_DO(admin, "ACL", "DELUSER", "tokuser");
    rsdk_client_close(admin);
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
