/* rcore_lua_script_run: the digest matches the server's (SCRIPT LOAD), a script
 * the server does not hold runs through EVAL once and EVALSHA afterwards,
 * and script errors are reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/core_lua.h"
#include "support/server.h"

static void digests_are_sha1(void **st) {
    (void)st;
    rcore_lua_script s;
    rcore_lua_script_init(&s, rsdk_str_n(NULL, 0));
    assert_string_equal(s.sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    rcore_lua_script_init(&s, rsdk_str_c("abc"));
    assert_string_equal(s.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
    rcore_lua_script_init(&s, rsdk_str_c("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
    assert_string_equal(s.sha1, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

static int64_t script_count(rsdk_client *c, const char *sha) {
    rsdk_bools r;
    rsdk_str shas[] = {rsdk_str_c(sha)};
    assert_int_equal(rcore_script_exists(c, shas, 1, &r), RSDK_OK);
    assert_int_equal(r.count, 1);
    int64_t v = rsdk_bools_at(&r, 0);
    rsdk_bools_deinit(&r);
    return v;
}

static void first_run_falls_back_then_uses_the_cache(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, true);
        assert_int_equal(rcore_script_flush(c, NULL), RSDK_OK);
        rcore_lua_script s;
        rcore_lua_script_init(&s, rsdk_str_c("return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}"));
        assert_int_equal(script_count(c, s.sha1), 0);
        rsdk_str keys[] = {rsdk_str_c("sc:n")};
        rsdk_str args[] = {rsdk_str_c("a1")};
        for (int round = 1; round <= 2; round++) {
            rsdk_reply *r = NULL;
            assert_int_equal(rcore_lua_script_run(c, &s, keys, 1, args, 1, &r), RSDK_OK);
            assert_int_equal(r->type, RSDK_REPLY_ARRAY);
            assert_int_equal(r->elements, 3);
            assert_string_equal(r->element[0].str, "sc:n");
            assert_string_equal(r->element[1].str, "a1");
            assert_int_equal(r->element[2].integer, round); /* ran exactly once per call */
            rsdk_reply_free(r);
            assert_int_equal(script_count(c, s.sha1), 1);
        }
        rsdk_string loaded;
        assert_int_equal(rcore_script_load(c, s.body, &loaded), RSDK_OK);
        assert_string_equal(loaded.ptr, s.sha1);
        rsdk_string_deinit(&loaded);
        int64_t n;
        assert_int_equal(rcore_del(c, keys, 1, &n), RSDK_OK);
        rsdk_client_close(c);
    }
}

static void script_errors_are_reported(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    rcore_lua_script s;
    rcore_lua_script_init(&s, rsdk_str_c("return redis.call('NOSUCHCOMMAND')"));
    rsdk_reply *r = NULL;
    assert_int_not_equal(rcore_lua_script_run(c, &s, NULL, 0, NULL, 0, &r), RSDK_OK);
    assert_null(r);
    assert_true(strlen(rsdk_client_error(c)->message) > 0);
    assert_int_equal(rcore_lua_script_run(c, NULL, NULL, 0, NULL, 0, &r), RSDK_ERR_INVALID_ARG);
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(digests_are_sha1),
        cmocka_unit_test(first_run_falls_back_then_uses_the_cache),
        cmocka_unit_test(script_errors_are_reported),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
