/* Client-side caching: after a tracked key is read, another client's write
 * makes the server send an invalidation, which reaches the handler with the
 * key: RESP3 pushes on the subscriber's own connection (default and BCAST
 * modes, restored after a reconnect), RESP3 on a plain client, and RESP2
 * tracking redirected to a subscriber. FLUSHALL gives "everything" (NULL). */
#include "support/tp.h"

typedef struct {
    int calls;
    int all; /* NULL notices */
    char last[64];
} inval_log;

static void on_inval(const rsdk_reply *keys, void *ud) {
    inval_log *l = ud;
    l->calls++;
    if (!keys) {
        l->all++;
        return;
    }
    assert_int_equal(keys->type, RSDK_REPLY_ARRAY);
    assert_true(keys->elements >= 1);
    snprintf(l->last, sizeof l->last, "%s", keys->element[0].str);
}

/* Reads next() until the handler was called `want` times (or 2 s). */
static void wait_calls(rsdk_pubsub *ps, inval_log *l, int want) {
    for (int i = 0; i < 20 && l->calls < want; i++) tp_expect_none(ps, 100);
    assert_int_equal(l->calls, want);
}

static void test_resp3_default_mode(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pubsub *ps = tp_pubsub(*state, 3, true);
    rsdk_client *c = rsdk_pubsub_client(ps);
    rsdk_client *o = rsdk_test_client(*state, 3, true);
    inval_log l = {0};
    assert_int_equal(rsdk_pubsub_track(ps, NULL, 0, on_inval, &l), RSDK_OK);
    CMD_DO(o, "SET", "tr:k1", "v1");
    CMD_STR(c, "v1", "GET", "tr:k1"); /* now tracked */
    CMD_DO(o, "SET", "tr:k1", "v2");
    wait_calls(ps, &l, 1);
    assert_string_equal(l.last, "tr:k1");

    /* Arriving during an ordinary command: handled there, the command gets
     * its own reply. */
    CMD_STR(c, "v2", "GET", "tr:k1");
    CMD_DO(o, "DEL", "tr:k1");
    CMD_DO(o, "PING"); /* the server has sent the notice by now */
    CMD_STR(c, "PONG", "PING");
    assert_int_equal(l.calls, 2);

    /* FLUSHALL: drop everything. */
    CMD_DO(o, "FLUSHALL");
    wait_calls(ps, &l, 3);
    assert_int_equal(l.all, 1);
    rsdk_pubsub_stats st;
    rsdk_pubsub_stats_get(ps, &st);
    assert_int_equal(st.invalidations, 3);
    rsdk_client_close(o);
    rsdk_pubsub_free(ps);
}

/* BCAST with a prefix needs no read; tracking comes back after the
 * connection is killed, announced by a NULL notice. */
static void test_resp3_bcast_survives_reconnect(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pubsub *ps = tp_pubsub(*state, 3, true);
    rsdk_client *o = rsdk_test_client(*state, 3, true);
    inval_log l = {0};
    const char *args[] = {"BCAST", "PREFIX", "bc:"};
    assert_int_equal(rsdk_pubsub_track(ps, args, 3, on_inval, &l), RSDK_OK);
    CMD_DO(o, "SET", "bc:x", "1");
    CMD_DO(o, "SET", "other:x", "1");
    wait_calls(ps, &l, 1);
    assert_string_equal(l.last, "bc:x");

    char ids[32];
    snprintf(ids, sizeof ids, "%lld", (long long)rsdk_pubsub_id(ps));
    CMD_INT(o, 1, "CLIENT", "KILL", "ID", ids);
    wait_calls(ps, &l, 2); /* reconnect: everything may be stale */
    assert_int_equal(l.all, 1);
    CMD_DO(o, "SET", "bc:y", "1");
    wait_calls(ps, &l, 3);
    assert_string_equal(l.last, "bc:y");
    rsdk_client_close(o);
    rsdk_pubsub_free(ps);
}

/* A bad tracking option is the server's error; nothing is left on. */
static void test_resp3_bad_option(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pubsub *ps = tp_pubsub(*state, 3, true);
    inval_log l = {0};
    const char *args[] = {"NOSUCHOPTION"};
    rsdk_status s = rsdk_pubsub_track(ps, args, 1, on_inval, &l);
    assert_int_equal(rsdk_err_class(s), RSDK_CLASS_RESPONSE);
    assert_int_equal(rsdk_pubsub_track(ps, NULL, 0, NULL, &l), RSDK_ERR_INVALID_ARG);
    CMD_STR(rsdk_pubsub_client(ps), "PONG", "PING");
    rsdk_pubsub_free(ps);
}

/* A plain RESP3 client with an invalidation handler. */
static void test_plain_client_handler(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    rsdk_client *o = rsdk_test_client(*state, 3, true);
    inval_log l = {0};
    assert_int_equal(rsdk_client_set_invalidation_handler(c, on_inval, &l), RSDK_OK);
    CMD_STR(c, "OK", "CLIENT", "TRACKING", "ON");
    CMD_DO(c, "GET", "pc:k");
    CMD_DO(o, "SET", "pc:k", "x");
    CMD_STR(c, "x", "GET", "pc:k");
    assert_int_equal(l.calls, 1);
    assert_string_equal(l.last, "pc:k");
    /* Removed: the push goes back to the (absent) push handler. */
    assert_int_equal(rsdk_client_set_invalidation_handler(c, NULL, NULL), RSDK_OK);
    CMD_DO(o, "SET", "pc:k", "y");
    CMD_STR(c, "y", "GET", "pc:k");
    assert_int_equal(l.calls, 1);
    assert_int_equal(rsdk_client_set_invalidation_handler(NULL, on_inval, &l), RSDK_ERR_INVALID_ARG);
    rsdk_client_close(o);
    rsdk_client_close(c);
}

/* RESP2: tracking redirected to a subscriber on __redis__:invalidate. */
static void test_resp2_redirect(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pubsub *ps = tp_pubsub(*state, 2, true);
    inval_log l = {0};
    const char *args[] = {"BCAST"};
    assert_int_equal(rsdk_pubsub_track(ps, args, 1, on_inval, &l), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_pubsub_track(ps, NULL, 0, on_inval, &l), RSDK_OK);
    rsdk_client *tracked = rsdk_test_client(*state, 2, true);
    rsdk_client *o = rsdk_test_client(*state, 2, true);
    char ids[32];
    snprintf(ids, sizeof ids, "%lld", (long long)rsdk_pubsub_id(ps));
    CMD_STR(tracked, "OK", "CLIENT", "TRACKING", "ON", "REDIRECT", ids);
    CMD_DO(tracked, "GET", "rd:k");
    CMD_DO(o, "SET", "rd:k", "1");
    wait_calls(ps, &l, 1);
    assert_string_equal(l.last, "rd:k");
    CMD_DO(o, "FLUSHALL");
    wait_calls(ps, &l, 2);
    assert_int_equal(l.all, 1);
    rsdk_client_close(o);
    rsdk_client_close(tracked);
    rsdk_pubsub_free(ps);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resp3_default_mode),
        cmocka_unit_test(test_resp3_bcast_survives_reconnect),
        cmocka_unit_test(test_resp3_bad_option),
        cmocka_unit_test(test_plain_client_handler),
        cmocka_unit_test(test_resp2_redirect),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
