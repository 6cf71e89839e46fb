/* The reader's memory follows the replies it reads: the frame stack starts
 * inside the reader and grows only for a deeply nested reply, the input
 * buffer starts small and doubles for a reply (or a read) that does not
 * fit; once the reader is idle again a grown stack and a large buffer are
 * given back, while a moderately sized buffer is kept for the next replies.
 * Checked on the reader's structure (no timing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runtime/src/protocol/reader_state.h"
#include "support/fail_alloc.h"
#include "rsdk/reader.h"

/* "*1\r\n" `depth` times around ":1\r\n". */
static char *nested(unsigned depth, size_t *len) {
    char *s = malloc((size_t)depth * 4 + 5);
    assert_non_null(s);
    for (unsigned i = 0; i < depth; i++) memcpy(s + 4 * i, "*1\r\n", 4);
    memcpy(s + 4 * depth, ":1\r\n", 5);
    *len = (size_t)depth * 4 + 4;
    return s;
}

/* Feeds through the zero-copy path (space + commit), as the client does,
 * `chunk` bytes at a time, and returns the one reply. */
static rsdk_reply *read_reply(rsdk_reader *r, const char *text, size_t len, size_t chunk) {
    rsdk_reply *rep = NULL;
    size_t off = 0;
    for (;;) {
        assert_int_equal(rsdk_reader_get(r, &rep), RSDK_OK);
        if (rep) return rep;
        assert_true(off < len);
        char *area;
        size_t avail;
        assert_int_equal(rsdk_reader_space(r, 512, &area, &avail), RSDK_OK);
        size_t n = len - off < avail ? len - off : avail;
        if (n > chunk) n = chunk;
        memcpy(area, text + off, n);
        rsdk_reader_commit(r, n);
        off += n;
    }
}

static void idle_reader_is_small(void **st) {
    (void)st;
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    assert_ptr_equal(r->stack, r->inline_frames);
    assert_int_equal(r->nframes, RSDK__INLINE_FRAMES);
    assert_null(r->buf); /* nothing until the first read */
    assert_null(r->spare);
    /* The whole reader is one small block (no max_depth-sized stack). */
    assert_true(sizeof *r < 1024);
    /* A short reply (a HELLO answer is ~200 bytes) takes a 512-byte buffer. */
    static const char hello[] = "%2\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n";
    rsdk_reply *rep = read_reply(r, hello, sizeof hello - 1, SIZE_MAX);
    assert_int_equal(rep->type, RSDK_REPLY_MAP);
    rsdk_reply_free(rep);
    assert_int_equal(r->cap, 512);
    rsdk_reader_free(r);
}

static void deep_reply_grows_the_stack_then_gives_it_back(void **st) {
    (void)st;
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    size_t len;
    char *s = nested(100, &len);
    /* Split in small reads, so the scan resumes with a grown stack. */
    rsdk_reply *rep = read_reply(r, s, len, 7);
    const rsdk_reply *n = rep;
    for (int i = 0; i < 100; i++) {
        assert_int_equal(n->type, RSDK_REPLY_ARRAY);
        assert_int_equal(n->elements, 1);
        n = &n->element[0];
    }
    assert_int_equal(n->type, RSDK_REPLY_INTEGER);
    rsdk_reply_free(rep);
    /* The reply was the last thing buffered: idle, the stack is inline again. */
    assert_ptr_equal(r->stack, r->inline_frames);
    assert_int_equal(r->nframes, RSDK__INLINE_FRAMES);
    /* And the reader still reads (frame 0 was reset on the inline stack). */
    rep = read_reply(r, s, len, SIZE_MAX);
    assert_int_equal(rep->type, RSDK_REPLY_ARRAY);
    rsdk_reply_free(rep);
    free(s);
    rsdk_reader_free(r);
}

