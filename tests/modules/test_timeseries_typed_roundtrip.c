/* RedisTimeSeries through the typed calls, on RESP2 and RESP3, in Redis
 * 7.0 and Redis 8.0: series with labels in, samples as {ts, value} out,
 * TS.RANGE with typed aggregation options, TS.MRANGE / TS.MGET grouped
 * (key, labels, samples; GROUPBY), TS.INFO as a struct with its labels and
 * rules, the same through a pipeline (queue + decode), and bad arguments
 * refused before anything is sent. */
#include "module_live.h"
#include "rsdk/timeseries.h"

static void fill(rsdk_client *c) {
    rts_create_labels KITCHEN[] = {{RSDK_S("room"), RSDK_S("kitchen")}, {RSDK_S("kind"), RSDK_S("temp")}};
    rts_create_labels HALL[] = {{RSDK_S("room"), RSDK_S("hall")}, {RSDK_S("kind"), RSDK_S("temp")}};
    OK(rts_create(c, "t:a", &(rts_create_opts){.labels = KITCHEN, .labels_count = 2}));
    OK(rts_create(c, "t:b", &(rts_create_opts){.labels = HALL, .labels_count = 2}));
    int64_t ts = 0;
    OK(rts_add(c, "t:a", "1000", 1.5, NULL, &ts));
    assert_int_equal(ts, 1000);
    rts_added added;
    rts_madd_ktv more[] = {{RSDK_S("t:a"), RSDK_S("2000"), 2.5}, {RSDK_S("t:a"), RSDK_S("3000"), 4.0},
                           {RSDK_S("t:b"), RSDK_S("1000"), -1.0}};
    OK(rts_madd(c, more, 3, &added));
    assert_int_equal(added.count, 3);
    assert_int_equal(added.failed, 0);
    assert_int_equal(added.items[2].ts, 1000);
    assert_null(added.items[2].error.ptr);
    rts_added_deinit(&added);
}

static void samples_and_aggregation(rsdk_client *c, int proto) {
    (void)proto;
    fill(c);
    rts_samples s;
    OK(rts_range(c, "t:a", "-", "+", NULL, &s));
    assert_int_equal(s.count, 3);
    assert_int_equal(s.items[1].ts, 2000);
    assert_true(s.items[1].value == 2.5);
    assert_non_null(s.owner);
    rts_samples_deinit(&s);
    /* AVG in 2000 ms buckets: [1000: 1.5], [2000, 3000: 3.25] */
    rts_range_aggregation avg = {.aggregator = RTS_RANGE_AGGREGATOR_AVG, .bucket_duration = 2000};
    OK(rts_range(c, "t:a", "-", "+", &(rts_range_opts){.aggregation = &avg}, &s));
    assert_int_equal(s.count, 2);
    assert_int_equal(s.items[0].ts, 0);
    assert_true(s.items[0].value == 1.5);
    assert_int_equal(s.items[1].ts, 2000);
    assert_true(s.items[1].value == 3.25);
    rts_samples_deinit(&s);
    /* newest first, two of them, values between 2 and 5 */
    rts_revrange_value_filter between = {2, 5};
    OK(rts_revrange(c, "t:a", "-", "+",
                    &(rts_revrange_opts){.value_filter = &between, .has_count = true, .count = 2}, &s));
    assert_int_equal(s.count, 2);
    assert_int_equal(s.items[0].ts, 3000);
    assert_true(s.items[1].value == 2.5);
    rts_samples_deinit(&s);
    /* max in buckets stamped at their end */
    rts_revrange_aggregation mx = {.aggregator = RTS_REVRANGE_AGGREGATOR_MAX,
                                   .bucket_duration = 10000,
                                   .buckettimestamp = RTS_REVRANGE_BUCKETTIMESTAMP_END};
    OK(rts_revrange(c, "t:a", "-", "+", &(rts_revrange_opts){.aggregation = &mx}, &s));
    assert_int_equal(s.count, 1);
    assert_int_equal(s.items[0].ts, 10000);
    assert_true(s.items[0].value == 4.0);
    rts_samples_deinit(&s);
    OK(rts_get(c, "t:a", NULL, &s));
    assert_int_equal(s.count, 1);
    assert_int_equal(s.items[0].ts, 3000);
    rts_samples_deinit(&s);
    OK(rts_create(c, "t:empty", NULL));
    OK(rts_get(c, "t:empty", NULL, &s));
    assert_int_equal(s.count, 0);
    rts_samples_deinit(&s);
    /* a sample the server refuses (no such series) fails alone */
    rts_added added;
    rts_madd_ktv mixed[] = {{RSDK_S("t:a"), RSDK_S("3500"), 1.0}, {RSDK_S("t:none"), RSDK_S("1"), 1.0}};
    OK(rts_madd(c, mixed, 2, &added));
    assert_int_equal(added.count, 2);
    assert_int_equal(added.failed, 1);
    assert_int_equal(added.items[0].ts, 3500);
    assert_non_null(added.items[1].error.ptr);
    assert_non_null(strstr(added.items[1].error.ptr, "TSDB"));
    rts_added_deinit(&added);
    int64_t n = 0;
    OK(rts_incrby(c, "t:a", 1.0, &(rts_incrby_opts){.timestamp = RSDK_S("4000")}, &n));
    assert_int_equal(n, 4000);
    OK(rts_del(c, "t:a", 3500, 5000, &n));
    assert_int_equal(n, 2);
}

