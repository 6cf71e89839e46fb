/* Every reader limit turns an over-limit reply into RSDK_ERR_PROTOCOL with
 * a message naming the limit, accepts replies exactly at the limit, and
 * leaves the reader dead afterwards. */
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
#include "rsdk/reader.h"

static rsdk_reader *reader_with(size_t bulk, size_t elements, unsigned depth, size_t reply) {
    rsdk_reader_limits l;
    rsdk_reader_limits_init(&l);
    if (bulk) l.max_bulk_bytes = bulk;
    if (elements) l.max_elements = elements;
    if (depth) l.max_depth = depth;
    if (reply) l.max_reply_bytes = reply;
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(&l, &r), RSDK_OK);
    assert_non_null(r);
    return r;
}

/* Feeds `text` whole and expects a protocol error with `msg`; then checks
 * that the reader stays dead. */
static void expect_fail(rsdk_reader *r, const char *text, size_t len, const char *msg) {
    rsdk_reply *rep = NULL;
    rsdk_status s = fx_feed_get(r, text, len, &rep);
    if (s != RSDK_ERR_PROTOCOL)
        fail_msg("%s: got %s, wanted RSDK_ERR_PROTOCOL (%s)", msg, rsdk_status_name(s), rsdk_reader_error(r)->message);
    assert_null(rep);
    assert_int_equal(rsdk_reader_error(r)->code, RSDK_ERR_PROTOCOL);
    assert_string_equal(rsdk_reader_error(r)->message, msg);
    /* Dead: nothing more goes in or comes out, and the message stays. */
    assert_int_equal(rsdk_reader_feed(r, "+OK\r\n", 5), RSDK_ERR_PROTOCOL);
    assert_int_equal(rsdk_reader_get(r, &rep), RSDK_ERR_PROTOCOL);
    char *area;
    size_t avail;
    assert_int_equal(rsdk_reader_space(r, 16, &area, &avail), RSDK_ERR_PROTOCOL);
    assert_string_equal(rsdk_reader_error(r)->message, msg);
    rsdk_reader_free(r);
}

static void expect_ok(rsdk_reader *r, const char *text, size_t len, rsdk_reply_type type) {
    rsdk_reply *rep = NULL;
    rsdk_status s = fx_feed_get(r, text, len, &rep);
    if (s != RSDK_OK) fail_msg("got %s: %s", rsdk_status_name(s), rsdk_reader_error(r)->message);
    assert_non_null(rep);
    assert_int_equal(rep->type, type);
    rsdk_reply_free(rep);
    rsdk_reader_free(r);
}

#define S(lit) lit, sizeof(lit) - 1

static void defaults_are_documented_values(void **st) {
    (void)st;
    rsdk_reader_limits l;
    rsdk_reader_limits_init(&l);
    assert_int_equal(l.max_bulk_bytes, (size_t)512 << 20);
    assert_int_equal(l.max_elements, (size_t)1 << 27);
    assert_int_equal(l.max_depth, 128);
    assert_int_equal(l.max_reply_bytes, (size_t)1 << 30);
    assert_int_equal(l.max_line_bytes, (size_t)64 << 10);
}

static void bulk_length_over_max_bulk_bytes(void **st) {
    (void)st;
    expect_fail(reader_with(0, 0, 0, 0), S("$9999999999\r\n"),
                "protocol: bulk length 9999999999 exceeds max_bulk_bytes 536870912");
    expect_fail(reader_with(10, 0, 0, 0), S("$11\r\n"), "protocol: bulk length 11 exceeds max_bulk_bytes 10");
    expect_fail(reader_with(10, 0, 0, 0), S("!11\r\n"), "protocol: bulk length 11 exceeds max_bulk_bytes 10");
    expect_fail(reader_with(10, 0, 0, 0), S("=15\r\n"), "protocol: bulk length 15 exceeds max_bulk_bytes 10");
    /* Inside an aggregate, too. */
    expect_fail(reader_with(10, 0, 0, 0), S("*2\r\n$1\r\na\r\n$12\r\n"),
                "protocol: bulk length 12 exceeds max_bulk_bytes 10");
    expect_ok(reader_with(10, 0, 0, 0), S("$10\r\n0123456789\r\n"), RSDK_REPLY_STRING);
}

