/* Runs of blob strings inside an aggregate (LRANGE, MGET, HGETALL) give the
 * trees and the verdicts a lone item gives, however the input is cut:
 * plain and odd lengths (signs, leading zeros, 18 and more digits), nils,
 * attributes and other types between them, nesting, and a limit or a bad
 * byte met in the middle of a run. */
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

/* Parses `text` whole, byte by byte and cut in two at every point; each
 * time the one reply must dump as `want`. */
static void expect_tree(const char *text, size_t len, const char *want) {
    for (size_t split = 0; split < len; split++) {
        for (size_t chunk = 0; chunk < (split ? 1u : 2u); chunk++) {
            rsdk_reply *r = NULL;
            assert_int_equal(fx_parse(text, len, chunk, split, &r, 1, true), 1);
            char got[1024];
            fx_dump(r, got, sizeof got);
            if (strcmp(got, want) != 0)
                fail_msg("split %zu chunk %zu:\n got  %s\n want %s", split, chunk, got, want);
            rsdk_reply_free(r);
        }
    }
}

static void plain_runs_give_their_strings(void **st) {
    (void)st;
    expect_tree(S("*3\r\n$1\r\na\r\n$2\r\nbc\r\n$0\r\n\r\n"), "*[\"a\",\"bc\",\"\"]");
    expect_tree(S("*2\r\n$4\r\n\r\n\r\n\r\n$1\r\n$\r\n"), "*[\"\\r\\n\\r\\n\",\"$\"]");
    expect_tree(S("%2\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nk2\r\n$2\r\nv2\r\n"), "%{\"k\":\"v\",\"k2\":\"v2\"}");
    expect_tree(S("~2\r\n$3\r\nabc\r\n$12\r\n0123456789ab\r\n"), "~[\"abc\",\"0123456789ab\"]");
}

static void odd_lengths_inside_runs_read_as_alone(void **st) {
    (void)st;
    expect_tree(S("*3\r\n$1\r\na\r\n$-1\r\n$1\r\nb\r\n"), "*[\"a\",_,\"b\"]");
    expect_tree(S("*3\r\n$+1\r\na\r\n$-0\r\n\r\n$01\r\nb\r\n"), "*[\"a\",\"\",\"b\"]");
    expect_tree(S("*2\r\n$000000000000000003\r\nabc\r\n$0000000000000000000004\r\nabcd\r\n"),
                "*[\"abc\",\"abcd\"]");
    expect_tree(S("*2\r\n$-01\r\n$100\r\n"
                  "0123456789012345678901234567890123456789012345678901234567890123456789"
                  "012345678901234567890123456789\r\n"),
                "*[_,\"0123456789012345678901234567890123456789012345678901234567890123456789"
                "012345678901234567890123456789\"]");
}

static void other_items_and_nesting_break_runs_cleanly(void **st) {
    (void)st;
    expect_tree(S("*4\r\n$1\r\na\r\n:5\r\n$1\r\nb\r\n+OK\r\n"), "*[\"a\",:5,\"b\",+\"OK\"]");
    expect_tree(S("*2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"), "*[*[\"a\",\"b\"],\"c\"]");
    expect_tree(S("*3\r\n$1\r\na\r\n|1\r\n+k\r\n+v\r\n$1\r\nb\r\n$1\r\nc\r\n"),
                "*[\"a\",|%{+\"k\":+\"v\"}\"b\",\"c\"]");
    expect_tree(S("*2\r\n$1\r\na\r\n=7\r\ntxt:abc\r\n"), "*[\"a\",=txt:\"abc\"]");
    expect_tree(S("*2\r\n*0\r\n$1\r\na\r\n"), "*[*[],\"a\"]");
}

static void a_run_stops_at_the_end_of_its_reply(void **st) {
    (void)st;
    static const char two[] = "*1\r\n$1\r\na\r\n$1\r\nb\r\n";
    for (size_t chunk = 0; chunk < 3; chunk++) {
        rsdk_reply *r[2] = {NULL, NULL};
        assert_int_equal(fx_parse(two, sizeof two - 1, chunk, 0, r, 2, true), 2);
        char a[64], b[64];
        assert_string_equal(fx_dump(r[0], a, sizeof a), "*[\"a\"]");
        assert_string_equal(fx_dump(r[1], b, sizeof b), "\"b\"");
        fx_free_all(r, 2);
    }
}

