/* Allocation failures anywhere in the reader give RSDK_ERR_NOMEM (or NULL
 * from constructors), leak nothing, and leave the reader usable: the same
 * call succeeds once memory is back, with the same reply. */
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
#include "runtime/src/protocol/reply_arena.h"

/* Runs a reader over `data` in `chunk`-byte pieces (using space/commit when
 * `zero_copy`) with allocations failing after `budget` successes. Every
 * NOMEM is checked, memory is given back, and the call is retried. Returns
 * how many NOMEMs were seen; the replies are compared with `ref`. */
static size_t run_with_budget(const char *data, size_t len, size_t chunk, bool zero_copy, size_t budget,
                              rsdk_reply **ref, size_t nref) {
    size_t nomems = 0;
    rsdk_test_alloc_install();
    rsdk_test_alloc_fail_after(budget);
    rsdk_reader *r = NULL;
    rsdk_status made = rsdk_reader_new(NULL, &r);
    while (made != RSDK_OK) {
        assert_int_equal(made, RSDK_ERR_NOMEM);
        assert_null(r); /* untouched on failure */
        nomems++;
        rsdk_test_alloc_fail_after(SIZE_MAX);
        made = rsdk_reader_new(NULL, &r);
        rsdk_test_alloc_fail_after(budget);
    }
    size_t got = 0;
    for (size_t off = 0; off < len;) {
        size_t k = len - off < chunk ? len - off : chunk;
        rsdk_status s;
        if (zero_copy) {
            char *area = NULL;
            size_t avail = 0;
            s = rsdk_reader_space(r, k, &area, &avail);
            if (s == RSDK_OK) {
                memcpy(area, data + off, k);
                rsdk_reader_commit(r, k);
            }
        } else {
            s = rsdk_reader_feed(r, data + off, k);
        }
        if (s != RSDK_OK) {
            assert_int_equal(s, RSDK_ERR_NOMEM);
            assert_int_equal(rsdk_reader_error(r)->code, RSDK_OK);
            nomems++;
            rsdk_test_alloc_fail_after(1); /* enough for one buffer growth */
            continue;               /* retry the same piece */
        }
        off += k;
        for (;;) {
            rsdk_reply *rep = (rsdk_reply *)1;
            s = rsdk_reader_get(r, &rep);
            if (s == RSDK_ERR_NOMEM) {
                assert_true(rep == (rsdk_reply *)1); /* out untouched */
                nomems++;
                rsdk_test_alloc_fail_after(1);
                continue;
            }
            assert_int_equal(s, RSDK_OK);
            if (!rep) break;
            assert_true(got < nref);
            assert_true(fx_tree_equal(rep, ref[got]));
            got++;
            rsdk_reply_free(rep);
            rsdk_test_alloc_fail_after(budget);
        }
    }
    assert_int_equal(got, nref);
    rsdk_reader_free(r);
    rsdk_test_alloc_stats st = rsdk_test_alloc_stats_get();
    rsdk_test_alloc_remove();
    if (st.allocs != st.frees) fail_msg("budget %zu: %zu allocations, %zu frees", budget, st.allocs, st.frees);
    return nomems;
}

static void every_allocation_failure_is_survivable(void **st) {
    (void)st;
    static const char *const files[] = {"tests/data/resp3_HELLO.bin", "tests/data/resp3_push.bin",
                                        "tests/data/resp3_attrib.bin"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t len;
        char *data = fx_load(files[f], &len);
        rsdk_reply *ref[4];
        size_t nref = fx_parse(data, len, 0, 0, ref, 4, true);
        for (int zero_copy = 0; zero_copy < 2; zero_copy++) {
            for (size_t chunk = 1; chunk <= len; chunk = chunk * 3 + 1) {
                size_t budget = 0;
                /* Raise the budget until a run meets no failure at all. */
                while (run_with_budget(data, len, chunk, zero_copy, budget, ref, nref) > 0) budget++;
                assert_true(budget >= 2);
            }
        }
        fx_free_all(ref, nref);
        free(data);
    }
}

static void constructors_fail_without_memory(void **st) {
    (void)st;
    rsdk_test_alloc_install();
    rsdk_test_alloc_fail_after(0);
    rsdk_reader *rd = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &rd), RSDK_ERR_NOMEM);
    assert_null(rd);
    assert_int_equal(rsdk_reader_new(NULL, NULL), RSDK_ERR_INVALID_ARG);
    assert_null(rsdk__reply_new_str(RSDK_REPLY_STATUS, "OK", 2));
    rsdk_test_alloc_remove();

    rsdk_reply *r = NULL;
    assert_int_equal(fx_parse("*1\r\n+x\r\n", 8, 0, 0, &r, 1, true), 1);
    rsdk_test_alloc_install();
    rsdk_test_alloc_fail_after(0);
    assert_null(rsdk__reply_copy(r));
    rsdk_test_alloc_stats s = rsdk_test_alloc_stats_get();
    rsdk_test_alloc_remove();
    assert_int_equal(s.allocs, 0);
    assert_int_equal(s.failed, 1);
    rsdk_reply_free(r);
}

static void failed_build_keeps_the_reply_for_a_retry(void **st) {
    (void)st;
    rsdk_test_alloc_install();
    rsdk_reader *r = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &r), RSDK_OK);
    assert_int_equal(rsdk_reader_feed(r, "$3\r\nabc\r\n:7\r\n", 13), RSDK_OK);
    rsdk_test_alloc_fail_after(0);
    rsdk_reply *rep = NULL;
    assert_int_equal(rsdk_reader_get(r, &rep), RSDK_ERR_NOMEM);
    assert_int_equal(rsdk_reader_get(r, &rep), RSDK_ERR_NOMEM);
    assert_null(rep);
    assert_int_equal(rsdk_reader_pending(r), 13);
    rsdk_test_alloc_fail_after(SIZE_MAX);
    assert_int_equal(rsdk_reader_get(r, &rep), RSDK_OK);
    assert_string_equal(rep->str, "abc");
    rsdk_reply_free(rep);
    assert_int_equal(rsdk_reader_get(r, &rep), RSDK_OK);
    assert_int_equal(rep->integer, 7);
    rsdk_reply_free(rep);
    rsdk_reader_free(r);
    rsdk_test_alloc_stats s = rsdk_test_alloc_stats_get();
    rsdk_test_alloc_remove();
    assert_int_equal(s.allocs, s.frees);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_allocation_failure_is_survivable),
        cmocka_unit_test(constructors_fail_without_memory),
        cmocka_unit_test(failed_build_keeps_the_reply_for_a_retry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
