/* RedisBloom through the typed calls, on RESP2 and RESP3, in Redis 8.0:
 * Bloom and cuckoo filters (bools and bool arrays, INFO records), a filter
 * dumped with SCANDUMP until iterator 0 and restored with LOADCHUNK under
 * another key (membership survives), count-min counts, top-k lists,
 * t-digest numbers, the same through a pipeline (queue + decode), and bad
 * arguments refused before anything is sent. */
#include "module_live.h"
#include "rsdk/bloom.h"
#include "rsdk/bloom_dump.h"

static void bloom_filters(rsdk_client *c, int proto) {
    (void)proto;
    OK(rbloom_bf_reserve(c, "bf", 0.001, 1000, NULL));
    bool added = false, there = false;
    OK(rbloom_bf_add(c, "bf", "apple", &added));
    assert_true(added);
    OK(rbloom_bf_add(c, "bf", "apple", &added));
    assert_false(added);
    rsdk_str more[] = {RSDK_S("pear"), RSDK_S("plum"), RSDK_S("apple")};
    rsdk_bools b;
    OK(rbloom_bf_madd(c, "bf", more, 3, &b));
    assert_int_equal(b.count, 3);
    assert_true(rsdk_bools_at(&b, 0));
    assert_false(rsdk_bools_at(&b, 2));
    rsdk_bools_deinit(&b);
    OK(rbloom_bf_exists(c, "bf", "plum", &there));
    assert_true(there);
    rsdk_str ask[] = {RSDK_S("pear"), RSDK_S("kiwi")};
    OK(rbloom_bf_mexists(c, "bf", ask, 2, &b));
    assert_true(rsdk_bools_at(&b, 0));
    assert_false(rsdk_bools_at(&b, 1));
    rsdk_bools_deinit(&b);
    OK(rbloom_bf_insert(c, "bf2", ask, 2, &(rbloom_bf_insert_opts){.has_capacity = true, .capacity = 50}, &b));
    assert_int_equal(b.count, 2);
    rsdk_bools_deinit(&b);
    /* A full non-scaling filter refuses items one by one: the reply is
     * [1, 1, error]; the call returns the server's error naming the item. */
    OK(rbloom_bf_reserve(c, "tiny", 0.01, 2, &(rbloom_bf_reserve_opts){.nonscaling = true}));
    rsdk_str many[] = {RSDK_S("a"), RSDK_S("b"), RSDK_S("c"), RSDK_S("d"), RSDK_S("e"), RSDK_S("f")};
    assert_int_equal(rbloom_bf_insert(c, "tiny", many, 6, NULL, &b), RSDK_ERR_RESPONSE);
    assert_non_null(strstr(rsdk_client_error(c)->message, "BF.INSERT: item "));
    assert_non_null(strstr(rsdk_client_error(c)->message, "non scaling filter is full"));
    assert_false(rsdk_client_broken(c));
    int64_t card = 0;
    OK(rbloom_bf_card(c, "bf", &card));
    assert_int_equal(card, 3);
    rbloom_bf_summary info;
    OK(rbloom_bf_info(c, "bf", NULL, &info));
    assert_int_equal(info.capacity, 1000);
    assert_int_equal(info.items, 3);
    assert_int_equal(info.filters, 1);
    assert_true(info.size > 0);
    assert_false(info.single);
    rbloom_bf_summary_deinit(&info);
    OK(rbloom_bf_info(c, "bf", &(rbloom_bf_info_opts){.single_value = RBLOOM_BF_INFO_SINGLE_VALUE_ITEMS}, &info));
    assert_true(info.single);
    assert_int_equal(info.value, 3);
    rbloom_bf_summary_deinit(&info);
}

