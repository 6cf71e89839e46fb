/* Malformed URLs get RSDK_ERR_URL with a message naming the problem, the
 * output struct holds nothing to free, and no message ever contains the
 * password (or any piece of it), however the URL is broken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/url.h"

static void expect_err(const char *text, const char *msg) {
    rsdk_url u;
    memset(&u, 0x5a, sizeof u);
    rsdk_error e;
    rsdk_error_clear(&e);
    rsdk_status s = rsdk_url_parse(text, &u, &e);
    if (s != RSDK_ERR_URL) fail_msg("%s: got %s, wanted RSDK_ERR_URL", text ? text : "(null)", rsdk_status_name(s));
    assert_int_equal(e.code, RSDK_ERR_URL);
    if (strcmp(e.message, msg) != 0) fail_msg("%s:\n got  %s\n want %s", text ? text : "(null)", e.message, msg);
    /* Nothing to free, and deinit is harmless. */
    assert_null(u.host);
    assert_null(u.username);
    assert_null(u.password);
    assert_null(u.unix_path);
    assert_null(u.client_name);
    rsdk_url_deinit(&u);
    /* A NULL error record is allowed. */
    assert_int_equal(rsdk_url_parse(text, &u, NULL), RSDK_ERR_URL);
}

static void bad_schemes(void **st) {
    (void)st;
    expect_err(NULL, "url: no URL given");
    expect_err("", "url: missing scheme (expected redis://, rediss:// or unix://)");
    expect_err("localhost:6379", "url: missing scheme (expected redis://, rediss:// or unix://)");
    expect_err("redis:/localhost", "url: missing scheme (expected redis://, rediss:// or unix://)");
    expect_err("http://localhost", "url: unsupported scheme 'http' (expected redis, rediss or unix)");
    expect_err("rediss+tls://h", "url: unsupported scheme 'rediss+tls' (expected redis, rediss or unix)");
    expect_err("://h", "url: unsupported scheme (expected redis, rediss or unix)");
    expect_err("re dis://h", "url: unsupported scheme (expected redis, rediss or unix)");
}

static void bad_hosts_and_ports(void **st) {
    (void)st;
    expect_err("redis://", "url: empty host");
    expect_err("redis://:6379", "url: empty host");
    expect_err("redis://u:p@", "url: empty host");
    expect_err("redis://u:p@/0", "url: empty host");
    expect_err("redis://ho st", "url: bad character in host");
    expect_err("redis://h%41", "url: bad character in host");
    expect_err("redis://::1", "url: IPv6 addresses go in brackets, as in redis://[::1]:6379");
    expect_err("redis://[::1", "url: IPv6 address has no closing ']'");
    expect_err("redis://[]", "url: empty host");
    expect_err("redis://[abc]", "url: bracketed host is not an IPv6 address");
    expect_err("redis://[::g]", "url: bad character in IPv6 address");
    expect_err("redis://[::1]x", "url: unexpected text after ']' (expected ':port')");
    expect_err("redis://[fe80::1%25]", "url: empty IPv6 zone");
    expect_err("redis://[fe80::1%25e/0]", "url: IPv6 address has no closing ']'");
    expect_err("redis://h:", "url: empty port");
    expect_err("redis://h:abc", "url: port is not a number");
    expect_err("redis://h:-1", "url: port is not a number");
    expect_err("redis://h:0", "url: port out of range (1 to 65535)");
    expect_err("redis://h:65536", "url: port out of range (1 to 65535)");
    expect_err("redis://h:99999999999999", "url: port out of range (1 to 65535)");
    expect_err("redis://[::1]:70000", "url: port out of range (1 to 65535)");
    expect_err("redis://h#frag", "url: fragments ('#') are not supported");
}

static void bad_db(void **st) {
    (void)st;
    const char *msg = "url: database in the path must be a non-negative number, as in redis://host:6379/0";
    expect_err("redis://h/abc", msg);
    expect_err("redis://h/-1", msg);
    expect_err("redis://h/1/2", msg);
    expect_err("redis://h/2147483648", msg);
    expect_err("redis://h/1x", msg);
    expect_err("redis://h?db=x", "url: db must be a non-negative number");
    expect_err("redis://h?db=", "url: db must be a non-negative number");
    expect_err("redis://h?db=-3", "url: db must be a non-negative number");
}

static void bad_percent_escapes(void **st) {
    (void)st;
    expect_err("redis://us%zzer:pw@h", "url: bad percent escape in the user name (use %XX with two hex digits)");
    expect_err("redis://u:pw%4@h", "url: bad percent escape in the password (use %XX with two hex digits)");
    expect_err("redis://u:pw%@h", "url: bad percent escape in the password (use %XX with two hex digits)");
    expect_err("redis://u:p%00w@h", "url: %00 is not allowed in the password");
    expect_err("unix:///tmp/%g1", "url: bad percent escape in the socket path (use %XX with two hex digits)");
    expect_err("redis://h?client_name=a%2", "url: bad percent escape in the client_name (use %XX with two hex digits)");
}