static rsdk_reader *reader_with_line(size_t line) {
    rsdk_reader_limits l;
    rsdk_reader_limits_init(&l);
    l.max_line_bytes = line;
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(&l, &r), RSDK_OK);
    assert_non_null(r);
    return r;
}

static void simple_line_over_max_line_bytes(void **st) {
    (void)st;
    /* No CRLF yet, and already longer than any allowed line. */
    expect_fail(reader_with_line(10), S("+01234567890"),
                "protocol: line at offset 0 is longer than max_line_bytes 10");
    expect_fail(reader_with_line(10), S("*1\r\n-01234567890123\r\n"),
                "protocol: line at offset 4 is longer than max_line_bytes 10");
    expect_fail(reader_with_line(10), S(",1.0000000000\r\n"),
                "protocol: line at offset 0 is longer than max_line_bytes 10");
    expect_fail(reader_with_line(10), S("(12345678901\r\n"),
                "protocol: line at offset 0 is longer than max_line_bytes 10");
    /* The verdict must not depend on whether the '\n' has arrived yet. */
    expect_fail(reader_with_line(10), S("+01234567890\r"),
                "protocol: line at offset 0 is longer than max_line_bytes 10");
    /* At the limit: fine. Blob strings are not lines: max_bulk_bytes. */
    expect_ok(reader_with_line(10), S("+0123456789\r\n"), RSDK_REPLY_STATUS);
    expect_ok(reader_with_line(10), S("-0123456789\r\n"), RSDK_REPLY_ERROR);
    expect_ok(reader_with_line(10), S("$11\r\n01234567890\r\n"), RSDK_REPLY_STRING);
}

/* The default line limit stops a line that never ends after 64 KiB, not
 * after max_bulk_bytes (512 MiB) as before: at most that much is buffered. */
static void default_line_limit_stops_an_endless_line(void **st) {
    (void)st;
    size_t n = ((size_t)64 << 10) + 2;
    char *line = malloc(n);
    assert_non_null(line);
    line[0] = '+';
    memset(line + 1, 'x', n - 1);
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    rsdk_reply *rep = NULL;
    assert_int_equal(fx_feed_get(r, line, n - 1, &rep), RSDK_OK); /* 65536 bytes: at the limit */
    assert_null(rep);
    expect_fail(r, line + n - 1, 1, "protocol: line at offset 0 is longer than max_line_bytes 65536");
    free(line);
}

static void aggregate_over_max_elements(void **st) {
    (void)st;
    expect_fail(reader_with(0, 0, 0, 0), S("*2000000000\r\n"),
                "protocol: aggregate length 2000000000 exceeds max_elements 134217728");
    expect_fail(reader_with(0, 4, 0, 0), S("*5\r\n"), "protocol: aggregate length 5 exceeds max_elements 4");
    expect_fail(reader_with(0, 4, 0, 0), S("~5\r\n"), "protocol: aggregate length 5 exceeds max_elements 4");
    expect_fail(reader_with(0, 4, 0, 0), S(">5\r\n"), "protocol: aggregate length 5 exceeds max_elements 4");
    /* A map of 3 pairs holds 6 elements. */
    expect_fail(reader_with(0, 4, 0, 0), S("%3\r\n"), "protocol: aggregate length 3 pairs exceeds max_elements 4");
    expect_fail(reader_with(0, 4, 0, 0), S("|3\r\n"), "protocol: aggregate length 3 pairs exceeds max_elements 4");
    expect_ok(reader_with(0, 4, 0, 0), S("*4\r\n:1\r\n:2\r\n:3\r\n:4\r\n"), RSDK_REPLY_ARRAY);
    expect_ok(reader_with(0, 4, 0, 0), S("%2\r\n:1\r\n:2\r\n:3\r\n:4\r\n"), RSDK_REPLY_MAP);
}

/* "*<n>" nested n deep around one integer. */
static char *nested(unsigned n, size_t *len) {
    char *s = malloc((size_t)n * 4 + 8);
    size_t l = 0;
    for (unsigned i = 0; i < n; i++) {
        memcpy(s + l, "*1\r\n", 4);
        l += 4;
    }
    memcpy(s + l, ":7\r\n", 4);
    *len = l + 4;
    return s;
}