static void shallow_max_depth_still_enforced(void **st) {
    (void)st;
    rsdk_reader_limits l;
    rsdk_reader_limits_init(&l);
    l.max_depth = 2; /* under the inline frame count */
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(&l, &r), RSDK_OK);
    size_t len;
    char *s = nested(3, &len);
    assert_int_equal(rsdk_reader_feed(r, s, len), RSDK_OK);
    rsdk_reply *rep = NULL;
    assert_int_equal(rsdk_reader_get(r, &rep), RSDK_ERR_PROTOCOL);
    assert_null(rep);
    free(s);
    rsdk_reader_free(r);
}

static void stack_growth_without_memory_is_nomem(void **st) {
    (void)st;
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    size_t len;
    char *s = nested(20, &len);
    assert_int_equal(rsdk_reader_feed(r, s, len), RSDK_OK);
    rsdk_test_alloc_install();
    rsdk_test_alloc_fail_nth(1); /* the stack's growth */
    rsdk_reply *rep = NULL;
    assert_int_equal(rsdk_reader_get(r, &rep), RSDK_ERR_NOMEM);
    assert_null(rep);
    assert_int_equal(rsdk_test_alloc_refused(), 1);
    assert_int_equal(rsdk_reader_error(r)->code, RSDK_ERR_NOMEM);
    rsdk_test_alloc_remove();
    free(s);
    rsdk_reader_free(r);
}

/* A 64 MiB blob: the buffer grows to hold it, and is released once the
 * reply has been taken, so the idle reader is back to nothing. */
static void large_reply_buffer_released_when_idle(void **st) {
    (void)st;
    const size_t big = (size_t)64 * 1024 * 1024;
    char *s = malloc(big + 32);
    assert_non_null(s);
    int h = snprintf(s, 32, "$%zu\r\n", big);
    memset(s + h, 'x', big);
    memcpy(s + h + big, "\r\n", 2);
    size_t len = (size_t)h + big + 2;
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    rsdk_reply *rep = read_reply(r, s, len, (size_t)1 << 20);
    assert_int_equal(rep->len, big);
    rsdk_reply_free(rep);
    assert_null(r->buf);
    assert_int_equal(r->cap, 0);
    /* A moderate reply's buffer stays for the next ones. */
    int h2 = snprintf(s, 32, "$%d\r\n", 70000);
    memcpy(s + h2 + 70000, "\r\n", 2);
    rep = read_reply(r, s, (size_t)h2 + 70002, SIZE_MAX);
    assert_int_equal(rep->len, 70000);
    rsdk_reply_free(rep);
    assert_true(r->cap >= 70000 && r->cap <= RSDK__KEEP_IDLE);
    free(s);
    rsdk_reader_free(r);
}

/* Reads that fill all the room offered double the buffer, so a pipelined
 * batch soon arrives in one read; growth by this hint stops at 64 KiB. */
static void full_reads_grow_the_buffer(void **st) {
    (void)st;
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    char *area;
    size_t avail, last = 0;
    for (int i = 0; i < 12; i++) {
        assert_int_equal(rsdk_reader_space(r, 512, &area, &avail), RSDK_OK);
        assert_true(avail >= last);
        last = avail;
        /* Fill it with whole ":1\r\n" replies and the room to the end. */
        size_t n = avail - avail % 4;
        for (size_t k = 0; k < n; k += 4) memcpy(area + k, ":1\r\n", 4);
        rsdk_reader_commit(r, n);
        rsdk_reply *rep = NULL;
        do {
            assert_int_equal(rsdk_reader_get(r, &rep), RSDK_OK);
            rsdk_reply_free(rep);
        } while (rep);
    }
    assert_true(r->cap >= 64 * 1024);
    assert_true(r->cap <= 128 * 1024);
    rsdk_reader_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(idle_reader_is_small),
        cmocka_unit_test(deep_reply_grows_the_stack_then_gives_it_back),
        cmocka_unit_test(shallow_max_depth_still_enforced),
        cmocka_unit_test(stack_growth_without_memory_is_nomem),
        cmocka_unit_test(large_reply_buffer_released_when_idle),
        cmocka_unit_test(full_reads_grow_the_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
