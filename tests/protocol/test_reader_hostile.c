/* Malformed input — bad type bytes, bad digits, overflowing numbers,
 * missing CRLF, negative lengths, bad verbatim/boolean/double/null/bignum —
 * gets RSDK_ERR_PROTOCOL with a message giving the stream offset, never a
 * crash; the reader then stays dead. Truncated input is simply incomplete. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "support/resp_fixture.h"
#include "rsdk/reader.h"

#define S(lit) lit, sizeof(lit) - 1

/* Feeds whole, then byte by byte: both must fail with the same message. */
static void expect_bad(const char *text, size_t len, const char *msg) {
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        rsdk_reader *r = NULL;
        assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
        rsdk_status s = RSDK_OK;
        rsdk_reply *rep = NULL;
        size_t step = bytewise ? 1 : len;
        for (size_t off = 0; off < len && s == RSDK_OK; off += step) {
            s = rsdk_reader_feed(r, text + off, step);
            assert_int_equal(s, RSDK_OK);
            while ((s = rsdk_reader_get(r, &rep)) == RSDK_OK && rep) rsdk_reply_free(rep);
        }
        if (s != RSDK_ERR_PROTOCOL) fail_msg("wanted \"%s\", got %s", msg, rsdk_status_name(s));
        assert_int_equal(rsdk_reader_error(r)->code, RSDK_ERR_PROTOCOL);
        if (strcmp(rsdk_reader_error(r)->message, msg) != 0)
            fail_msg("%s:\n got  %s\n want %s", bytewise ? "byte by byte" : "whole", rsdk_reader_error(r)->message, msg);
        /* Dead from now on. */
        assert_int_equal(rsdk_reader_feed(r, "+OK\r\n", 5), RSDK_ERR_PROTOCOL);
        assert_int_equal(rsdk_reader_get(r, &rep), RSDK_ERR_PROTOCOL);
        assert_int_equal(rsdk_reader_get(r, &rep), RSDK_ERR_PROTOCOL);
        assert_string_equal(rsdk_reader_error(r)->message, msg);
        rsdk_reader_free(r);
    }
}

static void bad_type_bytes(void **st) {
    (void)st;
    expect_bad(S("?"), "protocol: bad type byte 0x3f at offset 0");
    expect_bad(S("PING\r\n"), "protocol: bad type byte 0x50 at offset 0");
    expect_bad(S("\r\n"), "protocol: bad type byte 0x0d at offset 0");
    expect_bad(S("*2\r\n:1\r\n\x00"), "protocol: bad type byte 0x00 at offset 8");
    /* Offsets count the whole stream, across earlier replies. */
    expect_bad(S("+OK\r\n+OK\r\n*2\r\n:1\r\n?"), "protocol: bad type byte 0x3f at offset 18");
    /* Streamed aggregates and chunked strings are not supported. */
    expect_bad(S("*?\r\n"), "protocol: bad digit 0x3f in aggregate length at offset 1");
    expect_bad(S("$?\r\n;4\r\nabcd\r\n;0\r\n"), "protocol: bad digit 0x3f in bulk length at offset 1");
}

static void offsets_stay_right_after_many_replies(void **st) {
    (void)st;
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    rsdk_reply *rep;
    for (int i = 0; i < 10000; i++) {
        assert_int_equal(fx_feed_get(r, S("+OK\r\n"), &rep), RSDK_OK);
        rsdk_reply_free(rep);
    }
    /* A partial reply left in the buffer, then a compaction. */
    char big[70000];
    memset(big, ':', sizeof big);
    for (size_t i = 0; i + 4 <= sizeof big; i += 4) memcpy(big + i, ":1\r\n", 4);
    assert_int_equal(fx_feed_get(r, S("+OK\r\n*20000\r\n"), &rep), RSDK_OK);
    assert_string_equal(rep->str, "OK");
    rsdk_reply_free(rep);
    assert_int_equal(rsdk_reader_get(r, &rep), RSDK_OK);
    assert_null(rep);
    assert_int_equal(fx_feed_get(r, big, sizeof big, &rep), RSDK_OK);
    assert_null(rep);
    assert_int_equal(fx_feed_get(r, S("x"), &rep), RSDK_ERR_PROTOCOL);
    assert_string_equal(rsdk_reader_error(r)->message, "protocol: bad type byte 0x78 at offset 120013");
    rsdk_reader_free(r);
}