static void nesting_over_max_depth(void **st) {
    (void)st;
    size_t len;
    char *s = nested(3, &len);
    expect_ok(reader_with(0, 0, 3, 0), s, len, RSDK_REPLY_ARRAY);
    free(s);
    s = nested(4, &len);
    expect_fail(reader_with(0, 0, 3, 0), s, len, "protocol: nesting depth 4 exceeds max_depth 3 at offset 12");
    free(s);

    /* Default 128. */
    s = nested(128, &len);
    expect_ok(reader_with(0, 0, 0, 0), s, len, RSDK_REPLY_ARRAY);
    free(s);
    s = nested(129, &len);
    expect_fail(reader_with(0, 0, 0, 0), s, len, "protocol: nesting depth 129 exceeds max_depth 128 at offset 512");
    free(s);

    /* An attribute is a level of nesting too. */
    expect_fail(reader_with(0, 0, 1, 0), S("*1\r\n|1\r\n+k\r\n+v\r\n:1\r\n"),
                "protocol: nesting depth 2 exceeds max_depth 1 at offset 4");
    /* Empty aggregates open no level. */
    expect_ok(reader_with(0, 0, 1, 0), S("*1\r\n*0\r\n"), RSDK_REPLY_ARRAY);
}

static void depth_is_capped_at_1024_whatever_is_asked(void **st) {
    (void)st;
    size_t len;
    char *s = nested(1024, &len);
    expect_ok(reader_with(0, 0, 5000, 0), s, len, RSDK_REPLY_ARRAY);
    free(s);
    s = nested(1025, &len);
    expect_fail(reader_with(0, 0, 5000, 0), s, len, "protocol: nesting depth 1025 exceeds max_depth 1024 at offset 4096");
    free(s);
}

