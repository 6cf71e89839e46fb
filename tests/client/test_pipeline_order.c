/* Pipelines: 1000 commands come back in order; a server error in the middle
 * stays in its slot and the others are unaffected; encoders can append
 * through the pipeline's buffer; the pipeline is reusable. */
#include "support/live.h"
#include "rsdk/pipeline_internal.h"

static void test_thousand_commands_in_order(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, proto == 3);
        rsdk_pipeline *p = NULL;
        assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
        assert_non_null(p);
        char num[16];
        for (int i = 0; i < 1000; i++) {
            snprintf(num, sizeof num, "%d", i);
            const char *argv[] = {"ECHO", num};
            assert_int_equal(rsdk_pipeline_append_argv(p, 2, argv, NULL), RSDK_OK);
        }
        assert_int_equal(rsdk_pipeline_count(p), 1000);
        assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
        assert_int_equal(rsdk_pipeline_reply_count(p), 1000);
        assert_int_equal(rsdk_pipeline_count(p), 0);
        for (int i = 0; i < 1000; i++) {
            const rsdk_reply *r = rsdk_pipeline_reply(p, (size_t)i);
            assert_non_null(r);
            assert_int_equal(r->type, RSDK_REPLY_STRING);
            snprintf(num, sizeof num, "%d", i);
            assert_string_equal(r->str, num);
        }
        assert_null(rsdk_pipeline_reply(p, 1000));
        rsdk_pipeline_free(p);
        rsdk_client_close(c);
    }
}

static void test_error_stays_in_its_slot(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    const char *rpush[] = {"RPUSH", "pl:list", "a"};
    const char *incr[] = {"INCR", "pl:n"};
    const char *get_list[] = {"GET", "pl:list"};
    const char *bogus[] = {"NOSUCHCMD"};
    const char *del[] = {"DEL", "pl:list", "pl:n"};
    assert_int_equal(rsdk_pipeline_append_argv(p, 3, rpush, NULL), RSDK_OK);
    for (int i = 0; i < 500; i++) assert_int_equal(rsdk_pipeline_append_argv(p, 2, incr, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, get_list, NULL), RSDK_OK); /* slot 501 */
    assert_int_equal(rsdk_pipeline_append_argv(p, 1, bogus, NULL), RSDK_OK);    /* slot 502 */
    for (int i = 0; i < 497; i++) assert_int_equal(rsdk_pipeline_append_argv(p, 2, incr, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 3, del, NULL), RSDK_OK);      /* slot 1000 */
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply_count(p), 1001);
    assert_int_equal(rsdk_pipeline_reply(p, 0)->integer, 1);
    for (int i = 1; i <= 500; i++) assert_int_equal(rsdk_pipeline_reply(p, (size_t)i)->integer, i);
    const rsdk_reply *e = rsdk_pipeline_reply(p, 501);
    assert_int_equal(e->type, RSDK_REPLY_ERROR);
    assert_int_equal(rsdk_status_from_server(e->str, e->len), RSDK_ERR_WRONGTYPE);
    e = rsdk_pipeline_reply(p, 502);
    assert_int_equal(e->type, RSDK_REPLY_ERROR);
    assert_int_equal(rsdk_status_from_server(e->str, e->len), RSDK_ERR_UNKNOWN_COMMAND);
    for (int i = 503; i < 1000; i++)
        assert_int_equal(rsdk_pipeline_reply(p, (size_t)i)->integer, i - 2);
    assert_int_equal(rsdk_pipeline_reply(p, 1000)->integer, 2);
    assert_false(rsdk_client_broken(c));
    rsdk_pipeline_free(p);
    rsdk_client_close(c);
}

/* An encoder writes into rsdk_pipeline_buf(); rollback drops a half-written
 * command; the pipeline is reused across execs; an empty exec is fine. */
