/* Error codes: names, classes, retryability and server-prefix mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rsdk/error.h"

#define MAP(s) rsdk_status_from_server(s, strlen(s))

static void server_prefixes_map_to_codes(void **st) {
    (void)st;
    assert_int_equal(MAP("WRONGTYPE Operation against a key holding the wrong kind of value"),
                     RSDK_ERR_WRONGTYPE);
    assert_int_equal(MAP("NOSCRIPT No matching script."), RSDK_ERR_NOSCRIPT);
    assert_int_equal(MAP("MOVED 3999 127.0.0.1:6381"), RSDK_ERR_MOVED);
    assert_int_equal(MAP("ASK 3999 127.0.0.1:6381"), RSDK_ERR_ASK);
    assert_int_equal(MAP("WRONGPASS invalid username-password pair or user is disabled."), RSDK_ERR_AUTH);
    assert_int_equal(MAP("NOAUTH Authentication required."), RSDK_ERR_AUTH);
    assert_int_equal(MAP("EXECABORT Transaction discarded because of previous errors."), RSDK_ERR_EXECABORT);
    assert_int_equal(MAP("ERR unknown command 'NOSUCHCMD', with args beginning with: "), RSDK_ERR_UNKNOWN_COMMAND);
    assert_int_equal(MAP("ERR syntax error"), RSDK_ERR_RESPONSE);
    assert_int_equal(MAP("BUSYKEY Target key name already exists."), RSDK_ERR_RESPONSE);
    assert_int_equal(MAP(""), RSDK_ERR_RESPONSE);
    assert_int_equal(rsdk_status_from_server(NULL, 0), RSDK_ERR_RESPONSE);
}

static void classes_follow_hierarchy(void **st) {
    (void)st;
    assert_int_equal(rsdk_err_class(RSDK_OK), RSDK_CLASS_NONE);
    assert_int_equal(rsdk_err_class(RSDK_ERR_TIMEOUT), RSDK_CLASS_CONNECTION);
    assert_int_equal(rsdk_err_class(RSDK_ERR_TLS), RSDK_CLASS_CONNECTION);
    assert_int_equal(rsdk_err_class(RSDK_ERR_WRONGTYPE), RSDK_CLASS_RESPONSE);
    assert_int_equal(rsdk_err_class(RSDK_ERR_AUTH), RSDK_CLASS_RESPONSE);
    assert_int_equal(rsdk_err_class(RSDK_ERR_MOVED), RSDK_CLASS_CLUSTER);
    assert_int_equal(rsdk_err_class(RSDK_ERR_POOL_EXHAUSTED), RSDK_CLASS_POOL);
    assert_int_equal(rsdk_err_class(RSDK_ERR_PROTOCOL), RSDK_CLASS_PROTOCOL);
    assert_int_equal(rsdk_err_class(9999), RSDK_CLASS_NONE);
    assert_string_equal(rsdk_errclass_str(RSDK_CLASS_CONNECTION), "connection");
}

static void retryable_only_where_a_retry_can_help(void **st) {
    (void)st;
    assert_true(rsdk_err_retryable(RSDK_ERR_TIMEOUT));
    assert_true(rsdk_err_retryable(RSDK_ERR_LOADING));
    assert_true(rsdk_err_retryable(RSDK_ERR_TRYAGAIN));
    assert_false(rsdk_err_retryable(RSDK_ERR_WRONGTYPE));
    assert_false(rsdk_err_retryable(RSDK_ERR_CLOSED));
    assert_false(rsdk_err_retryable(RSDK_ERR_PROTOCOL));
    assert_false(rsdk_err_retryable(RSDK_OK));
}

static void names_and_texts_exist_for_every_code(void **st) {
    (void)st;
#define RSDK__X(name, num, cls, text) \
    assert_string_equal(rsdk_status_name(num), "RSDK_" #name); \
    assert_string_equal(rsdk_status_str(num), text);
    RSDK_STATUS_MAP(RSDK__X)
#undef RSDK__X
    assert_string_equal(rsdk_status_name(-1), "RSDK_UNKNOWN");
}

static void error_record_keeps_prefix_and_text(void **st) {
    (void)st;
    rsdk_error e;
    const char *m = "WRONGTYPE Operation against a key holding the wrong kind of value";
    assert_int_equal(rsdk_error_from_server(&e, m, strlen(m)), RSDK_ERR_WRONGTYPE);
    assert_string_equal(e.prefix, "WRONGTYPE");
    assert_string_equal(e.message, m);
    assert_int_equal(rsdk_error_set(&e, RSDK_ERR_IO, 32, "write: %s", "broken pipe"), RSDK_ERR_IO);
    assert_int_equal(e.sys_errno, 32);
    assert_string_equal(e.prefix, "");
    assert_string_equal(e.message, "write: broken pipe");
    rsdk_error_clear(&e);
    assert_int_equal(e.code, RSDK_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(server_prefixes_map_to_codes),
        cmocka_unit_test(classes_follow_hierarchy),
        cmocka_unit_test(retryable_only_where_a_retry_can_help),
        cmocka_unit_test(names_and_texts_exist_for_every_code),
        cmocka_unit_test(error_record_keeps_prefix_and_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
