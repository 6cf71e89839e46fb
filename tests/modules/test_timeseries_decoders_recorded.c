/* The timeseries decoders read the replies recorded from RedisTimeSeries
 * 8.0.5 in Redis 7.0 and in Redis 8.0, on RESP2 and RESP3, into the same C
 * values: samples as {ts, value} (RESP2's "+1.5" text and RESP3's double
 * alike), TS.MRANGE / TS.MGET series from RESP2's array and RESP3's map,
 * TS.INFO as a struct. A decoder borrows the reply: the test frees both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/timeseries.h"
#include "vectors.h"

static const char *const DIRS[] = {"timeseries/redis-7.0", "timeseries/redis-8.0"};

#define EACH(body)                                                  \
    for (size_t d = 0; d < sizeof DIRS / sizeof DIRS[0]; d++)       \
        for (int proto = 2; proto <= 3; proto++) {                  \
            body                                                    \
        }

static void str_is(rsdk_str s, const char *want) {
    assert_non_null(s.ptr);
    assert_int_equal(s.len, strlen(want));
    assert_memory_equal(s.ptr, want, s.len);
}

static void samples_are(const char *name, const rts_sample *want, size_t n, bool single) {
    EACH({
        rsdk_reply *r = vec_load(DIRS[d], proto, name);
        rts_samples s;
        rsdk_error err;
        rsdk_status st = single ? rts_get_decode(r, &s, &err) : rts_range_decode(r, &s, &err);
        if (st != RSDK_OK) fail_msg("%s RESP%d %s: %s", DIRS[d], proto, name, err.message);
        assert_null(s.owner);
        assert_int_equal(s.count, n);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(s.items[i].ts, want[i].ts);
            assert_true(s.items[i].value == want[i].value);
        }
        rts_samples_deinit(&s);
        rsdk_reply_free(r);
    })
}

static void range_samples_read_alike(void **state) {
    (void)state;
    static const rts_sample two[] = {{1000, 1.5}, {2000, 2.25}}, agg[] = {{0, 1.875}};
    samples_are("ts_range", two, 2, false);
    samples_are("ts_range_empty", NULL, 0, false);
    samples_are("ts_range_agg", agg, 1, false);
}

static void get_gives_one_sample_or_none(void **state) {
    (void)state;
    static const rts_sample last[] = {{2000, 2.25}};
    samples_are("ts_get", last, 1, true);
    samples_are("ts_get_empty", NULL, 0, true);
}

static void mrange_with_labels_reads_keys_labels_samples(void **state) {
    (void)state;
    EACH({
        rsdk_reply *r = vec_load(DIRS[d], proto, "ts_mrange_withlabels");
        rts_series s;
        assert_int_equal(rts_mrange_decode(r, &s, NULL), RSDK_OK);
        assert_int_equal(s.count, 2);
        str_is(s.items[0].key, "ts:a");
        assert_int_equal(s.items[0].label_count, 2);
        str_is(s.items[0].labels[0].key, "room");
        assert_false(s.items[0].labels[0].value.nil);
        str_is(rsdk_str_n(s.items[0].labels[0].value.ptr, s.items[0].labels[0].value.len), "kitchen");
        str_is(s.items[0].labels[1].key, "kind");
        assert_int_equal(s.items[0].sample_count, 2);
        assert_int_equal(s.items[0].samples[1].ts, 2000);
        assert_true(s.items[0].samples[1].value == 2.25);
        str_is(s.items[1].key, "ts:b");
        assert_int_equal(s.items[1].sample_count, 1);
        assert_true(s.items[1].samples[0].value == -3.0);
        /* RESP3 adds the aggregators map; RESP2 has no room for it */
        if (proto == 3) assert_non_null(s.items[0].meta);
        else assert_null(s.items[0].meta);
        rts_series_deinit(&s);
        rsdk_reply_free(r);
    })
}

static void mrange_groupby_and_selected_labels(void **state) {
    (void)state;
    EACH({
        rsdk_reply *r = vec_load(DIRS[d], proto, "ts_mrange_groupby");
        rts_series s;
        assert_int_equal(rts_mrange_decode(r, &s, NULL), RSDK_OK);
        assert_int_equal(s.count, 1);
        str_is(s.items[0].key, "kind=temp");
        assert_int_equal(s.items[0].label_count, 0);
        assert_int_equal(s.items[0].sample_count, 2);
        assert_true(s.items[0].samples[0].value == 1.5);
        rts_series_deinit(&s);
        rsdk_reply_free(r);

        r = vec_load(DIRS[d], proto, "ts_mrevrange_selected");
        assert_int_equal(rts_mrevrange_decode(r, &s, NULL), RSDK_OK);
        assert_int_equal(s.count, 2);
        assert_int_equal(s.items[0].label_count, 1);
        str_is(s.items[0].labels[0].key, "room");
        assert_int_equal(s.items[0].samples[0].ts, 2000); /* newest first */
        rts_series_deinit(&s);
        rsdk_reply_free(r);
    })
}