static void bad_digits(void **st) {
    (void)st;
    expect_bad(S("$1x\r\n"), "protocol: bad digit 0x78 in bulk length at offset 2");
    expect_bad(S(":12a\r\n"), "protocol: bad digit 0x61 in integer at offset 3");
    expect_bad(S(": 1\r\n"), "protocol: bad digit 0x20 in integer at offset 1");
    expect_bad(S(":1.5\r\n"), "protocol: bad digit 0x2e in integer at offset 2");
    expect_bad(S("*\r\n"), "protocol: missing aggregate length at offset 1");
    expect_bad(S(":-\r\n"), "protocol: missing integer at offset 2");
    expect_bad(S(":\r\n"), "protocol: missing integer at offset 1");
    expect_bad(S("%x\r\n"), "protocol: bad digit 0x78 in aggregate length at offset 1");
    expect_bad(S("*1\r\n:--1\r\n"), "protocol: bad digit 0x2d in integer at offset 6");
}

static void overflowing_numbers(void **st) {
    (void)st;
    expect_bad(S(":9223372036854775808\r\n"), "protocol: integer overflows at offset 19");
    expect_bad(S(":-9223372036854775809\r\n"), "protocol: integer overflows at offset 20");
    expect_bad(S(":99999999999999999999999\r\n"), "protocol: integer overflows at offset 19");
    expect_bad(S("$99999999999999999999\r\n"), "protocol: bulk length overflows at offset 19");
    expect_bad(S("*18446744073709551616\r\n"), "protocol: aggregate length overflows at offset 20");
    /* Detected before the CRLF arrives. */
    expect_bad(S(":123456789012345678901234"), "protocol: integer overflows at offset 20");
    /* Leading zeros cannot make a line endless. */
    char zeros[80];
    zeros[0] = ':';
    memset(zeros + 1, '0', sizeof zeros - 1);
    expect_bad(zeros, sizeof zeros, "protocol: integer too long at offset 1");

    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    rsdk_reply *rep;
    assert_int_equal(fx_feed_get(r, S(":-9223372036854775808\r\n"), &rep), RSDK_OK);
    assert_true(rep->integer == INT64_MIN);
    rsdk_reply_free(rep);
    assert_int_equal(fx_feed_get(r, S(":9223372036854775807\r\n"), &rep), RSDK_OK);
    assert_true(rep->integer == INT64_MAX);
    rsdk_reply_free(rep);
    rsdk_reader_free(r);
}

static void missing_crlf(void **st) {
    (void)st;
    expect_bad(S("+OK\rX"), "protocol: missing \\r\\n at offset 3");
    expect_bad(S(":1\rx"), "protocol: missing \\r\\n at offset 2");
    expect_bad(S("*1\n"), "protocol: bad digit 0x0a in aggregate length at offset 2");
    expect_bad(S("$3\r\nfooXY"), "protocol: missing \\r\\n after bulk data at offset 7");
    expect_bad(S("$3\r\nfoo\r\r"), "protocol: missing \\r\\n after bulk data at offset 7");
    expect_bad(S("$3\r\nfoobar\r\n"), "protocol: missing \\r\\n after bulk data at offset 7");
}

/* RESP lines end with CRLF and hold neither CR nor LF. A bare LF is
 * refused the moment it arrives (expect_bad feeds byte by byte too, so the
 * verdict cannot wait for a later CR), never read as a line end and never
 * kept inside a status. */
static void line_feed_inside_a_line(void **st) {
    (void)st;
    expect_bad(S("+OK\n"), "protocol: line feed without carriage return at offset 3");
    expect_bad(S("+OK\n+OK\r\n"), "protocol: line feed without carriage return at offset 3");
    expect_bad(S("-ERR bad\nthing\r\n"), "protocol: line feed without carriage return at offset 8");
    expect_bad(S("*2\r\n+a\r\n(12\n"), "protocol: line feed without carriage return at offset 11");
    expect_bad(S(",1.5\n"), "protocol: line feed without carriage return at offset 4");
    expect_bad(S("_\n"), "protocol: line feed without carriage return at offset 1");
    expect_bad(S("#t\n"), "protocol: line feed without carriage return at offset 2");
    /* After earlier whole replies, the offset still counts the stream. */
    expect_bad(S("+OK\r\n+OK\n"), "protocol: line feed without carriage return at offset 8");
    /* A CR inside a line is no line end either. */
    expect_bad(S("+O\rK\r\n"), "protocol: missing \\r\\n at offset 2");
    /* Number lines: the LF is a bad digit, at once. */
    expect_bad(S(":12\n"), "protocol: bad digit 0x0a in integer at offset 3");
    expect_bad(S("$3\nabc\r\n"), "protocol: bad digit 0x0a in bulk length at offset 2");
    expect_bad(S("*1\n"), "protocol: bad digit 0x0a in aggregate length at offset 2");
}

static void negative_lengths_other_than_nil(void **st) {
    (void)st;
    expect_bad(S("$-2\r\n"), "protocol: negative length -2 at offset 0");
    expect_bad(S("*-5\r\n"), "protocol: negative length -5 at offset 0");
    expect_bad(S("%-1\r\n"), "protocol: negative length -1 at offset 0");
    expect_bad(S("~-1\r\n"), "protocol: negative length -1 at offset 0");
    expect_bad(S("!-1\r\n"), "protocol: negative length -1 at offset 0");
    expect_bad(S("=-1\r\n"), "protocol: negative length -1 at offset 0");
}

