/* The bloom decoders read the replies recorded from RedisBloom 8.0.8 in
 * Redis 8.0, on RESP2 and RESP3, into the same C values: booleans from
 * RESP2's 0/1 and RESP3's #t/#f, numbers from RESP2's text and RESP3's
 * doubles, the INFO records from RESP2's flat lists and RESP3's maps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/bloom.h"
#include "vectors.h"

#define DIR "bloom/redis-8.0"
#define EACH(body) for (int proto = 2; proto <= 3; proto++) { body }

static void filters_answer_bools(void **state) {
    (void)state;
    EACH({
        rsdk_reply *r = vec_load(DIR, proto, "bf_add");
        bool b = false;
        assert_int_equal(rbloom_bf_add_decode(r, &b, NULL), RSDK_OK);
        assert_true(b);
        rsdk_reply_free(r);
        r = vec_load(DIR, proto, "bf_mexists");
        rsdk_bools v;
        assert_int_equal(rbloom_bf_mexists_decode(r, &v, NULL), RSDK_OK);
        assert_int_equal(v.count, 2);
        assert_true(rsdk_bools_at(&v, 0));
        assert_false(rsdk_bools_at(&v, 1));
        rsdk_reply_free(r);
        r = vec_load(DIR, proto, "cf_insert");
        assert_int_equal(rbloom_cf_insert_decode(r, &v, NULL), RSDK_OK);
        assert_int_equal(v.count, 2);
        assert_true(rsdk_bools_at(&v, 1));
        rsdk_reply_free(r);
        r = vec_load(DIR, proto, "cf_insertnx"); /* 0 / 1 / -1: integers on both */
        rsdk_ints n;
        assert_int_equal(rbloom_cf_insertnx_decode(r, &n, NULL), RSDK_OK);
        assert_int_equal(rsdk_ints_at(&n, 0).value, 0);
        assert_int_equal(rsdk_ints_at(&n, 1).value, 1);
        rsdk_reply_free(r);
    })
}

static void info_records(void **state) {
    (void)state;
    EACH({
        rsdk_reply *r = vec_load(DIR, proto, "bf_info");
        rbloom_bf_summary bf;
        assert_int_equal(rbloom_bf_info_decode(r, &bf, NULL), RSDK_OK);
        assert_int_equal(bf.capacity, 100);
        assert_int_equal(bf.size, 240);
        assert_int_equal(bf.filters, 1);
        assert_int_equal(bf.items, 3);
        assert_int_equal(bf.expansion, 2);
        assert_false(bf.single);
        rsdk_reply_free(r);
        r = vec_load(DIR, proto, "bf_info_capacity");
        assert_int_equal(rbloom_bf_info_decode(r, &bf, NULL), RSDK_OK);
        assert_true(bf.single);
        assert_int_equal(bf.value, 100);
        rsdk_reply_free(r);
        r = vec_load(DIR, proto, "cf_info");
        rbloom_cf_summary cf;
        assert_int_equal(rbloom_cf_info_decode(r, &cf, NULL), RSDK_OK);
        assert_int_equal(cf.size, 184);
        assert_int_equal(cf.buckets, 64);
        assert_int_equal(cf.items_inserted, 4);
        assert_int_equal(cf.bucket_size, 2);
        assert_int_equal(cf.max_iterations, 20);
        rsdk_reply_free(r);
        r = vec_load(DIR, proto, "cms_info");
        rbloom_cms_summary cms;
        assert_int_equal(rbloom_cms_info_decode(r, &cms, NULL), RSDK_OK);
        assert_int_equal(cms.width, 10);
        assert_int_equal(cms.depth, 3);
        assert_int_equal(cms.count, 7);
        rsdk_reply_free(r);
        r = vec_load(DIR, proto, "topk_info");
        rbloom_topk_summary tk;
        assert_int_equal(rbloom_topk_info_decode(r, &tk, NULL), RSDK_OK);
        assert_int_equal(tk.k, 3);
        assert_int_equal(tk.width, 8);
        assert_int_equal(tk.depth, 7);
        assert_true(tk.decay == 0.9);
        rsdk_reply_free(r);
        r = vec_load(DIR, proto, "tdigest_info");
        rbloom_tdigest_summary td;
        assert_int_equal(rbloom_tdigest_info_decode(r, &td, NULL), RSDK_OK);
        assert_int_equal(td.compression, 100);
        assert_int_equal(td.capacity, 610);
        assert_int_equal(td.merged_nodes, 4);
        assert_int_equal(td.observations, 4);
        assert_true(td.merged_weight == 4.0);
        assert_true(td.memory_usage > 0);
        rsdk_reply_free(r);
    })
}