static void mget_gives_the_last_sample_per_series(void **state) {
    (void)state;
    EACH({
        rsdk_reply *r = vec_load(DIRS[d], proto, "ts_mget_withlabels");
        rts_series s;
        assert_int_equal(rts_mget_decode(r, &s, NULL), RSDK_OK);
        assert_int_equal(s.count, 2);
        assert_int_equal(s.items[0].label_count, 2);
        assert_int_equal(s.items[0].sample_count, 1);
        assert_int_equal(s.items[0].samples[0].ts, 2000);
        assert_true(s.items[1].samples[0].value == -3.0);
        rts_series_deinit(&s);
        rsdk_reply_free(r);

        r = vec_load(DIRS[d], proto, "ts_mget_empty_series");
        assert_int_equal(rts_mget_decode(r, &s, NULL), RSDK_OK);
        assert_int_equal(s.count, 1);
        str_is(s.items[0].key, "ts:empty");
        assert_int_equal(s.items[0].label_count, 0);
        assert_int_equal(s.items[0].sample_count, 0);
        rts_series_deinit(&s);
        rsdk_reply_free(r);
    })
}

static void info_reads_into_the_struct(void **state) {
    (void)state;
    EACH({
        rsdk_reply *r = vec_load(DIRS[d], proto, "ts_info");
        rts_series_info i;
        rsdk_error err;
        if (rts_info_decode(r, &i, &err) != RSDK_OK) fail_msg("RESP%d: %s", proto, err.message);
        assert_int_equal(i.total_samples, 2);
        assert_int_equal(i.first_timestamp, 1000);
        assert_int_equal(i.last_timestamp, 2000);
        assert_int_equal(i.chunk_count, 1);
        assert_int_equal(i.chunk_size, 4096);
        assert_true(i.memory_usage > 0);
        str_is(i.chunk_type, "compressed");
        str_is(i.duplicate_policy, "block");
        assert_null(i.source_key.ptr);
        assert_int_equal(i.label_count, 2);
        str_is(i.labels[1].key, "kind");
        assert_int_equal(i.rule_count, 0);
        assert_true(i.ignore_max_val_diff == 0.0);
        rts_series_info_deinit(&i);
        rsdk_reply_free(r);
    })
}

static void queryindex_and_madd(void **state) {
    (void)state;
    EACH({
        rsdk_reply *r = vec_load(DIRS[d], proto, "ts_queryindex");
        rsdk_strings keys;
        assert_int_equal(rts_queryindex_decode(r, &keys, NULL), RSDK_OK);
        assert_int_equal(keys.count, 2);
        rsdk_reply_free(r);
        r = vec_load(DIRS[d], proto, "ts_madd");
        rts_added ts;
        assert_int_equal(rts_madd_decode(r, &ts, NULL), RSDK_OK);
        assert_int_equal(ts.count, 2);
        assert_int_equal(ts.items[1].ts, 3000);
        assert_int_equal(ts.failed, 0);
        rts_added_deinit(&ts);
        rsdk_reply_free(r);
        r = vec_load(DIRS[d], proto, "ts_madd_refused"); /* an error in place of one timestamp */
        assert_int_equal(rts_madd_decode(r, &ts, NULL), RSDK_OK);
        assert_int_equal(ts.count, 2);
        assert_int_equal(ts.failed, 1);
        assert_int_equal(ts.items[0].ts, 4000);
        assert_non_null(strstr(ts.items[1].error.ptr, "not a TSDB key"));
        rts_added_deinit(&ts);
        rsdk_reply_free(r);
    })
}

/* A reply of another shape is refused, naming what was expected. */
static void other_shapes_are_refused(void **state) {
    (void)state;
    rsdk_reply *r = vec_load(DIRS[1], 3, "ts_queryindex"); /* a set of keys */
    rts_samples s;
    rsdk_error err;
    assert_int_equal(rts_range_decode(r, &s, &err), RSDK_ERR_UNEXPECTED_REPLY);
    assert_non_null(strstr(err.message, "TS.RANGE"));
    rts_series_info i;
    assert_int_equal(rts_info_decode(r, &i, &err), RSDK_ERR_UNEXPECTED_REPLY);
    rsdk_reply_free(r);
    r = vec_load(DIRS[1], 2, "ts_mrange_withlabels"); /* series, not samples */
    assert_int_equal(rts_range_decode(r, &s, &err), RSDK_ERR_UNEXPECTED_REPLY);
    assert_non_null(strstr(err.message, "samples"));
    rsdk_reply_free(r);
    r = vec_load(DIRS[1], 2, "ts_info"); /* fields, not series */
    rts_series ser;
    assert_int_equal(rts_mrange_decode(r, &ser, &err), RSDK_ERR_UNEXPECTED_REPLY);
    rsdk_reply_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(range_samples_read_alike),
        cmocka_unit_test(get_gives_one_sample_or_none),
        cmocka_unit_test(mrange_with_labels_reads_keys_labels_samples),
        cmocka_unit_test(mrange_groupby_and_selected_labels),
        cmocka_unit_test(mget_gives_the_last_sample_per_series),
        cmocka_unit_test(info_reads_into_the_struct),
        cmocka_unit_test(queryindex_and_madd),
        cmocka_unit_test(other_shapes_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