static void grouped_series(rsdk_client *c, int proto) {
    fill(c);
    rts_series s;
    rsdk_str filter[] = {RSDK_S("kind=temp")};
    OK(rts_mrange(c, "-", "+", filter, 1, &(rts_mrange_opts){.labels = {.kind = RTS_MRANGE_LABELS_WITHLABELS}}, &s));
    assert_int_equal(s.count, 2);
    ml_str_is(s.items[0].key, "t:a");
    assert_int_equal(s.items[0].label_count, 2);
    ml_str_is(s.items[0].labels[0].key, "room");
    ml_str_is(rsdk_str_n(s.items[0].labels[0].value.ptr, s.items[0].labels[0].value.len), "kitchen");
    assert_int_equal(s.items[0].sample_count, 3);
    assert_true(s.items[0].samples[2].value == 4.0);
    ml_str_is(s.items[1].key, "t:b");
    assert_true(s.items[1].samples[0].value == -1.0);
    rts_series_deinit(&s);
    /* only the room label; one that no series has comes back nil */
    rsdk_str wanted[] = {RSDK_S("room"), RSDK_S("owner")};
    OK(rts_mrevrange(c, "-", "+", filter, 1,
                     &(rts_mrevrange_opts){.labels = {.kind = RTS_MREVRANGE_LABELS_SELECTED,
                                                      .selected = {.label = wanted, .label_count = 2}}},
                     &s));
    assert_int_equal(s.count, 2);
    assert_int_equal(s.items[1].label_count, 2);
    ml_str_is(s.items[1].labels[0].key, "room");
    assert_true(s.items[1].labels[1].value.nil);
    assert_int_equal(s.items[0].samples[0].ts, 3000);
    rts_series_deinit(&s);
    /* grouped by kind, reduced by max: one group */
    rts_mrange_groupby g = {.label = RSDK_S("kind"), .reducer = RSDK_S("max")};
    OK(rts_mrange(c, "-", "+", filter, 1, &(rts_mrange_opts){.groupby = &g}, &s));
    assert_int_equal(s.count, 1);
    ml_str_is(s.items[0].key, "kind=temp");
    assert_int_equal(s.items[0].sample_count, 3);
    assert_true(s.items[0].samples[0].value == 1.5); /* max(1.5, -1) at 1000 */
    if (proto == 3) assert_non_null(s.items[0].meta);
    rts_series_deinit(&s);
    OK(rts_mget(c, filter, 1, &(rts_mget_opts){.labels = {.kind = RTS_MGET_LABELS_WITHLABELS}}, &s));
    assert_int_equal(s.count, 2);
    assert_int_equal(s.items[0].sample_count, 1);
    assert_int_equal(s.items[0].samples[0].ts, 3000);
    assert_int_equal(s.items[1].label_count, 2);
    rts_series_deinit(&s);
    rsdk_strings keys;
    OK(rts_queryindex(c, filter, 1, &keys));
    assert_int_equal(keys.count, 2);
    rsdk_strings_deinit(&keys);
}

static void info_with_labels_and_rules(rsdk_client *c, int proto) {
    (void)proto;
    fill(c);
    OK(rts_create(c, "t:avg", NULL));
    OK(rts_createrule(c, "t:a", "t:avg", RTS_CREATERULE_AGGREGATOR_AVG, 60000, NULL));
    rts_series_info i;
    OK(rts_info(c, "t:a", NULL, &i));
    assert_int_equal(i.total_samples, 3);
    assert_int_equal(i.first_timestamp, 1000);
    assert_int_equal(i.last_timestamp, 3000);
    assert_int_equal(i.label_count, 2);
    ml_str_is(i.labels[1].key, "kind");
    assert_int_equal(i.rule_count, 1);
    ml_str_is(i.rules[0].dest_key, "t:avg");
    assert_int_equal(i.rules[0].bucket_duration, 60000);
    ml_str_is(i.rules[0].aggregator, "AVG");
    rts_series_info_deinit(&i);
    OK(rts_info(c, "t:avg", NULL, &i));
    ml_str_is(i.source_key, "t:a");
    assert_int_equal(i.label_count, 0);
    rts_series_info_deinit(&i);
    OK(rts_deleterule(c, "t:a", "t:avg"));
    OK(rts_alter(c, "t:a", &(rts_alter_opts){.has_retention_period = true, .retention_period = 3600000}));
    OK(rts_info(c, "t:a", NULL, &i));
    assert_int_equal(i.retention_time, 3600000);
    assert_int_equal(i.rule_count, 0);
    rts_series_info_deinit(&i);
}

/* Queued calls and their decoders: the pipeline brings RESP2 replies to the
 * RESP3 form, so the same values come out. */
