/* Values are binary-safe: NUL bytes and every byte value round trip, and a
 * 64 MiB value goes out and comes back intact. */
#include "support/live.h"

static void set_get(rsdk_client *c, const char *key, const char *val, size_t len) {
    const char *argv[] = {"SET", key, val};
    size_t lens[] = {3, strlen(key), len};
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command_argv(c, 3, argv, lens, &r), RSDK_OK);
    assert_int_equal(r->type, RSDK_REPLY_STATUS);
    rsdk_reply_free(r);

    const char *gargv[] = {"GET", key};
    r = NULL;
    assert_int_equal(rsdk_client_command_argv(c, 2, gargv, NULL, &r), RSDK_OK);
    assert_int_equal(r->type, RSDK_REPLY_STRING);
    assert_int_equal(r->len, len);
    assert_true(memcmp(r->str, val, len) == 0);
    assert_int_equal(r->str[len], '\0');
    rsdk_reply_free(r);
}

static void test_nul_bytes_round_trip(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, true);
        const char v[] = "a\0b\0\r\n$3\r\n\0";
        set_get(c, "bin:nul", v, sizeof v); /* includes the final NUL too */
        char all[256];
        for (int i = 0; i < 256; i++) all[i] = (char)i;
        set_get(c, "bin:all", all, sizeof all);
        set_get(c, "bin:empty", "", 0);
        rsdk_client_close(c);
    }
}

/* A binary key works as well as a binary value. */
static void test_binary_key(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, false);
    const char key[] = {'k', 0, 'e', 0, 'y'};
    const char *argv[] = {"SET", key, "v"};
    size_t lens[] = {3, sizeof key, 1};
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command_argv(c, 3, argv, lens, &r), RSDK_OK);
    rsdk_reply_free(r);
    const char *sargv[] = {"STRLEN", key};
    size_t slens[] = {6, sizeof key};
    assert_int_equal(rsdk_client_command_argv(c, 2, sargv, slens, &r), RSDK_OK);
    assert_int_equal(r->type, RSDK_REPLY_INTEGER);
    assert_int_equal(r->integer, 1);
    rsdk_reply_free(r);
    /* The C-string key "k" is a different key. */
    r = CMD_OK(c, "EXISTS", "k");
    assert_int_equal(r->integer, 0);
    rsdk_reply_free(r);
    rsdk_client_close(c);
}

static void test_64mib_value_round_trip(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    const size_t len = (size_t)64 * 1024 * 1024;
    char *v = malloc(len);
    assert_non_null(v);
    /* A pattern that changes every byte and is not periodic in 16 KiB, so a
     * misplaced chunk would show. */
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v[i] = (char)(x >> 24);
    }
    for (int use_unix = 0; use_unix <= 1; use_unix++) {
        rsdk_client *c = rsdk_test_client(*state, 3, use_unix);
        set_get(c, "big", v, len);
        rsdk_reply *r = CMD_OK(c, "STRLEN", "big");
        assert_int_equal(r->integer, (int64_t)len);
        rsdk_reply_free(r);
        rsdk_reply_free(CMD_OK(c, "DEL", "big"));
        rsdk_client_close(c);
    }
    free(v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nul_bytes_round_trip),
        cmocka_unit_test(test_binary_key),
        cmocka_unit_test(test_64mib_value_round_trip),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