/* Dump chunk by chunk, restore elsewhere: every member is still there. */
static void dump_and_restore(rsdk_client *c, int proto) {
    (void)proto;
    OK(rbloom_bf_reserve(c, "src", 0.01, 2000, NULL));
    char item[16];
    bool added;
    for (int i = 0; i < 200; i++) {
        snprintf(item, sizeof item, "m%d", i);
        OK(rbloom_bf_add(c, "src", item, &added));
    }
    size_t chunks = 0;
    OK(rbloom_filter_copy(c, RBLOOM_FILTER_BLOOM, RSDK_S("src"), RSDK_S("dst"), &chunks));
    assert_true(chunks >= 2); /* the header, then the bits */
    for (int i = 0; i < 200; i++) {
        snprintf(item, sizeof item, "m%d", i);
        bool there = false;
        OK(rbloom_bf_exists(c, "dst", item, &there));
        assert_true(there);
    }
    rbloom_bf_summary a, b;
    OK(rbloom_bf_info(c, "src", NULL, &a));
    OK(rbloom_bf_info(c, "dst", NULL, &b));
    assert_int_equal(a.capacity, b.capacity);
    assert_int_equal(a.items, b.items);
    rbloom_bf_summary_deinit(&a);
    rbloom_bf_summary_deinit(&b);
    /* the same by hand for a cuckoo filter, with the iterator helper */
    OK(rbloom_cf_reserve(c, "csrc", 1000, NULL));
    OK(rbloom_cf_add(c, "csrc", "x", &added));
    rbloom_dump d;
    rbloom_dump_init(&d, c, RBLOOM_FILTER_CUCKOO, RSDK_S("csrc"));
    size_t n = 0;
    while (!d.done) {
        rbloom_chunk ch;
        OK(rbloom_dump_next(&d, &ch));
        if (d.done) break;
        assert_true(ch.iterator != 0);
        OK(rbloom_load_chunk(c, RBLOOM_FILTER_CUCKOO, RSDK_S("cdst"), &ch));
        rbloom_chunk_deinit(&ch);
        n++;
    }
    assert_true(n >= 1);
    bool there = false;
    OK(rbloom_cf_exists(c, "cdst", "x", &there));
    assert_true(there);
    /* a key that is no filter: the server's error */
    rbloom_chunk ch;
    CMD_DO(c, "SET", "plain", "v");
    assert_int_equal(rbloom_bf_scandump(c, "plain", 0, &ch), RSDK_ERR_WRONGTYPE);
}

static void cuckoo_filters(rsdk_client *c, int proto) {
    (void)proto;
    OK(rbloom_cf_reserve(c, "cf", 1000, &(rbloom_cf_reserve_opts){.has_bucketsize = true, .bucketsize = 4}));
    bool ok = false;
    OK(rbloom_cf_add(c, "cf", "a", &ok));
    assert_true(ok);
    OK(rbloom_cf_addnx(c, "cf", "a", &ok));
    assert_false(ok);
    rsdk_str items[] = {RSDK_S("a"), RSDK_S("b")};
    rsdk_ints nx;
    OK(rbloom_cf_insertnx(c, "cf", items, 2, NULL, &nx));
    assert_int_equal(rsdk_ints_at(&nx, 0).value, 0);
    assert_int_equal(rsdk_ints_at(&nx, 1).value, 1);
    rsdk_ints_deinit(&nx);
    int64_t count = 0;
    OK(rbloom_cf_count(c, "cf", "a", &count));
    assert_int_equal(count, 1);
    OK(rbloom_cf_del(c, "cf", "a", &ok));
    assert_true(ok);
    rsdk_bools b;
    OK(rbloom_cf_mexists(c, "cf", items, 2, &b));
    assert_false(rsdk_bools_at(&b, 0));
    assert_true(rsdk_bools_at(&b, 1));
    rsdk_bools_deinit(&b);
    rbloom_cf_summary info;
    OK(rbloom_cf_info(c, "cf", &info));
    assert_int_equal(info.bucket_size, 4);
    assert_int_equal(info.items_inserted, 1);
    assert_int_equal(info.items_deleted, 1);
    rbloom_cf_summary_deinit(&info);
}

