/* A RESP3 push the server writes right behind a reply is handed to the push
 * handler (or the invalidation handler) before the call returns, not left
 * in the buffer until some later call. Every server writes the
 * invalidation for a tracked key the connection changes itself after that
 * command's reply, in the same write. */
#include "support/live.h"

typedef struct {
    int count;
    char key[64];
} seen;

/* The first key of an invalidation push ["invalidate", [key, ...]]. */
static void note_key(seen *s, const rsdk_reply *keys) {
    s->count++;
    if (keys && keys->type == RSDK_REPLY_ARRAY && keys->elements >= 1)
        snprintf(s->key, sizeof s->key, "%s", keys->element[0].str);
}

static void on_push(rsdk_client *c, rsdk_reply *push, void *ud) {
    (void)c;
    if (push->elements == 2 && strcmp(push->element[0].str, "invalidate") == 0)
        note_key(ud, &push->element[1]);
    rsdk_reply_free(push);
}

static void on_inval(const rsdk_reply *keys, void *ud) { note_key(ud, keys); }

/* CLIENT TRACKING ON, then GET key so that the server tracks it. */
static void track(rsdk_client *c, const char *key) {
    CMD_STR(c, "OK", "CLIENT", "TRACKING", "ON");
    CMD_DO(c, "GET", key);
}

static void test_own_invalidation_before_call_returns(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    seen s = {0, ""};
    rsdk_client_set_push_handler(c, on_push, &s);
    track(c, "behind:k");
    CMD_STR(c, "OK", "SET", "behind:k", "v1");
    assert_int_equal(s.count, 1);
    assert_string_equal(s.key, "behind:k");

    /* The same behind a pipeline's last reply; the replies stay in step. */
    CMD_DO(c, "GET", "behind:k");
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    QUEUE(p, "ECHO", "a");
    QUEUE(p, "SET", "behind:k", "v2");
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    live_assert_str(rsdk_pipeline_reply(p, 0), "a");
    live_assert_str(rsdk_pipeline_reply(p, 1), "OK");
    assert_int_equal(s.count, 2);
    rsdk_pipeline_free(p);
    CMD_STR(c, "PONG", "PING");
    assert_int_equal(s.count, 2);
    rsdk_client_close(c);
}

/* Pushes drained behind a reply take the same road as the ones before a
 * reply: the invalidation handler (the push hook) first. */
static void test_own_invalidation_reaches_invalidation_handler(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, false);
    seen pushes = {0, ""}, inval = {0, ""};
    rsdk_client_set_push_handler(c, on_push, &pushes);
    assert_int_equal(rsdk_client_set_invalidation_handler(c, on_inval, &inval), RSDK_OK);
    track(c, "behind:h");
    CMD_STR(c, "OK", "SET", "behind:h", "v");
    assert_int_equal(inval.count, 1);
    assert_string_equal(inval.key, "behind:h");
    assert_int_equal(pushes.count, 0);
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_invalidation_before_call_returns),
        cmocka_unit_test(test_own_invalidation_reaches_invalidation_handler),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
