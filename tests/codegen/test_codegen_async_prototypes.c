/* Every generated command has an _async call whose typed callback follows
 * its result kind: the prototypes are checked by the compiler (a function
 * assigned to a pointer of the expected type), and an _async call given
 * bad input refuses it with RSDK_ERR_INVALID_ARG without calling back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rsdk/core.h"
#include "rsdk/timeseries.h"

/* `fn` has exactly the type `T`. */
#define HAS_TYPE(fn, T) assert_true(_Generic((fn), T: 1, default: 0))

static void callbacks_follow_the_result_kind(void **st) {
    (void)st;
    HAS_TYPE(rcore_flushall_async, rsdk_status (*)(rsdk_async *, const rcore_flushall_opts *,
                                                   rsdk_async_status_cb, void *));
    HAS_TYPE(rcore_incr_async, rsdk_status (*)(rsdk_async *, rsdk_str, rsdk_async_int_cb, void *));
    HAS_TYPE(rcore_memory_usage_async,
             rsdk_status (*)(rsdk_async *, rsdk_str, const rcore_memory_usage_opts *,
                             rsdk_async_int_or_nil_cb, void *));
    HAS_TYPE(rcore_getbit_async,
             rsdk_status (*)(rsdk_async *, rsdk_str, int64_t, rsdk_async_bool_cb, void *));
    HAS_TYPE(rcore_incrbyfloat_async,
             rsdk_status (*)(rsdk_async *, rsdk_str, double, rsdk_async_double_cb, void *));
    HAS_TYPE(rcore_zscore_async, rsdk_status (*)(rsdk_async *, rsdk_str, rsdk_str,
                                                 rsdk_async_double_or_nil_cb, void *));
    HAS_TYPE(rcore_get_async, rsdk_status (*)(rsdk_async *, rsdk_str, rsdk_async_string_cb, void *));
    HAS_TYPE(rcore_command_docs_async, rsdk_status (*)(rsdk_async *, const rcore_command_docs_opts *,
                                                       rsdk_async_reply_cb, void *));
    HAS_TYPE(rcore_lrange_async, rsdk_status (*)(rsdk_async *, rsdk_str, int64_t, int64_t,
                                                 rsdk_async_strings_cb, void *));
    HAS_TYPE(rcore_hgetall_async,
             rsdk_status (*)(rsdk_async *, rsdk_str, rsdk_async_pairs_cb, void *));
    HAS_TYPE(rcore_zrange_async, rsdk_status (*)(rsdk_async *, rsdk_str, rsdk_str, rsdk_str,
                                                 const rcore_zrange_opts *, rsdk_async_scored_cb,
                                                 void *));
    HAS_TYPE(rcore_bitfield_async, rsdk_status (*)(rsdk_async *, rsdk_str, const rcore_bitfield_opts *,
                                                   rsdk_async_ints_cb, void *));
    HAS_TYPE(rcore_zmscore_async, rsdk_status (*)(rsdk_async *, rsdk_str, const rsdk_str *, size_t,
                                                  rsdk_async_doubles_cb, void *));
    HAS_TYPE(rcore_smismember_async, rsdk_status (*)(rsdk_async *, rsdk_str, const rsdk_str *,
                                                     size_t, rsdk_async_bools_cb, void *));
    HAS_TYPE(rcore_scan_async, rsdk_status (*)(rsdk_async *, uint64_t, const rcore_scan_opts *,
                                               rsdk_async_scan_page_cb, void *));
    HAS_TYPE(rcore_zrank_async, rsdk_status (*)(rsdk_async *, rsdk_str, rsdk_str,
                                                const rcore_zrank_opts *, rsdk_async_rank_cb,
                                                void *));
    HAS_TYPE(rcore_zadd_async, rsdk_status (*)(rsdk_async *, rsdk_str, const rcore_zadd_data *,
                                               size_t, const rcore_zadd_opts *,
                                               rsdk_async_int_or_double_cb, void *));
    HAS_TYPE(rcore_xrange_async, rsdk_status (*)(rsdk_async *, rsdk_str, rsdk_str, rsdk_str,
                                                 const rcore_xrange_opts *,
                                                 rsdk_async_stream_entries_cb, void *));
    HAS_TYPE(rcore_xread_async, rsdk_status (*)(rsdk_async *, rcore_xread_streams,
                                                const rcore_xread_opts *, rsdk_async_streams_cb,
                                                void *));
    HAS_TYPE(rcore_geopos_async, rsdk_status (*)(rsdk_async *, rsdk_str, const rcore_geopos_opts *,
                                                 rsdk_async_geo_cb, void *));
    HAS_TYPE(rcore_xpending_async, rsdk_status (*)(rsdk_async *, rsdk_str, rsdk_str,
                                                   const rcore_xpending_opts *,
                                                   rsdk_async_pending_cb, void *));
}

static void module_types_get_callbacks_of_their_own(void **st) {
    (void)st;
    HAS_TYPE(rts_range_async, rsdk_status (*)(rsdk_async *, rsdk_str, rsdk_str, rsdk_str,
                                              const rts_range_opts *, rts_samples_async_cb,
                                              void *));
    HAS_TYPE(rts_info_async, rsdk_status (*)(rsdk_async *, rsdk_str, const rts_info_opts *,
                                             rts_series_info_async_cb, void *));
    HAS_TYPE(rts_add_async, rsdk_status (*)(rsdk_async *, rsdk_str, rsdk_str, double,
                                            const rts_add_opts *, rsdk_async_int_cb, void *));
}

static void never_called(rsdk_async *a, rsdk_status s, rsdk_string *v, const rsdk_error *err,
                         void *ud) {
    (void)a, (void)s, (void)v, (void)err;
    ++*(int *)ud;
}

static void bad_input_is_refused_without_a_callback(void **st) {
    (void)st;
    int calls = 0;
    /* no client */
    assert_int_equal(rcore_get_async(NULL, "k", never_called, &calls), RSDK_ERR_INVALID_ARG);
    /* a bad argument is found before anything is queued */
    assert_int_equal(rcore_get_async(NULL, rsdk_str_n(NULL, 3), never_called, &calls),
                     RSDK_ERR_INVALID_ARG);
    assert_int_equal(rcore_set_async(NULL, "k", "v",
                                     &(rcore_set_opts){.condition = {.kind = (rcore_set_condition_kind)99}},
                                     never_called, &calls),
                     RSDK_ERR_INVALID_ARG);
    assert_int_equal(calls, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(callbacks_follow_the_result_kind),
        cmocka_unit_test(module_types_get_callbacks_of_their_own),
        cmocka_unit_test(bad_input_is_refused_without_a_callback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