static void sketches(rsdk_client *c, int proto) {
    (void)proto;
    OK(rbloom_cms_initbydim(c, "cms", 100, 5));
    OK(rbloom_cms_initbyprob(c, "cms2", 0.001, 0.01));
    rbloom_cms_incrby_items inc[] = {{RSDK_S("a"), 3}, {RSDK_S("b"), 1}};
    rsdk_ints n;
    OK(rbloom_cms_incrby(c, "cms", inc, 2, &n));
    assert_int_equal(rsdk_ints_at(&n, 0).value, 3);
    rsdk_ints_deinit(&n);
    OK(rbloom_cms_initbydim(c, "sum", 100, 5));
    rsdk_str src[] = {RSDK_S("cms"), RSDK_S("cms")};
    OK(rbloom_cms_merge(c, "sum", src, 2, &(rbloom_cms_merge_opts){.weights = (double[]){1, 2}, .weights_count = 2}));
    rsdk_str q[] = {RSDK_S("a")};
    OK(rbloom_cms_query(c, "sum", q, 1, &n));
    assert_int_equal(rsdk_ints_at(&n, 0).value, 9);
    rsdk_ints_deinit(&n);
    rbloom_cms_summary ci;
    OK(rbloom_cms_info(c, "sum", &ci));
    assert_int_equal(ci.width, 100);
    assert_int_equal(ci.depth, 5);
    assert_int_equal(ci.count, 12);
    rbloom_cms_summary_deinit(&ci);

    OK(rbloom_topk_reserve(c, "top", 2, NULL));
    rsdk_str adds[] = {RSDK_S("x"), RSDK_S("y"), RSDK_S("x"), RSDK_S("z"), RSDK_S("x")};
    rsdk_strings dropped;
    OK(rbloom_topk_add(c, "top", adds, 5, &dropped));
    assert_int_equal(dropped.count, 5);
    assert_true(rsdk_strings_at(&dropped, 0).nil);
    rsdk_strings_deinit(&dropped);
    rbloom_topk_incrby_items up[] = {{RSDK_S("y"), 10}};
    OK(rbloom_topk_incrby(c, "top", up, 1, &dropped));
    rsdk_strings_deinit(&dropped);
    rbloom_topk_items l;
    OK(rbloom_topk_list(c, "top", &(rbloom_topk_list_opts){.withcount = true}, &l));
    assert_int_equal(l.count, 2);
    ml_str_is(l.items[0].item, "y");
    assert_true(l.items[0].has_count);
    assert_int_equal(l.items[0].count, 11);
    rbloom_topk_items_deinit(&l);
    OK(rbloom_topk_list(c, "top", NULL, &l));
    assert_int_equal(l.count, 2);
    assert_false(l.items[1].has_count);
    rbloom_topk_items_deinit(&l);
    rsdk_str ask[] = {RSDK_S("x"), RSDK_S("nope")};
    rsdk_bools in;
    OK(rbloom_topk_query(c, "top", ask, 2, &in));
    assert_true(rsdk_bools_at(&in, 0));
    assert_false(rsdk_bools_at(&in, 1));
    rsdk_bools_deinit(&in);
    OK(rbloom_topk_count(c, "top", ask, 2, &n));
    assert_int_equal(rsdk_ints_at(&n, 0).value, 3);
    rsdk_ints_deinit(&n);
    rbloom_topk_summary ti;
    OK(rbloom_topk_info(c, "top", &ti));
    assert_int_equal(ti.k, 2);
    assert_true(ti.decay > 0 && ti.decay <= 1);
    rbloom_topk_summary_deinit(&ti);
}

