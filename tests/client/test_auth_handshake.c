/* Authentication in the handshake against a server with --requirepass and
 * an ACL user: a wrong password is RSDK_ERR_AUTH (response class) and never
 * appears in the error; right passwords and ACL users work under RESP3 and
 * RESP2. */
#define _GNU_SOURCE
#include <malloc.h>

#include "rsdk/alloc.h"
#include "support/live.h"

#define PASS "s3cret-Pa55"
#define ALICE_PASS "alice-Pa55word"

static const char *const server_args[] = {
    "--requirepass", PASS, "--user", "alice", "on", ">" ALICE_PASS, "~*", "&*", "+@all", NULL,
};

static int setup(void **state) { return rsdk_test_server_group_setup_with(state, server_args); }

static rsdk_status open_as(rsdk_test_server *srv, int proto, const char *user, const char *pass,
                           rsdk_client **c, rsdk_error *err) {
    rsdk_client_opts o;
    rsdk_test_server_client_opts(srv, &o, proto == 2);
    o.protocol = proto;
    o.username = user;
    o.password = pass;
    return rsdk_client_open(&o, c, err);
}

static void expect_auth_failure(rsdk_test_server *srv, int proto, const char *user, const char *pass) {
    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_status s = open_as(srv, proto, user, pass, &c, &err);
    assert_int_equal(s, RSDK_ERR_AUTH);
    assert_null(c);
    assert_int_equal(err.code, RSDK_ERR_AUTH);
    assert_int_equal(rsdk_err_class(s), RSDK_CLASS_RESPONSE);
    assert_false(rsdk_err_retryable(s));
    assert_true(err.message[0] != '\0');
    if (pass) {
        assert_null(strstr(err.message, pass));
        assert_null(strstr(err.prefix, pass));
    }
}

static void test_wrong_password_is_auth_error(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        expect_auth_failure(*state, proto, NULL, "not-the-Pa55");
        expect_auth_failure(*state, proto, "alice", "wrong-alice-Pa55");
        expect_auth_failure(*state, proto, "nobody", ALICE_PASS);
    }
}

static void test_missing_password_is_auth_error(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    /* RESP3: HELLO itself is refused (NOAUTH). */
    expect_auth_failure(*state, 3, NULL, NULL);
    /* RESP2 without AUTH sends nothing at connect; the first command gets
     * NOAUTH, mapped the same way. */
    rsdk_client *c = NULL;
    assert_int_equal(open_as(*state, 2, NULL, NULL, &c, NULL), RSDK_OK);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(c, &r, "PING", (const char *)NULL), RSDK_ERR_AUTH);
    assert_string_equal(rsdk_client_error(c)->prefix, "NOAUTH");
    rsdk_client_close(c);
}

static void test_right_password_works(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = NULL;
        rsdk_error err;
        assert_int_equal(open_as(*state, proto, NULL, PASS, &c, &err), RSDK_OK);
        assert_int_equal(rsdk_client_protocol(c), proto);
        CMD_STR(c, "PONG", "PING");
        CMD_STR(c, "default", "ACL", "WHOAMI");
        rsdk_client_close(c);
    }
}

static void test_acl_user_works(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = NULL;
        assert_int_equal(open_as(*state, proto, "alice", ALICE_PASS, &c, NULL), RSDK_OK);
        CMD_STR(c, "alice", "ACL", "WHOAMI");
        rsdk_client_close(c);
    }
}

/* Name and db travel with the password through HELLO or the RESP2 path. */
static void test_auth_with_name_and_db(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client_opts o;
        rsdk_test_server_client_opts(*state, &o, false);
        o.protocol = proto;
        o.username = "alice";
        o.password = ALICE_PASS;
        o.client_name = proto == 2 ? "rsdk-two" : "rsdk-three";
        o.db = 5;
        rsdk_client *c = NULL;
        assert_int_equal(rsdk_client_open(&o, &c, NULL), RSDK_OK);
        CMD_STR(c, o.client_name, "CLIENT", "GETNAME");
        rsdk_reply *r = CMD_OK(c, "CLIENT", "INFO");
        assert_non_null(strstr(r->str, " db=5 "));
        rsdk_reply_free(r);
        rsdk_client_close(c);
    }
}

/* Every block rsdk frees is searched for the password before it goes. */
static bool g_secret_freed;

static void *scan_malloc(size_t n) { return malloc(n); }
static void *scan_calloc(size_t k, size_t n) { return calloc(k, n); }
static void scan_free(void *p) {
    if (p && memmem(p, malloc_usable_size(p), ALICE_PASS, strlen(ALICE_PASS)))
        g_secret_freed = true;
    free(p);
}
/* Always moves, so the block a growing buffer leaves behind is searched. */
static void *scan_realloc(void *p, size_t n) {
    if (!p) return malloc(n);
    void *d = malloc(n ? n : 1);
    if (!d) return NULL;
    size_t old = malloc_usable_size(p);
    memcpy(d, p, old < n ? old : n);
    scan_free(p);
    return d;
}

/* An AUTH the caller sends as a plain command sits in the client's write
 * buffer; a shorter command after it leaves the password in the buffer's
 * tail, and closing the client must wipe that too. */
static void test_caller_auth_wiped_at_close(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = NULL;
    assert_int_equal(open_as(*state, 2, NULL, NULL, &c, NULL), RSDK_OK);
    CMD_STR(c, "OK", "AUTH", "alice", ALICE_PASS);
    CMD_STR(c, "PONG", "PING");
    const rsdk_allocator scan = {scan_malloc, scan_calloc, scan_realloc, scan_free};
    rsdk_allocator prev = rsdk_allocator_set(&scan);
    g_secret_freed = false;
    rsdk_client_close(c);
    rsdk_allocator_set(&prev);
    assert_false(g_secret_freed);
}

/* The handshake encodes AUTH (or HELLO ... AUTH) and then SETNAME and
 * SELECT into the same buffer; if that buffer grows after the password is
 * in it, the block it leaves behind must not carry the password. */
static void test_handshake_buffer_growth_leaves_no_secret(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    const rsdk_allocator scan = {scan_malloc, scan_calloc, scan_realloc, scan_free};
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client_opts o;
        rsdk_test_server_client_opts(*state, &o, false);
        o.protocol = proto;
        o.username = "alice";
        o.password = ALICE_PASS;
        o.client_name = "a-client-name-long-enough-to-grow-the-handshake-buffer";
        o.db = 5;
        rsdk_allocator prev = rsdk_allocator_set(&scan);
        g_secret_freed = false;
        rsdk_client *c = NULL;
        rsdk_status s = rsdk_client_open(&o, &c, NULL);
        bool leaked = g_secret_freed;
        rsdk_allocator_set(&prev);
        assert_int_equal(s, RSDK_OK);
        assert_false(leaked);
        rsdk_client_close(c);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrong_password_is_auth_error),
        cmocka_unit_test(test_missing_password_is_auth_error),
        cmocka_unit_test(test_right_password_works),
        cmocka_unit_test(test_acl_user_works),
        cmocka_unit_test(test_auth_with_name_and_db),
        cmocka_unit_test(test_caller_auth_wiped_at_close),
        cmocka_unit_test(test_handshake_buffer_growth_leaves_no_secret),
    };
    return cmocka_run_group_tests(tests, setup, rsdk_test_server_group_teardown);
}
