/* rjson_set_encode (the json_t written straight into the command buffer)
 * gives exactly the bytes of rjson_set_str_encode with Jansson's compact
 * text: with options after the value, for values larger than the room
 * reserved up front, after earlier commands in the buffer; a NULL value
 * leaves the buffer as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/json_value.h"

static void same_as_text(const json_t *v, const rjson_set_str_opts *opts, const char *before) {
    rsdk_buf a, b;
    rsdk_buf_init(&a);
    rsdk_buf_init(&b);
    rsdk_buf_append(&a, before, strlen(before));
    rsdk_buf_append(&b, before, strlen(before));
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    assert_non_null(text);
    assert_int_equal(rjson_set_encode(&a, "k", "$.x", v, opts, NULL), RSDK_OK);
    assert_int_equal(rjson_set_str_encode(&b, "k", "$.x", text, opts, NULL), RSDK_OK);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    free(text);
    rsdk_buf_deinit(&a);
    rsdk_buf_deinit(&b);
}

static void bytes_match_the_text_form(void **st) {
    (void)st;
    json_t *small = json_pack("{s:i, s:[s, b, n], s:f}", "a", 1, "l", "x\"y\xc3\xa9", 1, "f", 0.25);
    same_as_text(small, NULL, "");
    same_as_text(small, &(rjson_set_str_opts){.condition = RJSON_SET_STR_CONDITION_XX}, "");
    same_as_text(small, &(rjson_set_str_opts){.condition = RJSON_SET_STR_CONDITION_NX, .fpha = RJSON_SET_STR_FPHA_BF16},
                 "*1\r\n$4\r\nPING\r\n");
    json_t *scalar = json_integer(-42);
    same_as_text(scalar, NULL, "");
    json_t *big = json_array();
    for (int i = 0; i < 3000; i++) json_array_append_new(big, json_string("0123456789"));
    same_as_text(big, &(rjson_set_str_opts){.condition = RJSON_SET_STR_CONDITION_NX}, "+junk");
    json_decref(small);
    json_decref(scalar);
    json_decref(big);
}

static void null_value_leaves_the_buffer(void **st) {
    (void)st;
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_buf_append(&b, "abc", 3);
    rsdk_error err;
    assert_int_equal(rjson_set_encode(&b, "k", "$", NULL, NULL, &err), RSDK_ERR_INVALID_ARG);
    assert_string_equal(err.message, "JSON.SET: value: NULL json_t");
    assert_int_equal(b.len, 3);
    json_t *v = json_true();
    assert_int_equal(rjson_set_encode(&b, rsdk_str_n(NULL, 1), "$", v, NULL, &err), RSDK_ERR_INVALID_ARG);
    assert_string_equal(err.message, "JSON.SET: key: NULL pointer with non-zero length");
    assert_int_equal(b.len, 3);
    rsdk_buf_deinit(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bytes_match_the_text_form),
        cmocka_unit_test(null_value_leaves_the_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
