/* The examples of docs/codegen.md ("Using a command", "Pipelines", the
 * strings view) run against a real server, included from the page itself
 * (tools/docblocks.py, //docs:blocks), and do what the page says. */
#include "support/live.h"

#include "docs/blocks/codegen.c"

static void examples_run(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    CMD_DO(c, "SET", "user:1", "bob");
    assert_int_equal(codegen_set(c), 0); /* SET user:1 alice GET EX 60 */
    CMD_STR(c, "alice", "GET", "user:1");
    rsdk_reply *r = CMD_OK(c, "TTL", "user:1");
    assert_true(r->integer > 0 && r->integer <= 60);
    rsdk_reply_free(r);
    assert_int_equal(codegen_pipeline(c), 0); /* INCR hits, GET user:1 */
    CMD_STR(c, "1", "GET", "hits");
    CMD_DO(c, "RPUSH", "queue", "a", "b");
    assert_int_equal(codegen_lrange(c), 0);
    r = CMD_OK(c, "LLEN", "queue"); /* read, not popped */
    assert_int_equal(r->integer, 2);
    rsdk_reply_free(r);
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(examples_run)};
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
