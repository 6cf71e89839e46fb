/* The examples of docs/timeseries.md and docs/bloom.md, as written there,
 * compile and run against the module servers, and do what the pages say. */
#include "module_live.h"
#include "rsdk/bloom.h"
#include "rsdk/bloom_dump.h"
#include "rsdk/timeseries.h"

static void timeseries_page(rsdk_client *c, int proto) {
    (void)proto;
    /* docs/timeseries.md, "Calling" */
    rts_create_labels labels[] = {{RSDK_S("room"), RSDK_S("kitchen")}};
    rts_create(c, "temp:1", &(rts_create_opts){.labels = labels, .labels_count = 1});
    int64_t ts;
    rts_add(c, "temp:1", "*", 21.5, NULL, &ts);            /* "*": the server's clock */

    rts_range_aggregation avg = {.aggregator = RTS_RANGE_AGGREGATOR_AVG, .bucket_duration = 60000};
    rts_samples s;
    size_t seen = 0;
    if (rts_range(c, "temp:1", "-", "+", &(rts_range_opts){.aggregation = &avg}, &s) == RSDK_OK) {
        for (size_t i = 0; i < s.count; i++) printf("%lld %g\n", (long long)s.items[i].ts, s.items[i].value);
        seen = s.count;
        rts_samples_deinit(&s);
    }
    assert_int_equal(seen, 1);
    assert_true(ts > 0);
}

static void bloom_page(rsdk_client *c, int proto) {
    (void)proto;
    rsdk_client *other = c; /* the page's "another server": here the same one */
    /* docs/bloom.md, first example */
    rbloom_bf_reserve(c, "seen", 0.001, 100000, NULL);
    bool added;
    rbloom_bf_add(c, "seen", "user:42", &added);
    rsdk_str ask[] = {RSDK_S("user:42"), RSDK_S("user:43")};
    rsdk_bools in;
    bool first = false, second = true;
    if (rbloom_bf_mexists(c, "seen", ask, 2, &in) == RSDK_OK) {
        printf("%d %d\n", rsdk_bools_at(&in, 0), rsdk_bools_at(&in, 1));
        first = rsdk_bools_at(&in, 0);
        second = rsdk_bools_at(&in, 1);
        rsdk_bools_deinit(&in);
    }
    assert_true(added && first && !second);

    /* "Copying a filter" */
    size_t chunks;
    rbloom_filter_copy(c, RBLOOM_FILTER_BLOOM, RSDK_S("seen"), RSDK_S("seen:copy"), &chunks);

    OK(rbloom_cf_reserve(c, "cf", 100, NULL));
    OK(rbloom_cf_add(c, "cf", "x", &added));
    rbloom_dump d;                       /* or chunk by chunk, e.g. to another server */
    rbloom_dump_init(&d, c, RBLOOM_FILTER_CUCKOO, RSDK_S("cf"));
    for (;;) {
        rbloom_chunk ch;
        if (rbloom_dump_next(&d, &ch) != RSDK_OK || d.done) break;
        rbloom_load_chunk(other, RBLOOM_FILTER_CUCKOO, RSDK_S("cf:copy"), &ch);
        rbloom_chunk_deinit(&ch);
    }
    bool there = false;
    OK(rbloom_bf_exists(c, "seen:copy", "user:42", &there));
    assert_true(there && chunks > 0 && d.done);
    OK(rbloom_cf_exists(c, "cf:copy", "x", &there));
    assert_true(there);
}

static void t_timeseries(void **st) { ml_each_protocol(st, timeseries_page); }
static void t_bloom(void **st) { ml_each_protocol(st, bloom_page); }

static int setup_ts(void **state) {
    return rsdk_test_module_group_setup(state, "redis-8.0-trixie", "redistimeseries");
}
static int setup_bloom(void **state) { return rsdk_test_module_group_setup(state, "redis-8.0-trixie", "redisbloom"); }

int main(void) {
    const struct CMUnitTest ts[] = {cmocka_unit_test(t_timeseries)};
    const struct CMUnitTest bloom[] = {cmocka_unit_test(t_bloom)};
    int failed = cmocka_run_group_tests_name("docs/timeseries.md", ts, setup_ts, rsdk_test_server_group_teardown);
    failed += cmocka_run_group_tests_name("docs/bloom.md", bloom, setup_bloom, rsdk_test_server_group_teardown);
    return failed;
}
