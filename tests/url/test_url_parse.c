/* Every URL form in rsdk/url.h parses to the right fields: schemes, user
 * info with percent-decoding, IPv6 literals, ports, db in the path or the
 * query, every option, and unix socket paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "support/resp_fixture.h"
#include "support/fail_alloc.h"
#include "rsdk/alloc.h"
#include "rsdk/url.h"

static rsdk_url parse_ok(const char *text) {
    rsdk_url u;
    rsdk_error e;
    rsdk_error_clear(&e);
    rsdk_status s = rsdk_url_parse(text, &u, &e);
    if (s != RSDK_OK) fail_msg("%s: %s (%s)", text, rsdk_status_name(s), e.message);
    return u;
}

#define assert_str_or_null(got, want) \
    do { \
        if ((want) == NULL) assert_null(got); \
        else { assert_non_null(got); assert_string_equal(got, want); } \
    } while (0)

static void plain_host_gets_defaults(void **st) {
    (void)st;
    rsdk_url u = parse_ok("redis://localhost");
    assert_false(u.tls);
    assert_string_equal(u.host, "localhost");
    assert_int_equal(u.port, 6379);
    assert_null(u.unix_path);
    assert_null(u.username);
    assert_null(u.password);
    assert_int_equal(u.db, 0);
    assert_int_equal(u.protocol, 0);
    assert_null(u.client_name);
    assert_int_equal(u.connect_timeout_ms, -1);
    assert_int_equal(u.timeout_ms, -1);
    rsdk_url_deinit(&u);
}

static void schemes_host_port_and_db(void **st) {
    (void)st;
    static const struct {
        const char *text;
        bool tls;
        const char *host;
        int port, db;
    } cases[] = {
        {"redis://127.0.0.1:6380", false, "127.0.0.1", 6380, 0},
        {"rediss://cache.example.com:6390/2", true, "cache.example.com", 6390, 2},
        {"rediss://cache.example.com", true, "cache.example.com", 6379, 0},
        {"REDIS://Host-1.internal/", false, "Host-1.internal", 6379, 0},
        {"redis://h:1/15", false, "h", 1, 15},
        {"redis://h:65535/0", false, "h", 65535, 0},
        {"redis://h/2147483647", false, "h", 6379, 2147483647},
        {"redis://my_host:7000?", false, "my_host", 7000, 0},
        {"redis://[::1]", false, "::1", 6379, 0},
        {"redis://[::1]:7001/3", false, "::1", 7001, 3},
        {"redis://[2001:db8::42]:6379", false, "2001:db8::42", 6379, 0},
        {"redis://[fe80::1%25eth0]:6379", false, "fe80::1%eth0", 6379, 0},
        {"redis://[::ffff:10.0.0.1]", false, "::ffff:10.0.0.1", 6379, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rsdk_url u = parse_ok(cases[i].text);
        assert_int_equal(u.tls, cases[i].tls);
        assert_string_equal(u.host, cases[i].host);
        assert_int_equal(u.port, cases[i].port);
        assert_int_equal(u.db, cases[i].db);
        assert_null(u.unix_path);
        rsdk_url_deinit(&u);
    }
}

static void user_and_password_are_percent_decoded(void **st) {
    (void)st;
    static const struct {
        const char *text, *user, *pass;
    } cases[] = {
        {"redis://alice:s3cret@h", "alice", "s3cret"},
        {"redis://:onlypass@h", NULL, "onlypass"},
        {"redis://bob@h", "bob", NULL},
        {"redis://bob:@h", "bob", NULL},
        {"redis://us%65r:p%40ss%3Aw%2Fo%3Frd%25@h", "user", "p@ss:w/o?rd%"},
        /* Unencoded ':', '@' and '/' in a password still work: the last '@'
         * before the query ends the user info. */
        {"redis://u:a:b@c/d@h:6380/1", "u", "a:b@c/d"},
        {"rediss://default:%F0%9F%94%91@h", "default", "\xf0\x9f\x94\x91"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rsdk_url u = parse_ok(cases[i].text);
        assert_string_equal(u.host, "h");
        assert_str_or_null(u.username, cases[i].user);
        assert_str_or_null(u.password, cases[i].pass);
        rsdk_url_deinit(&u);
    }
    rsdk_url u = parse_ok("redis://u:a:b@c/d@h:6380/1");
    assert_int_equal(u.port, 6380);
    assert_int_equal(u.db, 1);
    rsdk_url_deinit(&u);
}