static void tdigest(rsdk_client *c, int proto) {
    (void)proto;
    OK(rbloom_tdigest_create(c, "td", &(rbloom_tdigest_create_opts){.has_compression = true, .compression = 200}));
    double values[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    OK(rbloom_tdigest_add(c, "td", values, 10));
    double v = 0;
    OK(rbloom_tdigest_min(c, "td", &v));
    assert_true(v == 1.0);
    OK(rbloom_tdigest_max(c, "td", &v));
    assert_true(v == 10.0);
    rsdk_doubles d;
    OK(rbloom_tdigest_quantile(c, "td", (double[]){0, 1}, 2, &d));
    assert_true(rsdk_doubles_at(&d, 0).value == 1.0);
    assert_true(rsdk_doubles_at(&d, 1).value == 10.0);
    rsdk_doubles_deinit(&d);
    OK(rbloom_tdigest_cdf(c, "td", (double[]){-1.0 / 0.0, 1.0 / 0.0}, 2, &d)); /* inf is fine here */
    assert_true(rsdk_doubles_at(&d, 0).value == 0.0);
    assert_true(rsdk_doubles_at(&d, 1).value == 1.0);
    rsdk_doubles_deinit(&d);
    OK(rbloom_tdigest_byrank(c, "td", (double[]){0}, 1, &d));
    assert_true(rsdk_doubles_at(&d, 0).value == 1.0);
    rsdk_doubles_deinit(&d);
    OK(rbloom_tdigest_trimmed_mean(c, "td", 0.1, 0.9, &v));
    assert_true(v > 4.0 && v < 7.0);
    rsdk_ints r;
    OK(rbloom_tdigest_rank(c, "td", (double[]){0, 100}, 2, &r));
    assert_int_equal(rsdk_ints_at(&r, 0).value, -1);
    assert_int_equal(rsdk_ints_at(&r, 1).value, 10);
    rsdk_ints_deinit(&r);
    rbloom_tdigest_summary ti;
    OK(rbloom_tdigest_info(c, "td", &ti));
    assert_int_equal(ti.compression, 200);
    assert_int_equal(ti.observations, 10);
    rbloom_tdigest_summary_deinit(&ti);
    rsdk_str src[] = {RSDK_S("td")};
    OK(rbloom_tdigest_merge(c, "td2", src, 1, NULL));
    OK(rbloom_tdigest_reset(c, "td"));
    OK(rbloom_tdigest_info(c, "td", &ti));
    assert_int_equal(ti.observations, 0);
    rbloom_tdigest_summary_deinit(&ti);
}

static void bad_arguments_send_nothing(rsdk_client *c, int proto) {
    rsdk_client *observer = rsdk_test_client(ml_server(), proto, false);
    OK(rbloom_tdigest_create(c, "td", NULL));
    int64_t before = ml_commands_processed(observer);
    size_t bad = 0;
    rsdk_bools b;
    rsdk_ints n;
    rsdk_doubles d;
    double v;
    BAD(rbloom_bf_reserve(c, "bf", 0.0 / 0.0, 100, NULL), "BF.RESERVE: error_rate: NaN is not accepted here");
    BAD(rbloom_bf_insert(c, "bf", (rsdk_str[]){RSDK_S("a")}, 1,
                         &(rbloom_bf_insert_opts){.has_error = true, .error = 1.0 / 0.0}, &b),
        "BF.INSERT: error: needs a finite number (not inf or -inf)");
    BAD(rbloom_bf_madd(c, "bf", NULL, 0, &b), "BF.MADD: item: needs at least one element");
    BAD(rbloom_cf_mexists(c, "cf", NULL, 0, &b), "CF.MEXISTS: item: needs at least one element");
    BAD(rbloom_cms_initbyprob(c, "cms", 0.01, 1.0 / 0.0), "CMS.INITBYPROB: probability: needs a finite number (not inf or -inf)");
    BAD(rbloom_cms_merge(c, "cms", (rsdk_str[]){RSDK_S("a"), RSDK_S("b")}, 2,
                         &(rbloom_cms_merge_opts){.weights = (double[]){1}, .weights_count = 1}),
        "CMS.MERGE: weights: 1 elements, but source has 2");
    BAD(rbloom_cms_incrby(c, "cms", NULL, 0, &n), "CMS.INCRBY: items: needs at least one element");
    BAD(rbloom_tdigest_add(c, "td", (double[]){1, 0.0 / 0.0}, 2), "TDIGEST.ADD: value[]: NaN is not accepted here");
    BAD(rbloom_tdigest_add(c, "td", NULL, 0), "TDIGEST.ADD: value: needs at least one element");
    BAD(rbloom_tdigest_quantile(c, "td", (double[]){-1.0 / 0.0}, 1, &d),
        "TDIGEST.QUANTILE: quantile[]: needs a finite number (not inf or -inf)");
    BAD(rbloom_tdigest_cdf(c, "td", (double[]){0.0 / 0.0}, 1, &d), "TDIGEST.CDF: value[]: NaN is not accepted here");
    BAD(rbloom_tdigest_trimmed_mean(c, "td", 0.1, 1.0 / 0.0, &v),
        "TDIGEST.TRIMMED_MEAN: high_cut_quantile: needs a finite number (not inf or -inf)");
    BAD(rbloom_topk_reserve(c, "top", 3,
                            &(rbloom_topk_reserve_opts){.params = &(rbloom_topk_reserve_params){8, 7, 0.0 / 0.0}}),
        "TOPK.RESERVE: params.decay: NaN is not accepted here");
    assert_int_equal(ml_commands_processed(observer), before + 1);
    assert_int_equal(bad, 13);
    OK(rbloom_tdigest_add(c, "td", (double[]){1}, 1));
    rsdk_client_close(observer);
}

/* Queued calls and their decoders read the same values as the sync calls. */
static void pipelined(rsdk_client *c, int proto) {
    (void)proto;
    OK(rbloom_bf_reserve(c, "bf", 0.01, 100, NULL));
    OK(rbloom_topk_reserve(c, "top", 3, NULL));
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_non_null(p);
    rsdk_str items[] = {RSDK_S("a"), RSDK_S("b")};
    assert_int_equal(rbloom_bf_madd_queue(p, "bf", items, 2, NULL), RSDK_OK);
    assert_int_equal(rbloom_bf_info_queue(p, "bf", NULL, NULL), RSDK_OK);
    assert_int_equal(rbloom_topk_add_queue(p, "top", items, 2, NULL), RSDK_OK);
    assert_int_equal(rbloom_topk_list_queue(p, "top", &(rbloom_topk_list_opts){.withcount = true}, NULL), RSDK_OK);
    assert_int_equal(rbloom_bf_scandump_queue(p, "bf", 0, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    rsdk_bools b;
    assert_int_equal(rbloom_bf_madd_decode(rsdk_pipeline_reply(p, 0), &b, NULL), RSDK_OK);
    assert_true(rsdk_bools_at(&b, 1));
    rbloom_bf_summary info;
    assert_int_equal(rbloom_bf_info_decode(rsdk_pipeline_reply(p, 1), &info, NULL), RSDK_OK);
    assert_int_equal(info.items, 2);
    assert_null(info.owner);
    rbloom_topk_items l;
    assert_int_equal(rbloom_topk_list_decode(rsdk_pipeline_reply(p, 3), &l, NULL), RSDK_OK);
    assert_int_equal(l.count, 2);
    assert_int_equal(l.items[0].count, 1);
    rbloom_topk_items_deinit(&l);
    rbloom_chunk ch;
    assert_int_equal(rbloom_bf_scandump_decode(rsdk_pipeline_reply(p, 4), &ch, NULL), RSDK_OK);
    assert_int_equal(ch.iterator, 1);
    rsdk_pipeline_free(p);
}

static void t_pipelined(void **st) { ml_each_protocol(st, pipelined); }
static void t_bloom(void **st) { ml_each_protocol(st, bloom_filters); }
static void t_dump(void **st) { ml_each_protocol(st, dump_and_restore); }
static void t_cuckoo(void **st) { ml_each_protocol(st, cuckoo_filters); }
static void t_sketches(void **st) { ml_each_protocol(st, sketches); }
static void t_tdigest(void **st) { ml_each_protocol(st, tdigest); }
static void t_bad(void **st) { ml_each_protocol(st, bad_arguments_send_nothing); }

static int setup(void **state) { return rsdk_test_module_group_setup(state, "redis-8.0-trixie", "redisbloom"); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_bloom),    cmocka_unit_test(t_dump),    cmocka_unit_test(t_cuckoo),
        cmocka_unit_test(t_sketches), cmocka_unit_test(t_tdigest), cmocka_unit_test(t_pipelined),
        cmocka_unit_test(t_bad),
    };
    return cmocka_run_group_tests_name("redis 8.0 + RedisBloom", tests, setup, rsdk_test_server_group_teardown);
}