static void pipelined(rsdk_client *c, int proto) {
    (void)proto;
    fill(c);
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_non_null(p);
    rsdk_str filter[] = {RSDK_S("kind=temp")};
    assert_int_equal(rts_range_queue(p, "t:a", "-", "+", NULL, NULL), RSDK_OK);
    assert_int_equal(rts_mget_queue(p, filter, 1, NULL, NULL), RSDK_OK);
    assert_int_equal(rts_info_queue(p, "t:b", NULL, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    rts_samples s;
    assert_int_equal(rts_range_decode(rsdk_pipeline_reply(p, 0), &s, NULL), RSDK_OK);
    assert_int_equal(s.count, 3);
    assert_null(s.owner);
    assert_true(s.items[0].value == 1.5);
    rts_samples_deinit(&s);
    rts_series g;
    assert_int_equal(rts_mget_decode(rsdk_pipeline_reply(p, 1), &g, NULL), RSDK_OK);
    assert_int_equal(g.count, 2);
    rts_series_deinit(&g);
    rts_series_info i;
    assert_int_equal(rts_info_decode(rsdk_pipeline_reply(p, 2), &i, NULL), RSDK_OK);
    assert_int_equal(i.total_samples, 1);
    rts_series_info_deinit(&i);
    rsdk_pipeline_free(p);
}

/* Non-finite values, empty lists the command needs, a choice left unset:
 * RSDK_ERR_INVALID_ARG naming the argument, and the server sees nothing. */
static void bad_arguments_send_nothing(rsdk_client *c, int proto) {
    rsdk_client *observer = rsdk_test_client(ml_server(), proto, false);
    OK(rts_create(c, "t:a", NULL));
    int64_t before = ml_commands_processed(observer);
    size_t bad = 0;
    int64_t n = 0;
    rts_added ints;
    rts_series s;
    rts_samples sm;
    BAD(rts_add(c, "t:a", "*", 0.0 / 0.0, NULL, &n), "TS.ADD: value: NaN is not accepted here");
    BAD(rts_add(c, "t:a", "*", 1.0 / 0.0, NULL, &n), "TS.ADD: value: needs a finite number (not inf or -inf)");
    BAD(rts_incrby(c, "t:a", -1.0 / 0.0, NULL, &n), "TS.INCRBY: addend: needs a finite number (not inf or -inf)");
    BAD(rts_madd(c, (rts_madd_ktv[]){{RSDK_S("t:a"), RSDK_S("*"), 0.0 / 0.0}}, 1, &ints),
        "TS.MADD: ktv[].value: NaN is not accepted here");
    BAD(rts_madd(c, NULL, 0, &ints), "TS.MADD: ktv: needs at least one element");
    BAD(rts_mrange(c, "-", "+", NULL, 0, NULL, &s), "TS.MRANGE: filter: needs at least one element");
    BAD(rts_mget(c, NULL, 0, NULL, &s), "TS.MGET: filter: needs at least one element");
    BAD(rts_create(c, "t:b", &(rts_create_opts){.labels = (rts_create_labels[]){{RSDK_S("a"), rsdk_str_n(NULL, 1)}},
                                                .labels_count = 1}),
        "TS.CREATE: labels[].value: NULL pointer with non-zero length");
    rts_range_aggregation none = {.bucket_duration = 1000}; /* no aggregator chosen */
    BAD(rts_range(c, "t:a", "-", "+", &(rts_range_opts){.aggregation = &none}, &sm),
        "TS.RANGE: aggregation.aggregator: no valid choice");
    /* the observer's own INFO is the only command the server saw */
    assert_int_equal(ml_commands_processed(observer), before + 1);
    assert_int_equal(bad, 9);
    OK(rts_add(c, "t:a", "1000", 1.0, NULL, &n));
    assert_int_equal(n, 1000);
    rsdk_client_close(observer);
}

static void t_samples(void **st) { ml_each_protocol(st, samples_and_aggregation); }
static void t_grouped(void **st) { ml_each_protocol(st, grouped_series); }
static void t_info(void **st) { ml_each_protocol(st, info_with_labels_and_rules); }
static void t_pipelined(void **st) { ml_each_protocol(st, pipelined); }
static void t_bad(void **st) { ml_each_protocol(st, bad_arguments_send_nothing); }

static int setup_redis70(void **state) { return rsdk_test_module_group_setup(state, NULL, "redistimeseries"); }
static int setup_redis80(void **state) {
    return rsdk_test_module_group_setup(state, "redis-8.0-trixie", "redistimeseries");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_samples), cmocka_unit_test(t_grouped), cmocka_unit_test(t_info),
        cmocka_unit_test(t_pipelined), cmocka_unit_test(t_bad),
    };
    int failed = cmocka_run_group_tests_name("redis 7.0 + RedisTimeSeries", tests, setup_redis70,
                                             rsdk_test_server_group_teardown);
    failed += cmocka_run_group_tests_name("redis 8.0 + RedisTimeSeries", tests, setup_redis80,
                                          rsdk_test_server_group_teardown);
    return failed;
}