static void every_option(void **st) {
    (void)st;
    rsdk_url u = parse_ok("redis://h:1234/1?db=4&protocol=3&client_name=worker-7&connect_timeout=250&timeout=1500");
    assert_int_equal(u.port, 1234);
    assert_int_equal(u.db, 4); /* the query wins over the path */
    assert_int_equal(u.protocol, 3);
    assert_string_equal(u.client_name, "worker-7");
    assert_int_equal(u.connect_timeout_ms, 250);
    assert_int_equal(u.timeout_ms, 1500);
    rsdk_url_deinit(&u);

    u = parse_ok("redis://h?protocol=2&&client_name=a%40b&timeout=0&client_name=second");
    assert_int_equal(u.protocol, 2);
    assert_string_equal(u.client_name, "second"); /* later wins */
    assert_int_equal(u.timeout_ms, 0);
    assert_int_equal(u.connect_timeout_ms, -1);
    rsdk_url_deinit(&u);

    u = parse_ok("redis://h?client_name=a%40b");
    assert_string_equal(u.client_name, "a@b");
    rsdk_url_deinit(&u);
}

static void unix_sockets(void **st) {
    (void)st;
    rsdk_url u = parse_ok("unix:///tmp/redis.sock");
    assert_false(u.tls);
    assert_null(u.host);
    assert_string_equal(u.unix_path, "/tmp/redis.sock");
    assert_int_equal(u.db, 0);
    rsdk_url_deinit(&u);

    u = parse_ok("unix://user:pw@/var/run/redis/redis.sock?db=3&timeout=10");
    assert_string_equal(u.unix_path, "/var/run/redis/redis.sock");
    assert_string_equal(u.username, "user");
    assert_string_equal(u.password, "pw");
    assert_int_equal(u.db, 3);
    assert_int_equal(u.timeout_ms, 10);
    rsdk_url_deinit(&u);

    u = parse_ok("unix://:p@ss@/run/r.sock");
    assert_string_equal(u.password, "p@ss");
    assert_string_equal(u.unix_path, "/run/r.sock");
    rsdk_url_deinit(&u);

    /* '@' and escapes inside the path itself. */
    u = parse_ok("unix:///tmp/a@b/my%20redis.sock");
    assert_null(u.password);
    assert_string_equal(u.unix_path, "/tmp/a@b/my redis.sock");
    rsdk_url_deinit(&u);
}

static void deinit_is_safe_on_zero_and_twice(void **st) {
    (void)st;
    rsdk_url z;
    memset(&z, 0, sizeof z);
    rsdk_url_deinit(&z);
    rsdk_url_deinit(NULL);
    rsdk_url u = parse_ok("redis://u:pw@h?client_name=x");
    rsdk_url_deinit(&u);
    assert_null(u.password);
    assert_null(u.host);
    rsdk_url_deinit(&u);
}

/* A free hook that copies the watched block's bytes just before release. */
static const void *watched;
static char seen[64];
static size_t seen_len;

static void watching_free(void *p) {
    if (p && p == watched) memcpy(seen, p, seen_len);
    free(p);
}

static void deinit_wipes_the_password(void **st) {
    (void)st;
    rsdk_url u = parse_ok("redis://u:Sup3rS3cret@h");
    assert_string_equal(u.password, "Sup3rS3cret");
    rsdk_allocator a = {NULL, NULL, NULL, watching_free};
    rsdk_allocator_set(&a);
    watched = u.password;
    seen_len = strlen(u.password) + 1;
    memset(seen, 'x', sizeof seen);
    rsdk_url_deinit(&u);
    rsdk_allocator_set(NULL);
    for (size_t i = 0; i < seen_len; i++) assert_int_equal(seen[i], 0);
}

/* Every allocation failure gives RSDK_ERR_NOMEM and leaks nothing. */
static void no_memory_is_reported_and_leaks_nothing(void **st) {
    (void)st;
    const char *text = "unix://us%65r:pw@/tmp/x.sock?client_name=abc";
    for (size_t budget = 0;; budget++) {
        rsdk_test_alloc_install();
        rsdk_test_alloc_fail_after(budget);
        rsdk_url u;
        rsdk_error e;
        rsdk_status s = rsdk_url_parse(text, &u, &e);
        if (s == RSDK_OK) rsdk_url_deinit(&u);
        rsdk_test_alloc_stats a = rsdk_test_alloc_stats_get();
        rsdk_test_alloc_remove();
        assert_int_equal(a.allocs, a.frees);
        if (s == RSDK_OK) {
            assert_true(budget >= 4);
            break;
        }
        assert_int_equal(s, RSDK_ERR_NOMEM);
        assert_int_equal(e.code, RSDK_ERR_NOMEM);
        assert_null(u.host);
        assert_null(u.password);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_host_gets_defaults),
        cmocka_unit_test(schemes_host_port_and_db),
        cmocka_unit_test(user_and_password_are_percent_decoded),
        cmocka_unit_test(every_option),
        cmocka_unit_test(unix_sockets),
        cmocka_unit_test(deinit_is_safe_on_zero_and_twice),
        cmocka_unit_test(deinit_wipes_the_password),
        cmocka_unit_test(no_memory_is_reported_and_leaks_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
