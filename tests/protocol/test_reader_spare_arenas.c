/* Reply arenas handed back to a reader (rsdk__reader_recycle, what a
 * pipeline does with the replies of its last exec) are reused by the next
 * replies that fit, in the order they were handed back; a reply built in a
 * reused block is an ordinary reply that outlives the reader; the reader
 * keeps a bounded number of small blocks and frees the rest, and frees what
 * it keeps when it goes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runtime/src/protocol/reader_spare.h"
#include "runtime/src/protocol/reader_state.h"
#include "support/fail_alloc.h"
#include "rsdk/reader.h"

#define S(lit) lit, sizeof(lit) - 1

static rsdk_reply *get_one(rsdk_reader *r, const char *text, size_t len) {
    rsdk_reply *rep = NULL;
    assert_int_equal(rsdk_reader_feed(r, text, len), RSDK_OK);
    assert_int_equal(rsdk_reader_get(r, &rep), RSDK_OK);
    assert_non_null(rep);
    return rep;
}

static size_t allocs(void) { return rsdk_test_alloc_stats_get().allocs; }
static size_t frees(void) { return rsdk_test_alloc_stats_get().frees; }

static void handed_back_blocks_serve_the_next_replies(void **st) {
    (void)st;
    rsdk_test_alloc_install();
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    assert_non_null(r);
    rsdk_reply *a = get_one(r, S("$5\r\nfirst\r\n"));
    rsdk_reply *b = get_one(r, S("*2\r\n$1\r\nx\r\n:7\r\n"));
    /* Handed back last first, as the pipeline does: taken in slot order. */
    rsdk__reader_recycle(r, b);
    rsdk__reader_recycle(r, a);
    size_t before = allocs();
    rsdk_reply *a2 = get_one(r, S("$5\r\nagain\r\n"));
    rsdk_reply *b2 = get_one(r, S("*2\r\n$1\r\ny\r\n:8\r\n"));
    assert_int_equal(allocs(), before); /* no new memory for either */
    assert_ptr_equal(a2, a);
    assert_ptr_equal(b2, b);
    assert_int_equal(a2->type, RSDK_REPLY_STRING);
    assert_string_equal(a2->str, "again");
    assert_int_equal(a2->len, 5);
    assert_null(a2->attribute);
    assert_int_equal(b2->type, RSDK_REPLY_ARRAY);
    assert_int_equal(b2->elements, 2);
    assert_string_equal(b2->element[0].str, "y");
    assert_int_equal(b2->element[1].integer, 8);
    rsdk_reply_free(a2);
    rsdk_reply_free(b2);
    rsdk_reader_free(r);
    rsdk_test_alloc_stats s = rsdk_test_alloc_stats_get();
    assert_int_equal(s.allocs, s.frees);
    rsdk_test_alloc_remove();
}

static void a_reply_in_a_reused_block_outlives_its_reader(void **st) {
    (void)st;
    rsdk_test_alloc_install();
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    assert_non_null(r);
    rsdk__reader_recycle(r, get_one(r, S("+OK\r\n")));
    rsdk_reply *kept = get_one(r, S("+NO\r\n"));
    rsdk_reader_free(r);
    assert_string_equal(kept->str, "NO");
    rsdk_reply_free(kept);
    rsdk_test_alloc_stats s = rsdk_test_alloc_stats_get();
    assert_int_equal(s.allocs, s.frees);
    rsdk_test_alloc_remove();
}

static void a_block_too_small_is_kept_and_a_new_one_made(void **st) {
    (void)st;
    rsdk_test_alloc_install();
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    assert_non_null(r);
    rsdk__reader_recycle(r, get_one(r, S(":1\r\n")));
    size_t before = allocs();
    rsdk_reply *big = get_one(r, S("$40\r\n0123456789012345678901234567890123456789\r\n"));
    assert_int_equal(allocs(), before + 1);
    assert_int_equal(r->nspare, 1); /* still there for a reply it fits */
    rsdk_reply_free(big);
    rsdk_reader_free(r); /* frees the spare */
    rsdk_test_alloc_stats s = rsdk_test_alloc_stats_get();
    assert_int_equal(s.allocs, s.frees);
    rsdk_test_alloc_remove();
}

static void large_blocks_and_blocks_past_the_cap_are_freed(void **st) {
    (void)st;
    rsdk_test_alloc_install();
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    assert_non_null(r);
    char big[RSDK__SPARE_BYTES + 32];
    int n = snprintf(big, sizeof big, "$%zu\r\n", RSDK__SPARE_BYTES);
    memset(big + n, 'v', RSDK__SPARE_BYTES);
    memcpy(big + n + RSDK__SPARE_BYTES, "\r\n", 2);
    size_t f0 = frees();
    rsdk__reader_recycle(r, get_one(r, big, (size_t)n + RSDK__SPARE_BYTES + 2));
    assert_int_equal(frees(), f0 + 1);
    assert_int_equal(r->nspare, 0);

    rsdk_reply *many[RSDK__SPARES + 10];
    for (unsigned i = 0; i < RSDK__SPARES + 10; i++) many[i] = get_one(r, S(":1\r\n"));
    f0 = frees();
    for (unsigned i = 0; i < RSDK__SPARES + 10; i++) rsdk__reader_recycle(r, many[i]);
    assert_int_equal(r->nspare, RSDK__SPARES);
    assert_int_equal(frees(), f0 + 10);
    rsdk_reader_free(r);
    rsdk_test_alloc_stats s = rsdk_test_alloc_stats_get();
    assert_int_equal(s.allocs, s.frees);
    rsdk_test_alloc_remove();
}

static void recycling_without_a_reader_or_a_root_is_safe(void **st) {
    (void)st;
    rsdk_test_alloc_install();
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    assert_non_null(r);
    rsdk__reader_recycle(r, NULL);
    rsdk__reader_recycle(NULL, NULL);
    size_t f0 = frees();
    rsdk__reader_recycle(NULL, get_one(r, S("+OK\r\n"))); /* no reader: freed */
    assert_int_equal(frees(), f0 + 1);
    rsdk_reply *arr = get_one(r, S("*1\r\n$1\r\na\r\n"));
    rsdk__reader_recycle(r, &arr->element[0]); /* an inner node is refused */
    assert_int_equal(r->nspare, 0);
    assert_string_equal(arr->element[0].str, "a");
    rsdk__reader_recycle(r, arr);
    rsdk_reply_free(arr); /* a stray free of a parked block is refused too */
    assert_int_equal(r->nspare, 1);
    rsdk_reader_free(r);
    rsdk_test_alloc_stats s = rsdk_test_alloc_stats_get();
    assert_int_equal(s.allocs, s.frees);
    rsdk_test_alloc_remove();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(handed_back_blocks_serve_the_next_replies),
        cmocka_unit_test(a_reply_in_a_reused_block_outlives_its_reader),
        cmocka_unit_test(a_block_too_small_is_kept_and_a_new_one_made),
        cmocka_unit_test(large_blocks_and_blocks_past_the_cap_are_freed),
        cmocka_unit_test(recycling_without_a_reader_or_a_root_is_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
