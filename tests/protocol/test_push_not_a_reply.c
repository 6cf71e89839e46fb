/* RESP3 pushes that arrive on a normal connection (client-side caching
 * invalidations) are never taken as a command's reply: the push handler
 * gets them, the command gets its own answer, pipelines stay aligned. */
#include "support/live.h"

typedef struct {
    int count;
    char key[64];
} seen;

static void on_push(rsdk_client *c, rsdk_reply *push, void *ud) {
    (void)c;
    seen *s = ud;
    s->count++;
    /* ["invalidate", ["key", ...]] */
    if (push->elements == 2 && strcmp(push->element[0].str, "invalidate") == 0 &&
        push->element[1].type == RSDK_REPLY_ARRAY && push->element[1].elements >= 1)
        snprintf(s->key, sizeof s->key, "%s", push->element[1].element[0].str);
    rsdk_reply_free(push);
}

/* Tracks `key` on c1 and changes it through c2: an invalidation push is
 * then waiting on c1's socket ahead of its next reply. */
static void invalidate(rsdk_client *c1, rsdk_client *c2, const char *key, const char *val) {
    rsdk_reply_free(CMD_OK(c1, "GET", key));
    rsdk_reply_free(CMD_OK(c2, "SET", key, val));
}

static void test_invalidation_skipped_for_command(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c1 = rsdk_test_client(*state, 3, true);
    rsdk_client *c2 = rsdk_test_client(*state, 3, true);
    seen s = {0, ""};
    rsdk_client_set_push_handler(c1, on_push, &s);
    CMD_STR(c1, "OK", "CLIENT", "TRACKING", "ON");
    invalidate(c1, c2, "push:k", "v1");
    CMD_STR(c1, "mine", "ECHO", "mine");
    assert_int_equal(s.count, 1);
    assert_string_equal(s.key, "push:k");

    /* Same inside a pipeline: every slot holds its own reply. */
    invalidate(c1, c2, "push:k", "v2");
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c1, &p), RSDK_OK);
    const char *echo_a[] = {"ECHO", "a"};
    const char *echo_b[] = {"ECHO", "b"};
    rsdk_pipeline_append_argv(p, 2, echo_a, NULL);
    rsdk_pipeline_append_argv(p, 2, echo_b, NULL);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_string_equal(rsdk_pipeline_reply(p, 0)->str, "a");
    assert_string_equal(rsdk_pipeline_reply(p, 1)->str, "b");
    assert_int_equal(s.count, 2);
    rsdk_pipeline_free(p);
    rsdk_client_close(c2);
    rsdk_client_close(c1);
}

/* Without a handler the push is freed (the leak checker watches). */
static void test_invalidation_dropped_without_handler(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c1 = rsdk_test_client(*state, 3, false);
    rsdk_client *c2 = rsdk_test_client(*state, 3, false);
    CMD_STR(c1, "OK", "CLIENT", "TRACKING", "ON");
    invalidate(c1, c2, "push:d", "x");
    CMD_STR(c1, "PONG", "PING");
    CMD_STR(c1, "x", "GET", "push:d");
    rsdk_client_close(c2);
    rsdk_client_close(c1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalidation_skipped_for_command),
        cmocka_unit_test(test_invalidation_dropped_without_handler),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
