/* rsdk_client_open_url: redis:// and unix:// forms with db, user, password
 * (percent-encoded) and options reach the right server and database;
 * malformed URLs are RSDK_ERR_URL. */
#include "support/live.h"

#define PASS "url-Pa55"
/* Alice's password has characters that must be percent-encoded in a URL. */
#define ALICE_PASS "p@ss:w/rd%"
#define ALICE_PASS_URL "p%40ss%3Aw%2Frd%25"

static const char *const server_args[] = {
    "--requirepass", PASS, "--user", "alice", "on", ">" ALICE_PASS, "~*", "&*", "+@all", NULL,
};

static int setup(void **state) { return rsdk_test_server_group_setup_with(state, server_args); }

/* The URL made from `fmt` (a static buffer, valid until the next call). */
__attribute__((format(printf, 1, 2))) static const char *url_of(const char *fmt, ...) {
    static char url[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(url, sizeof url, fmt, ap);
    va_end(ap);
    return url;
}

/* Opens `url`; fails the test unless it opened. */
static rsdk_client *open_url(const char *url) {
    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_client_open_url(url, &c, &err);
    if (s) fail_msg("open %s: %s (%s)", url, rsdk_status_name(s), err.message);
    return c;
}

/* Asserts that `url` is refused with `want`, and that the error text does
 * not show `secret`. */
static void open_url_fails(const char *url, rsdk_status want, const char *secret) {
    rsdk_client *c = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_client_open_url(url, &c, &err), want);
    assert_null(c);
    assert_null(strstr(err.message, secret));
}

static int client_db(rsdk_client *c) {
    rsdk_reply *r = CMD_OK(c, "CLIENT", "INFO");
    const char *p = strstr(r->str, " db=");
    assert_non_null(p);
    int db = (int)strtol(p + 4, NULL, 10);
    rsdk_reply_free(r);
    return db;
}

static void test_tcp_url_with_db(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_client *c = open_url(url_of("redis://:%s@127.0.0.1:%d/2", PASS, srv->port));
    assert_int_equal(client_db(c), 2);
    assert_int_equal(rsdk_client_protocol(c), 3);
    CMD_STR(c, "default", "ACL", "WHOAMI");
    rsdk_client_close(c);
}

static void test_unix_url_with_db_option(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_client *c = open_url(url_of("unix://:%s@%s?db=3", PASS, srv->unix_path));
    assert_int_equal(client_db(c), 3);
    rsdk_reply *r = CMD_OK(c, "CLIENT", "INFO");
    assert_non_null(strstr(r->str, srv->unix_path)); /* connected over the socket */
    rsdk_reply_free(r);
    rsdk_client_close(c);
}

static void test_user_password_and_protocol_option(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_client *c = open_url(url_of("redis://alice:%s@127.0.0.1:%d/1?protocol=2&client_name=from-url",
                                     ALICE_PASS_URL, srv->port));
    assert_int_equal(rsdk_client_protocol(c), 2);
    CMD_STR(c, "alice", "ACL", "WHOAMI");
    CMD_STR(c, "from-url", "CLIENT", "GETNAME");
    assert_int_equal(client_db(c), 1);
    rsdk_client_close(c);

    c = open_url(url_of("unix://alice:%s@%s?protocol=3", ALICE_PASS_URL, srv->unix_path));
    assert_int_equal(rsdk_client_protocol(c), 3);
    CMD_STR(c, "alice", "ACL", "WHOAMI");
    rsdk_client_close(c);
}

static void test_wrong_password_in_url(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    open_url_fails(url_of("redis://alice:Wr0ngSecret@127.0.0.1:%d", srv->port), RSDK_ERR_AUTH,
                   "Wr0ngSecret");
}

static void test_malformed_urls(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    const char *bad[] = {"", "not a url", "ftp://127.0.0.1:6379", "redis://127.0.0.1:6379/notadb",
                         "redis://127.0.0.1:70000", "unix://"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rsdk_client *c = NULL;
        rsdk_error err;
        rsdk_status s = rsdk_client_open_url(bad[i], &c, &err);
        if (s != RSDK_ERR_URL) fail_msg("\"%s\" gave %s, want RSDK_ERR_URL", bad[i], rsdk_status_name(s));
        assert_int_equal(err.code, RSDK_ERR_URL);
        assert_null(c);
    }
    rsdk_client *c = NULL;
    assert_int_equal(rsdk_client_open_url(NULL, &c, NULL), RSDK_ERR_INVALID_ARG);
}

/* A URL password is never echoed, even when the URL is malformed later on. */
static void test_malformed_url_hides_password(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    open_url_fails("redis://u:TopSecretPw@127.0.0.1:port", RSDK_ERR_URL, "TopSecretPw");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_url_with_db),
        cmocka_unit_test(test_unix_url_with_db_option),
        cmocka_unit_test(test_user_password_and_protocol_option),
        cmocka_unit_test(test_wrong_password_in_url),
        cmocka_unit_test(test_malformed_urls),
        cmocka_unit_test(test_malformed_url_hides_password),
    };
    return cmocka_run_group_tests(tests, setup, rsdk_test_server_group_teardown);
}