static void test_encoder_buffer_commit_rollback(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply_count(p), 0);

    rsdk_buf *b = rsdk_pipeline_buf(p);
    rsdk_write_array(b, 2);
    rsdk_write_arg(b, "ECHO", 4);
    rsdk_write_int(b, 42);
    rsdk_pipeline_commit(p);
    b = rsdk_pipeline_buf(p);
    rsdk_write_array(b, 3); /* abandoned half-way */
    rsdk_write_arg(b, "SET", 3);
    rsdk_pipeline_rollback(p);
    b = rsdk_pipeline_buf(p);
    rsdk_write_array(b, 1);
    rsdk_write_arg(b, "PING", 4);
    rsdk_pipeline_commit(p);
    assert_int_equal(rsdk_pipeline_count(p), 2);
    for (int round = 0; round < 2; round++) {
        if (round == 1) {
            const char *echo[] = {"ECHO", "42"};
            const char *ping[] = {"PING"};
            rsdk_pipeline_append_argv(p, 2, echo, NULL);
            rsdk_pipeline_append_argv(p, 1, ping, NULL);
        }
        assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
        assert_int_equal(rsdk_pipeline_reply_count(p), 2);
        assert_string_equal(rsdk_pipeline_reply(p, 0)->str, "42");
        assert_string_equal(rsdk_pipeline_reply(p, 1)->str, "PONG");
    }
    /* A rejected append leaves the queue as it was. */
    const char *bad[] = {"GET", NULL};
    size_t lens[] = {3, 1};
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, bad, lens), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_pipeline_count(p), 0);
    rsdk_pipeline_free(p);
    rsdk_client_close(c);
}

/* send_encoded directly: N commands, one buffer, N replies. */
static void test_send_encoded(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, false);
    rsdk_buf b;
    rsdk_buf_init(&b);
    const char *set[] = {"SET", "enc:k", "v"};
    const char *get[] = {"GET", "enc:k"};
    const char *hget[] = {"HGET", "enc:k", "f"};
    rsdk_write_command(&b, 3, set, NULL);
    rsdk_write_command(&b, 2, get, NULL);
    rsdk_write_command(&b, 3, hget, NULL);
    rsdk_reply *replies[3];
    assert_int_equal(rsdk_client_send_encoded(c, &b, 3, replies), RSDK_OK);
    assert_int_equal(replies[0]->type, RSDK_REPLY_STATUS);
    assert_string_equal(replies[1]->str, "v");
    assert_int_equal(replies[2]->type, RSDK_REPLY_ERROR);
    for (int i = 0; i < 3; i++) rsdk_reply_free(replies[i]);
    assert_int_equal(rsdk_client_send_encoded(c, &b, 0, replies), RSDK_ERR_INVALID_ARG);
    /* A count that does not match the bytes: refused, nothing sent (a
     * mismatch would hand the extra replies to later commands). */
    rsdk_buf_clear(&b);
    const char *set2[] = {"SET", "enc:k2", "v2"};
    rsdk_write_command(&b, 3, set2, NULL);
    rsdk_write_command(&b, 2, get, NULL);
    assert_int_equal(rsdk_client_send_encoded(c, &b, 1, replies), RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(rsdk_client_error(c)->message, "holds 2 commands, not 1"));
    assert_int_equal(rsdk_client_send_encoded(c, &b, 3, replies), RSDK_ERR_INVALID_ARG);
    rsdk_buf_clear(&b);
    rsdk_buf_append(&b, "PING\r\n", 6);
    assert_int_equal(rsdk_client_send_encoded(c, &b, 1, replies), RSDK_ERR_INVALID_ARG);
    assert_false(rsdk_client_broken(c));
    CMD_INT(c, 0, "EXISTS", "enc:k2");
    rsdk_buf_deinit(&b);
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thousand_commands_in_order),
        cmocka_unit_test(test_error_stays_in_its_slot),
        cmocka_unit_test(test_encoder_buffer_commit_rollback),
        cmocka_unit_test(test_send_encoded),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