static void a_long_run_builds_every_element(void **st) {
    (void)st;
    enum { N = 1000, VLEN = 63 };
    size_t cap = 16 + (size_t)N * (VLEN + 8), len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "*%d\r\n", N);
    for (int i = 0; i < N; i++) {
        len += (size_t)snprintf(text + len, cap - len, "$%d\r\n", VLEN);
        for (int k = 0; k < VLEN; k++) text[len++] = (char)('a' + (i + k) % 26);
        memcpy(text + len, "\r\n", 2);
        len += 2;
    }
    for (size_t chunk = 0; chunk < 3; chunk++) { /* whole, bytes, pieces of 2 */
        rsdk_reply *r = NULL;
        assert_int_equal(fx_parse(text, len, chunk, 0, &r, 1, true), 1);
        assert_int_equal(r->type, RSDK_REPLY_ARRAY);
        assert_int_equal(r->elements, N);
        for (int i = 0; i < N; i++) {
            const rsdk_reply *e = &r->element[i];
            assert_int_equal(e->type, RSDK_REPLY_STRING);
            assert_int_equal(e->len, VLEN);
            assert_int_equal(e->str[0], 'a' + i % 26);
            assert_int_equal(e->str[VLEN], '\0');
        }
        rsdk_reply_free(r);
    }
    free(text);
}

/* Fed whole and byte by byte into a reader with these limits (0: default):
 * both must fail with `msg`. */
static void expect_bad(size_t max_bulk, size_t max_reply, const char *text, size_t len, const char *msg) {
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        rsdk_reader_limits l;
        rsdk_reader_limits_init(&l);
        if (max_bulk) l.max_bulk_bytes = max_bulk;
        if (max_reply) l.max_reply_bytes = max_reply;
        rsdk_reader *r = NULL;
        assert_int_equal(rsdk_reader_new(&l, &r), RSDK_OK);
        assert_non_null(r);
        rsdk_status s = RSDK_OK;
        rsdk_reply *rep = NULL;
        for (size_t off = 0; off < len && s == RSDK_OK; off += bytewise ? 1 : len) {
            s = rsdk_reader_feed(r, text + off, bytewise ? 1 : len);
            if (s == RSDK_OK) s = rsdk_reader_get(r, &rep);
            assert_null(rep);
        }
        assert_int_equal(s, RSDK_ERR_PROTOCOL);
        if (strcmp(rsdk_reader_error(r)->message, msg) != 0)
            fail_msg("%s:\n got  %s\n want %s", bytewise ? "byte by byte" : "whole", rsdk_reader_error(r)->message,
                     msg);
        rsdk_reader_free(r);
    }
}

static void a_fault_inside_a_run_gets_the_lone_item_message(void **st) {
    (void)st;
    expect_bad(8, 0, S("*3\r\n$1\r\na\r\n$3\r\nabc\r\n$9\r\nabcdefghi\r\n"),
               "protocol: bulk length 9 exceeds max_bulk_bytes 8");
    expect_bad(0, 200, S("*3\r\n$5\r\nabcde\r\n$5\r\nabcde\r\n$200\r\nabcde\r\n"),
               "protocol: reply size 234 exceeds max_reply_bytes 200");
    expect_bad(0, 0, S("*2\r\n$1\r\na\r\n$1\r\nbX\r\n"), "protocol: missing \\r\\n after bulk data at offset 16");
    expect_bad(0, 0, S("*2\r\n$1\r\na\r\n$99999999999999999999\r\n"), "protocol: bulk length overflows at offset 30");
    expect_bad(0, 0, S("*2\r\n$1\r\na\r\n$\r\n"), "protocol: missing bulk length at offset 12");
    expect_bad(0, 0, S("*2\r\n$1\r\na\r\n$-2\r\n"), "protocol: negative length -2 at offset 11");
    expect_bad(0, 0, S("*2\r\n$1\r\na\r\n$1x\r\n"), "protocol: bad digit 0x78 in bulk length at offset 13");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_runs_give_their_strings),
        cmocka_unit_test(odd_lengths_inside_runs_read_as_alone),
        cmocka_unit_test(other_items_and_nesting_break_runs_cleanly),
        cmocka_unit_test(a_run_stops_at_the_end_of_its_reply),
        cmocka_unit_test(a_long_run_builds_every_element),
        cmocka_unit_test(a_fault_inside_a_run_gets_the_lone_item_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