static void scandump_chunk(void **state) {
    (void)state;
    EACH({
        rsdk_reply *r = vec_load(DIR, proto, "bf_scandump_first");
        rbloom_chunk ch;
        assert_int_equal(rbloom_bf_scandump_decode(r, &ch, NULL), RSDK_OK);
        assert_int_equal(ch.iterator, 1);
        assert_int_equal(ch.data.len, 73);
        assert_int_equal((unsigned char)ch.data.ptr[0], 3);
        rsdk_reply_free(r);
    })
}

static void sketches_count_and_list(void **state) {
    (void)state;
    EACH({
        rsdk_reply *r = vec_load(DIR, proto, "cms_incrby");
        rsdk_ints n;
        assert_int_equal(rbloom_cms_incrby_decode(r, &n, NULL), RSDK_OK);
        assert_int_equal(rsdk_ints_at(&n, 1).value, 5);
        rsdk_reply_free(r);
        r = vec_load(DIR, proto, "topk_list");
        rbloom_topk_items l;
        assert_int_equal(rbloom_topk_list_decode(r, &l, NULL), RSDK_OK);
        assert_int_equal(l.count, 2);
        assert_memory_equal(l.items[0].item.ptr, "x", 1);
        assert_false(l.items[0].has_count);
        rbloom_topk_items_deinit(&l);
        rsdk_reply_free(r);
        r = vec_load(DIR, proto, "topk_list_withcount");
        assert_int_equal(rbloom_topk_list_decode(r, &l, NULL), RSDK_OK);
        assert_int_equal(l.count, 2);
        assert_true(l.items[1].has_count);
        assert_int_equal(l.items[0].count, 2);
        assert_int_equal(l.items[1].count, 1);
        assert_memory_equal(l.items[1].item.ptr, "y", 1);
        rbloom_topk_items_deinit(&l);
        rsdk_reply_free(r);
        r = vec_load(DIR, proto, "topk_add"); /* nothing dropped: nil */
        rsdk_strings dropped;
        assert_int_equal(rbloom_topk_add_decode(r, &dropped, NULL), RSDK_OK);
        assert_int_equal(dropped.count, 1);
        assert_true(rsdk_strings_at(&dropped, 0).nil);
        rsdk_reply_free(r);
    })
}

static void tdigest_numbers(void **state) {
    (void)state;
    EACH({
        rsdk_reply *r = vec_load(DIR, proto, "tdigest_quantile");
        rsdk_doubles q;
        assert_int_equal(rbloom_tdigest_quantile_decode(r, &q, NULL), RSDK_OK);
        assert_int_equal(q.count, 2);
        assert_true(rsdk_doubles_at(&q, 0).value == 3.0);
        assert_true(rsdk_doubles_at(&q, 1).value == 4.0);
        rsdk_reply_free(r);
        r = vec_load(DIR, proto, "tdigest_min");
        double min = 0;
        assert_int_equal(rbloom_tdigest_min_decode(r, &min, NULL), RSDK_OK);
        assert_true(min == 1.0);
        rsdk_reply_free(r);
        r = vec_load(DIR, proto, "tdigest_rank");
        rsdk_ints rank;
        assert_int_equal(rbloom_tdigest_rank_decode(r, &rank, NULL), RSDK_OK);
        assert_int_equal(rsdk_ints_at(&rank, 1).value, 4);
        rsdk_reply_free(r);
    })
}

static void other_shapes_are_refused(void **state) {
    (void)state;
    rsdk_reply *r = vec_load(DIR, 2, "topk_list_withcount");
    rbloom_chunk ch;
    rsdk_error err;
    assert_int_equal(rbloom_bf_scandump_decode(r, &ch, &err), RSDK_ERR_UNEXPECTED_REPLY);
    assert_non_null(strstr(err.message, "iterator"));
    rsdk_reply_free(r);
    r = vec_load(DIR, 3, "tdigest_quantile"); /* numbers, no field names */
    rbloom_cms_summary cms;
    assert_int_equal(rbloom_cms_info_decode(r, &cms, &err), RSDK_ERR_UNEXPECTED_REPLY);
    assert_non_null(strstr(err.message, "CMS.INFO"));
    rsdk_reply_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(filters_answer_bools),
        cmocka_unit_test(info_records),
        cmocka_unit_test(scandump_chunk),
        cmocka_unit_test(sketches_count_and_list),
        cmocka_unit_test(tdigest_numbers),
        cmocka_unit_test(other_shapes_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
