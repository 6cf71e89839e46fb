/* The code examples of docs/transactions.md and docs/pubsub.md run against
 * a real server: the pages' C blocks come from the pages themselves
 * (tools/docblocks.py, //docs:blocks), so the docs cannot drift from what
 * is tested here. */
#include <stdio.h>
#include <stdlib.h>

#include "rsdk/core.h"
#include "support/tp.h"

#include "docs/blocks/pubsub.c"
#include "docs/blocks/transactions.c"

static void test_transaction_examples(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    CMD_DO(c, "MSET", "balance:alice", "100", "balance:bob", "5", "counter", "41");
    int64_t bob = 0;
    assert_int_equal(transfer(c, &bob), RSDK_OK);
    assert_int_equal(bob, 15);
    CMD_STR(c, "90", "GET", "balance:alice");
    uint32_t attempts = 0;
    assert_int_equal(increment(c, &attempts), RSDK_OK);
    assert_int_equal(attempts, 1);
    CMD_STR(c, "42", "GET", "counter");
    rsdk_client_close(c);
}

static void test_pubsub_example(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    const rsdk_test_server *srv = *state;
    assert_null(open_subscriber("/nonexistent/redis.sock"));
    rsdk_pubsub *ps = open_subscriber(srv->unix_path);
    assert_non_null(ps);
    rsdk_client *pub = rsdk_test_client(srv, 3, true);
    assert_int_equal(tp_publish(pub, false, "news", "n1"), 1);
    assert_int_equal(tp_publish(pub, false, "user:7", "u1"), 1);
    assert_int_equal(tp_publish(pub, false, "alerts", "a1"), 1);
    assert_int_equal(print_messages(ps, 3), 3);
    rsdk_client_close(pub);
    rsdk_pubsub_free(ps);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transaction_examples),
        cmocka_unit_test(test_pubsub_example),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