static void verbatim_needs_its_format(void **st) {
    (void)st;
    expect_bad(S("=3\r\ntxt\r\n"), "protocol: verbatim string without a \"xxx:\" format at offset 0");
    expect_bad(S("=5\r\ntxt-x\r\n"), "protocol: verbatim string without a \"xxx:\" format at offset 0");
    expect_bad(S("=0\r\n\r\n"), "protocol: verbatim string without a \"xxx:\" format at offset 0");
    expect_bad(S("=8\r\nt+\0:abcd\r\n"), "protocol: verbatim string without a \"xxx:\" format at offset 0");
    expect_bad(S("=8\r\nt x:abcd\r\n"), "protocol: verbatim string without a \"xxx:\" format at offset 0");
}

static void bad_scalars(void **st) {
    (void)st;
    expect_bad(S("#x\r\n"), "protocol: bad boolean at offset 0 (expected #t or #f)");
    expect_bad(S("#tt\r\n"), "protocol: bad boolean at offset 0 (expected #t or #f)");
    expect_bad(S("#\r\n"), "protocol: bad boolean at offset 0 (expected #t or #f)");
    expect_bad(S("#T\r\n"), "protocol: bad boolean at offset 0 (expected #t or #f)");
    expect_bad(S("_x\r\n"), "protocol: bad null at offset 0");
    expect_bad(S("(12a\r\n"), "protocol: bad big number at offset 0");
    expect_bad(S("(\r\n"), "protocol: bad big number at offset 0");
    expect_bad(S("(-\r\n"), "protocol: bad big number at offset 0");
    static const char *const doubles[] = {",abc\r\n", ",1.2.3\r\n", ",\r\n", ",1e\r\n", ",0x10\r\n", ", 1\r\n",
                                          ",infinity\r\n", ",--1\r\n", ",1e+\r\n", ",.\r\n", ",inf \r\n", ",NaN\r\n",
                                          ",1,5\r\n", ",-\r\n"};
    for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++)
        expect_bad(doubles[i], strlen(doubles[i]), "protocol: bad double at offset 0");
}

static void truncated_input_is_incomplete_not_an_error(void **st) {
    (void)st;
    static const char *const parts[] = {"$5\r\nab", "*3\r\n:1\r\n", "%1\r\n+k\r\n", "|1\r\n+k\r\n+v\r\n",
                                        ":12",      "+OK\r",      "$-",          "=10\r\ntxt:"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        rsdk_reader *r = NULL;
        assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
        rsdk_reply *rep = (rsdk_reply *)1;
        assert_int_equal(fx_feed_get(r, parts[i], strlen(parts[i]), &rep), RSDK_OK);
        assert_null(rep);
        assert_int_equal(rsdk_reader_pending(r), strlen(parts[i]));
        assert_int_equal(rsdk_reader_error(r)->code, RSDK_OK);
        rsdk_reader_free(r);
    }
}

/* Pseudo-random garbage (a fixed LCG, so failures reproduce): every input
 * either parses, waits for more, or fails cleanly with a message. */
static void garbage_never_crashes(void **st) {
    (void)st;
    static const char alphabet[] = "$*%~>|:+-!=,#_(\r\n0123456789-tf.:?x";
    uint32_t seed = 12345;
    char buf[64];
    for (int round = 0; round < 20000; round++) {
        size_t len = 1 + round % (sizeof buf - 1);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        rsdk_reader *r = NULL;
        assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
        rsdk_reply *rep = NULL;
        rsdk_status s = rsdk_reader_feed(r, buf, len);
        while (s == RSDK_OK && (s = rsdk_reader_get(r, &rep)) == RSDK_OK && rep) rsdk_reply_free(rep);
        if (s != RSDK_OK) {
            assert_int_equal(s, RSDK_ERR_PROTOCOL);
            assert_memory_equal(rsdk_reader_error(r)->message, "protocol: ", 10);
        }
        rsdk_reader_free(r);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_type_bytes),
        cmocka_unit_test(offsets_stay_right_after_many_replies),
        cmocka_unit_test(bad_digits),
        cmocka_unit_test(overflowing_numbers),
        cmocka_unit_test(missing_crlf),
        cmocka_unit_test(line_feed_inside_a_line),
        cmocka_unit_test(negative_lengths_other_than_nil),
        cmocka_unit_test(verbatim_needs_its_format),
        cmocka_unit_test(bad_scalars),
        cmocka_unit_test(truncated_input_is_incomplete_not_an_error),
        cmocka_unit_test(garbage_never_crashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