static void bad_options(void **st) {
    (void)st;
    expect_err("redis://h?foo=1",
               "url: unknown option 'foo' (known: db, protocol, client_name, connect_timeout, timeout)");
    expect_err("redis://h?db=1&socket_timeout=5",
               "url: unknown option 'socket_timeout' (known: db, protocol, client_name, connect_timeout, timeout)");
    expect_err("redis://h?DB=1",
               "url: unknown option 'DB' (known: db, protocol, client_name, connect_timeout, timeout)");
    expect_err("redis://h?f%20o=1", "url: unknown option (known: db, protocol, client_name, connect_timeout, timeout)");
    expect_err("redis://h?=1", "url: unknown option (known: db, protocol, client_name, connect_timeout, timeout)");
    expect_err("redis://h?timeout", "url: option 'timeout' needs a value");
    expect_err("redis://h?protocol=4", "url: protocol must be 2 or 3");
    expect_err("redis://h?protocol=1", "url: protocol must be 2 or 3");
    expect_err("redis://h?protocol=three", "url: protocol must be 2 or 3");
    expect_err("redis://h?timeout=1.5", "url: timeout must be a whole number of milliseconds");
    expect_err("redis://h?timeout=99999999999", "url: timeout must be a whole number of milliseconds");
    expect_err("redis://h?connect_timeout=-1", "url: connect_timeout must be a whole number of milliseconds");
    expect_err("redis://h?client_name=", "url: client_name must be non-empty, without spaces or control characters");
    expect_err("redis://h?client_name=a%20b",
               "url: client_name must be non-empty, without spaces or control characters");
    expect_err("redis://h?client_name=a%0Ab",
               "url: client_name must be non-empty, without spaces or control characters");
    expect_err("redis://h?client_name=a@b",
               "url: '@' after '?': percent-encode '?' in a password as %3F and '@' in options as %40");
}

static void bad_unix_paths(void **st) {
    (void)st;
    expect_err("unix://", "url: unix URL has no socket path (expected unix:///path/to/socket)");
    expect_err("unix://relative.sock", "url: unix socket path must be absolute (expected unix:///path/to/socket)");
    expect_err("unix://u:p@relative.sock", "url: unix socket path must be absolute (expected unix:///path/to/socket)");
    expect_err("unix://u:p@", "url: unix socket path must be absolute (expected unix:///path/to/socket)");
}

/* The secret, and every 4-byte piece of it, stays out of every message. */
static void assert_no_secret(const char *url, const char *msg, const char *secret) {
    size_t n = strlen(secret);
    for (size_t i = 0; i + 4 <= n; i++) {
        char piece[5];
        memcpy(piece, secret + i, 4);
        piece[4] = '\0';
        if (strstr(msg, piece)) fail_msg("message for %s leaks \"%s\": %s", url, piece, msg);
    }
}

static void password_never_appears_in_a_message(void **st) {
    (void)st;
    /* Each template puts the password (%s) somewhere in a broken URL: in
     * plain user info, unencoded with '?', '#', '/', ':' or '@' that
     * confuse the split, and next to every kind of error. */
    static const char *const templates[] = {
        "redis://u:%s@",
        "redis://u:%s@:6379",
        "redis://u:%s@h:0",
        "redis://u:%s@h:port",
        "redis://u:%s@h/db",
        "redis://u:%s@h?x=1",
        "redis://u:%s@h?db=x",
        "redis://u:%s@h?protocol=9",
        "redis://u:%s@h#frag",
        "redis://u:%s%%zz@h",
        "redis://u:%s%%00@h",
        "redis://:%s",
        "redis://u:%s",
        "redis://%s",
        "redis://u:%s?@h",
        "redis://u:%s?x@h",
        "redis://u:?%s@h",
        "redis://u:%s/x@h:bad",
        "redis://u:%s#x@h:bad",
        "redis://u:ab?%s=1@h",
        "http://u:%s@h",
        "u:%s@h",
        "redis:/u:%s@h",
        "unix://u:%s@relative",
        "unix://u:%s@",
        "unix://u:%s?@/p",
        "rediss://u:%s@[::1",
        "rediss://u:%s@[zz]",
        "redis://%s:%s@h:99999",
    };
    static const char *const secrets[] = {"Sup3rS3cretPw", "hunter2hunter2", "db", "pw_w1th_und3rsc0re",
                                          "a-b.c+d", "6379", "1234567"};
    char url[512];
    for (size_t s = 0; s < sizeof secrets / sizeof secrets[0]; s++) {
        for (size_t t = 0; t < sizeof templates / sizeof templates[0]; t++) {
            snprintf(url, sizeof url, templates[t], secrets[s], secrets[s]);
            rsdk_url u;
            rsdk_error e;
            rsdk_error_clear(&e);
            rsdk_status st = rsdk_url_parse(url, &u, &e);
            if (st == RSDK_OK) {
                rsdk_url_deinit(&u);
                continue; /* some templates are valid for some secrets */
            }
            assert_int_equal(st, RSDK_ERR_URL);
            assert_true(strlen(e.message) > 5);
            /* Short secrets ("db", "6379") can match words of any message;
             * longer ones must never show. */
            if (strlen(secrets[s]) >= 7) assert_no_secret(url, e.message, secrets[s]);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_schemes),
        cmocka_unit_test(bad_hosts_and_ports),
        cmocka_unit_test(bad_db),
        cmocka_unit_test(bad_percent_escapes),
        cmocka_unit_test(bad_options),
        cmocka_unit_test(bad_unix_paths),
        cmocka_unit_test(password_never_appears_in_a_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