static void reply_over_max_reply_bytes(void **st) {
    (void)st;
    /* Known from a bulk header before its data arrives. */
    expect_fail(reader_with(0, 0, 0, 64), S("$100\r\n"), "protocol: reply size 108 exceeds max_reply_bytes 64");
    expect_fail(reader_with(0, 0, 0, 200), S("*3\r\n$30\r\n012345678901234567890123456789\r\n$160\r\n"),
                "protocol: reply size 209 exceeds max_reply_bytes 200");
    /* Known once more bytes are buffered than one reply may take. */
    expect_fail(reader_with(0, 0, 0, 64),
                S("+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
                "protocol: reply size exceeds max_reply_bytes 64 (97 bytes buffered)");
    /* Exactly at the limit is fine, and the limit is per reply. The tree
     * of "$9 012345678" is one arena: a 16-byte header, one node and 10
     * string bytes. */
    size_t at = 16 + sizeof(rsdk_reply) + 10;
    rsdk_reader *r = reader_with(0, 0, 0, at);
    for (int i = 0; i < 3; i++) {
        rsdk_reply *rep = NULL;
        assert_int_equal(fx_feed_get(r, S("$9\r\n012345678\r\n"), &rep), RSDK_OK);
        assert_non_null(rep);
        assert_int_equal(rep->len, 9);
        rsdk_reply_free(rep);
    }
    char msg[160];
    snprintf(msg, sizeof msg,
             "protocol: reply tree of 1 nodes and 11 string bytes needs %zu bytes, over max_reply_bytes %zu",
             at + 1, at);
    expect_fail(r, S("$10\r\n0123456789\r\n"), msg);
}

/* max_reply_bytes bounds the memory of a reply's tree, nodes included, not
 * only its bytes on the wire: small items cost a node each (40 bytes on
 * 64-bit), many times their wire size. */
static void reply_memory_counts_nodes(void **st) {
    (void)st;
    assert_int_equal(sizeof(rsdk_reply), sizeof(void *) == 8 ? 40 : sizeof(rsdk_reply));
    /* A count whose nodes alone cannot fit is refused at its header, before
     * its items are buffered: 16 M nulls (48 MB on the wire) under 64 MiB. */
    rsdk_test_alloc_install();
    expect_fail(reader_with(0, 0, 0, (size_t)64 << 20), S("*16000000\r\n_\r\n_\r\n"),
                "protocol: aggregate of 16000000 elements at offset 0 needs more than max_reply_bytes 67108864 of memory");
    expect_fail(reader_with(0, 0, 0, (size_t)64 << 20), S("*1\r\n%9000000\r\n"),
                "protocol: aggregate of 9000000 pairs at offset 4 needs more than max_reply_bytes 67108864 of memory");
    assert_true(rsdk_test_alloc_stats_get().bytes < ((size_t)1 << 20));
    rsdk_test_alloc_remove();

    /* 1,000,000 small integers (4 MB on the wire) need 40 MB of tree: over
     * a 32 MiB limit, at the header. At 48 MiB they fit, and everything the
     * reader allocated for them (wire buffer and tree) stays under 2 x the
     * limit. */
    size_t n = 1000000, len = 0;
    char *wire = malloc(16 + n * 4);
    assert_non_null(wire);
    len = (size_t)sprintf(wire, "*%zu\r\n", n);
    for (size_t i = 0; i < n; i++, len += 4) memcpy(wire + len, ":7\r\n", 4);
    expect_fail(reader_with(0, 0, 0, (size_t)32 << 20), wire, len,
                "protocol: aggregate of 1000000 elements at offset 0 needs more than max_reply_bytes 33554432 of memory");
    rsdk_test_alloc_install();
    rsdk_reader *r = reader_with(0, 0, 0, (size_t)48 << 20);
    rsdk_reply *rep = NULL;
    assert_int_equal(fx_feed_get(r, wire, len, &rep), RSDK_OK);
    assert_non_null(rep);
    assert_int_equal(rep->elements, n);
    assert_int_equal(rep->element[n - 1].integer, 7);
    rsdk_reply_free(rep);
    rsdk_reader_free(r);
    rsdk_test_alloc_stats a = rsdk_test_alloc_stats_get();
    rsdk_test_alloc_remove();
    assert_true(a.bytes < (size_t)2 * (48 << 20));
    assert_int_equal(a.allocs, a.frees);
    free(wire);

    /* A count that fits but whose items then need more (long strings add
     * string bytes) is refused once the tree is known, before it is built. */
    expect_fail(reader_with(0, 0, 0, 16 + 3 * sizeof(rsdk_reply) + 19), S("*2\r\n$9\r\n012345678\r\n$9\r\n012345678\r\n"),
                "protocol: reply tree of 3 nodes and 20 string bytes needs 156 bytes, over max_reply_bytes 155");
}

/* A count within the limit is still never trusted for allocation: memory
 * grows with the bytes that actually arrive. */
static void declared_count_allocates_nothing_up_front(void **st) {
    (void)st;
    rsdk_test_alloc_install();
    rsdk_reader *r = reader_with(0, (size_t)1 << 31, 0, 0);
    rsdk_reply *rep = (rsdk_reply *)1;
    assert_int_equal(fx_feed_get(r, S("*20000000\r\n:1\r\n:2\r\n$3\r\nabc\r\n"), &rep), RSDK_OK);
    assert_null(rep);
    assert_int_equal(fx_feed_get(r, S("%10000000\r\n:1\r\n"), &rep), RSDK_OK);
    assert_null(rep);
    assert_true(rsdk_test_alloc_stats_get().bytes < ((size_t)1 << 20));
    /* And a declared bulk length likewise. */
    rsdk_reader *b = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &b), RSDK_OK);
    assert_int_equal(fx_feed_get(b, S("$500000000\r\nabc"), &rep), RSDK_OK);
    assert_null(rep);
    assert_true(rsdk_test_alloc_stats_get().bytes < ((size_t)1 << 20));
    rsdk_reader_free(r);
    rsdk_reader_free(b);
    rsdk_test_alloc_stats s = rsdk_test_alloc_stats_get();
    rsdk_test_alloc_remove();
    assert_int_equal(s.allocs, s.frees);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_documented_values),
        cmocka_unit_test(bulk_length_over_max_bulk_bytes),
        cmocka_unit_test(simple_line_over_max_line_bytes),
        cmocka_unit_test(default_line_limit_stops_an_endless_line),
        cmocka_unit_test(aggregate_over_max_elements),
        cmocka_unit_test(nesting_over_max_depth),
        cmocka_unit_test(depth_is_capped_at_1024_whatever_is_asked),
        cmocka_unit_test(reply_over_max_reply_bytes),
        cmocka_unit_test(reply_memory_counts_nodes),
        cmocka_unit_test(declared_count_allocates_nothing_up_front),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
