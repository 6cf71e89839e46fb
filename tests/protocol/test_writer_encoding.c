/* The RESP writer: exact wire bytes, number formatting, sticky failures. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/writer.h"
#include "rsdk/error.h"

static void assert_buf_eq(const rsdk_buf *b, const char *want, size_t n) {
    assert_int_equal(b->len, n);
    assert_memory_equal(b->data, want, n);
}

static void command_is_resp_array_of_blobs(void **st) {
    (void)st;
    rsdk_buf b;
    rsdk_buf_init(&b);
    const char *argv[] = {"SET", "k\0ey", "v"};
    const size_t lens[] = {3, 4, 1};
    assert_int_equal(rsdk_write_command(&b, 3, argv, lens), RSDK_OK);
    static const char want[] = "*3\r\n$3\r\nSET\r\n$4\r\nk\0ey\r\n$1\r\nv\r\n";
    assert_buf_eq(&b, want, sizeof want - 1);
    rsdk_buf_deinit(&b);
}

static void command_rejects_bad_argv(void **st) {
    (void)st;
    rsdk_buf b;
    rsdk_buf_init(&b);
    const char *argv[] = {"GET", NULL};
    assert_int_equal(rsdk_write_command(&b, 0, argv, NULL), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_write_command(&b, 2, argv, NULL), RSDK_ERR_INVALID_ARG);
    assert_int_equal(b.len, 0);
    rsdk_buf_deinit(&b);
}

static void integers_cover_extremes(void **st) {
    (void)st;
    char t[32];
    assert_int_equal(rsdk_format_int(t, 0), 1);
    assert_string_equal(t, "0");
    rsdk_format_int(t, -42);
    assert_string_equal(t, "-42");
    rsdk_format_int(t, INT64_MAX);
    assert_string_equal(t, "9223372036854775807");
    rsdk_format_int(t, INT64_MIN);
    assert_string_equal(t, "-9223372036854775808");
}

static void doubles_round_trip(void **st) {
    (void)st;
    char t[40];
    rsdk_format_double(t, 3.0);
    assert_string_equal(t, "3");
    rsdk_format_double(t, -0.5);
    assert_string_equal(t, "-0.5");
    rsdk_format_double(t, 0.1);
    assert_string_equal(t, "0.1");
    rsdk_format_double(t, 1.0 / 0.0);
    assert_string_equal(t, "inf");
    rsdk_format_double(t, -1.0 / 0.0);
    assert_string_equal(t, "-inf");
    rsdk_format_double(t, nan(""));
    assert_string_equal(t, "nan");
    /* Every value must parse back to itself, including ones that need %.17g. */
    const double vals[] = {1e300, 5e-324, 123456.789, -2.5e-7, 0.30000000000000004, 1e22, 4503599627370497.5};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        rsdk_format_double(t, vals[i]);
        assert_true(strtod(t, NULL) == vals[i]);
    }
}

static void int_and_double_args(void **st) {
    (void)st;
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_write_array(&b, 2);
    rsdk_write_int(&b, -7);
    rsdk_write_double(&b, 2.25);
    static const char want[] = "*2\r\n$2\r\n-7\r\n$4\r\n2.25\r\n";
    assert_buf_eq(&b, want, sizeof want - 1);
    rsdk_buf_deinit(&b);
}

static void failure_is_sticky(void **st) {
    (void)st;
    rsdk_buf b;
    rsdk_buf_init(&b);
    assert_int_equal(rsdk_write_arg(&b, NULL, 3), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_write_int(&b, 1), RSDK_ERR_INVALID_ARG);
    rsdk_buf_clear(&b);
    assert_int_equal(rsdk_write_int(&b, 1), RSDK_OK);
    rsdk_buf_deinit(&b);
}

/* rsdk_encoded_count: whole commands counted; anything else refused. */
static void encoded_commands_are_counted(void **st) {
    (void)st;
    rsdk_buf b;
    rsdk_buf_init(&b);
    size_t n = 99;
    assert_true(rsdk_encoded_count(b.data, b.len, &n));
    assert_int_equal(n, 0);
    const char *set[] = {"SET", "k", "v\r\n*1"};
    const char *ping[] = {"PING"};
    rsdk_write_command(&b, 3, set, NULL);
    size_t first = b.len;
    rsdk_write_command(&b, 1, ping, NULL);
    assert_true(rsdk_encoded_count(b.data, b.len, &n));
    assert_int_equal(n, 2);
    for (size_t cut = 1; cut < b.len; cut++) /* every cut-off prefix but whole commands */
        if (cut != first) assert_false(rsdk_encoded_count(b.data, cut, &n));
    assert_true(rsdk_encoded_count(b.data, first, &n));
    assert_int_equal(n, 1);
    static const char *const bad[] = {
        "PING\r\n",                   /* inline command */
        "*0\r\n",                     /* empty array */
        "*1\r\n:1\r\n",             /* not a blob string */
        "*1\r\n$-1\r\n",            /* nil argument */
        "*1\r\n$4\r\nPINGxx",       /* no CRLF after the payload */
        "*1\r\n$99999999999999999999999\r\n", /* length overflow */
        "*1\r\n$18446744073709551615\r\nPING\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(rsdk_encoded_count(bad[i], strlen(bad[i]), &n));
    assert_false(rsdk_encoded_count(NULL, 3, &n));
    rsdk_buf_deinit(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(command_is_resp_array_of_blobs),
        cmocka_unit_test(command_rejects_bad_argv),
        cmocka_unit_test(integers_cover_extremes),
        cmocka_unit_test(doubles_round_trip),
        cmocka_unit_test(int_and_double_args),
        cmocka_unit_test(failure_is_sticky),
        cmocka_unit_test(encoded_commands_are_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
