/* An index of 10,000 hashes with TEXT, TAG, NUMERIC, GEO and VECTOR
 * fields, queried through the typed calls by text, tag, numeric range, geo
 * radius and KNN (checked against a brute-force distance computed here),
 * and aggregated with GROUPBY/REDUCE/APPLY/SORTBY through a cursor of
 * COUNT 100 that must hand over every row exactly once. On Redis 8.0 and
 * Valkey 9.1, both protocols. Scores and the order of ties are not
 * asserted. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rsdk/search.h"
#include "rsdk/search_aggregate.h"
#include "rsdk/search_info.h"
#include "rsdk/search_result.h"
#include "rsdk/search_schema.h"
#include "search_fixture.h"

#define NDOCS 10000
#define DIM 8

typedef struct doc {
    float v[DIM];
    double lon, lat;
} doc;

static doc docs[NDOCS]; /* test data, rebuilt identically for each group */

static uint32_t lcg(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static void make_docs(void) {
    uint32_t seed = 42;
    for (int i = 0; i < NDOCS; i++) {
        for (int d = 0; d < DIM; d++) docs[i].v[d] = (float)(lcg(&seed) % 10000) / 1000.0f;
        docs[i].lon = -5.0 + (i % 100) * 0.1;
        docs[i].lat = 40.0 + (i / 100) * 0.1;
    }
}

static void load(rsdk_client *c) {
    const rsearch_field f[] = {
        {.type = RSEARCH_FIELD_TEXT, .name = S("title"), .weight = 2, .sortable = true},
        {.type = RSEARCH_FIELD_TAG, .name = S("tag")},
        {.type = RSEARCH_FIELD_NUMERIC, .name = S("price"), .sortable = true},
        {.type = RSEARCH_FIELD_GEO, .name = S("loc")},
        {.type = RSEARCH_FIELD_VECTOR, .name = S("emb"), .algorithm = RSEARCH_VECTOR_FLAT,
         .vector_type = RSEARCH_VECTOR_FLOAT32, .dim = DIM, .metric = RSEARCH_DISTANCE_L2},
    };
    const rsdk_str prefix[] = {S("doc:")};
    rsearch_index_def def = {.on = RSEARCH_ON_HASH, .prefix = prefix, .prefix_count = 1};
    assert_int_equal(rsearch_create_index(c, S("big"), &def, f, 5), RSDK_OK);
    /* 10 pipelines of 1,000 HSETs. */
    for (int base = 0; base < NDOCS; base += 1000) {
        rsdk_pipeline *p = NULL;
        assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
        for (int i = base; i < base + 1000; i++) {
            char key[16], title[32], tag[8], price[8], loc[48], blob[DIM * 4];
            snprintf(key, sizeof key, "doc:%d", i);
            snprintf(title, sizeof title, "word%d common", i % 50);
            snprintf(tag, sizeof tag, "t%d", i % 10);
            snprintf(price, sizeof price, "%d", i % 1000);
            snprintf(loc, sizeof loc, "%.6f,%.6f", docs[i].lon, docs[i].lat);
            rsearch_pack_f32(blob, docs[i].v, DIM);
            const char *argv[] = {"HSET", key, "title", title, "tag", tag, "price", price, "loc", loc, "emb", blob};
            size_t lens[12];
            for (int k = 0; k < 11; k++) lens[k] = strlen(argv[k]); /* the blob is not text */
            lens[11] = sizeof blob;
            assert_int_equal(rsdk_pipeline_append_argv(p, 12, argv, lens), RSDK_OK);
        }
        assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
        rsdk_pipeline_free(p);
    }
}

static void wait_indexed(const rsearch_ft *ft) {
    for (int tries = 0; tries < 600; tries++) {
        rsearch_index_info info;
        assert_int_equal(rsearch_ft_info(ft, S("big"), &info), RSDK_OK);
        bool done = !info.indexing && info.num_docs == NDOCS;
        rsearch_index_info_deinit(&info);
        if (done) return;
        rsdk_test_sleep_ms(50);
    }
    fail_msg("the index did not finish");
}

static int64_t count(const rsearch_ft *ft, const char *q, const rsearch_search_opts *extra) {
    rsearch_search_opts o = extra ? *extra : (rsearch_search_opts){0};
    o.nocontent = true;
    rsearch_search_limit lim = {0, 0};
    o.limit = &lim;
    rsearch_result r;
    rsdk_status st = rsearch_ft_search(ft, S("big"), S(q), &o, &r);
    if (st != RSDK_OK) fail_msg("%s: %s", q, rsdk_client_error(ft->c)->message);
    int64_t n = r.total;
    assert_int_equal(r.count, 0);
    rsearch_result_deinit(&r);
    return n;
}

static void text_tag_numeric(const rsearch_ft *ft) {
    assert_int_equal(count(ft, "@title:word7", NULL), NDOCS / 50);
    assert_int_equal(count(ft, "@tag:{t3}", NULL), NDOCS / 10);
    assert_int_equal(count(ft, "@price:[100 199]", NULL), NDOCS / 10);
    assert_int_equal(count(ft, "@tag:{t3} @price:[100 199]", NULL), 100);
    const rsearch_search_filter flt = {S("price"), 100, 199};
    assert_int_equal(count(ft, "*", &(rsearch_search_opts){.filter = &flt, .filter_count = 1}), NDOCS / 10);
    /* Fields come back typed: a page of 5 with the title returned. */
    const rsearch_search_identifiers ret[] = {{S("title"), S("t")}};
    const rsearch_search_return rt = {ret, 1};
    rsearch_result r;
    assert_int_equal(rsearch_ft_search(ft, S("big"), S("@title:word7"),
                                       &(rsearch_search_opts){.return_ = &rt,
                                                              .limit = &(rsearch_search_limit){0, 5}},
                                       &r),
                     RSDK_OK);
    assert_int_equal(r.total, NDOCS / 50);
    assert_int_equal(r.count, 5);
    for (size_t i = 0; i < r.count; i++) {
        rsdk_string t = rsearch_doc_get(&r.docs[i], "t");
        assert_false(t.nil);
        assert_string_equal(t.ptr, "word7 common");
        assert_int_equal(strncmp(r.docs[i].id.ptr, "doc:", 4), 0);
    }
    rsearch_result_deinit(&r);
}

static double haversine_m(double lon1, double lat1, double lon2, double lat2) {
    const double R = 6372797.560856, rad = M_PI / 180;
    double a = sin((lat2 - lat1) * rad / 2), b = sin((lon2 - lon1) * rad / 2);
    double h = a * a + cos(lat1 * rad) * cos(lat2 * rad) * b * b;
    return 2 * R * asin(sqrt(h));
}

static void geo_radius(const rsearch_ft *ft) {
    const double lon = 0.0, lat = 44.0, km = 150;
    int64_t strict = 0, loose = 0;
    for (int i = 0; i < NDOCS; i++) {
        double d = haversine_m(lon, lat, docs[i].lon, docs[i].lat);
        strict += d < km * 1000 * 0.995;
        loose += d <= km * 1000 * 1.005;
    }
    const rsearch_search_geo_filter g = {S("loc"), lon, lat, km, RSEARCH_SEARCH_RADIUS_TYPE_KM};
    int64_t n = count(ft, "*", &(rsearch_search_opts){.geo_filter = &g, .geo_filter_count = 1});
    assert_true(strict > 100);
    if (n < strict || n > loose) fail_msg("GEOFILTER: %lld, brute force %lld..%lld", (long long)n, (long long)strict, (long long)loose);
    /* The same through the query syntax. */
    int64_t q = count(ft, "@loc:[0 44 150 km]", NULL);
    assert_int_equal(q, n);
}

static int by_dist(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void knn(const rsearch_ft *ft) {
    float qv[DIM];
    uint32_t seed = 7;
    for (int d = 0; d < DIM; d++) qv[d] = (float)(lcg(&seed) % 10000) / 1000.0f;
    /* Brute force: (squared L2 distance, doc index) pairs, sorted. */
    double(*all)[2] = malloc(sizeof(double[2]) * NDOCS);
    for (int i = 0; i < NDOCS; i++) {
        double s = 0;
        for (int d = 0; d < DIM; d++) s += ((double)docs[i].v[d] - qv[d]) * ((double)docs[i].v[d] - qv[d]);
        all[i][0] = s;
        all[i][1] = i;
    }
    qsort(all, NDOCS, sizeof all[0], by_dist);
    char blob[DIM * 4];
    rsearch_pack_f32(blob, qv, DIM);
    rsearch_knn q = {.field = S("emb"), .k = 10, .vector = rsdk_str_n(blob, sizeof blob),
                     .type = RSEARCH_VECTOR_FLOAT32, .dim = DIM};
    rsearch_result r;
    if (rsearch_ft_knn(ft, S("big"), &q, NULL, &r) != RSDK_OK) fail_msg("%s", rsdk_client_error(ft->c)->message);
    assert_int_equal(r.count, 10);
    for (size_t i = 0; i < r.count; i++) {
        int id = atoi(r.docs[i].id.ptr + 4);
        rsdk_string dist = rsearch_doc_get(&r.docs[i], "__dist");
        assert_false(dist.nil);
        double got = strtod(dist.ptr, NULL);
        /* Each result is one of the 10 nearest, at the distance computed here. */
        bool found = false;
        for (int k = 0; k < 10; k++)
            if ((int)all[k][1] == id) {
                found = true;
                if (fabs(got - all[k][0]) > 1e-3 * (1 + all[k][0])) fail_msg("doc:%d: %g, want %g", id, got, all[k][0]);
            }
        if (!found) fail_msg("doc:%d is not among the 10 nearest", id);
        if (i > 0) assert_true(got + 1e-6 >= strtod(rsearch_doc_get(&r.docs[i - 1], "__dist").ptr, NULL));
    }
    rsearch_result_deinit(&r);
    /* A pre-filter: the 10 nearest among tag t3. */
    q.filter = S("@tag:{t3}");
    assert_int_equal(rsearch_ft_knn(ft, S("big"), &q, NULL, &r), RSDK_OK);
    assert_int_equal(r.count, 10);
    int want = 0;
    for (int k = 0; k < NDOCS && want < 10; k++)
        if ((int)all[k][1] % 10 == 3) {
            bool found = false;
            for (size_t i = 0; i < r.count; i++) found |= atoi(r.docs[i].id.ptr + 4) == (int)all[k][1];
            if (!found) fail_msg("filtered KNN misses doc:%d", (int)all[k][1]);
            want++;
        }
    rsearch_result_deinit(&r);
    free(all);
}

/* GROUPBY @price (1,000 groups of 10) REDUCE COUNT, SUM; APPLY; SORTBY;
 * read 100 rows at a time: every price exactly once, none lost. */
static void aggregate_cursor(const rsearch_ft *ft) {
    const rsdk_str by[] = {S("@price")};
    const rsdk_str sum_arg[] = {S("@price")};
    const rsearch_aggregate_reduce red[] = {
        {.reducer_body = {.kind = RSEARCH_AGGREGATE_REDUCER_BODY_GENERIC_BODY,
                          .generic_body = {.function = RSEARCH_AGGREGATE_FUNCTION_COUNT}},
         .name = S("n")},
        {.reducer_body = {.kind = RSEARCH_AGGREGATE_REDUCER_BODY_GENERIC_BODY,
                          .generic_body = {.function = RSEARCH_AGGREGATE_FUNCTION_SUM,
                                           .arg = sum_arg, .arg_count = 1}},
         .name = S("s")},
    };
    const rsearch_aggregate_groupby gb = {by, 1, red, 2};
    const rsearch_aggregate_apply ap = {S("@s / @n * 2"), S("p2")};
    const rsearch_aggregate_sortby_fields sf = {S("@price"), RSEARCH_AGGREGATE_SORTBY_FIELDS_ORDER_ASC};
    const rsearch_aggregate_sortby sb = {&sf, 1, true, 1000};
    const rsearch_aggregate_cursor cur = {.has_read_size = true, .read_size = 100};
    rsearch_aggregate_opts o = {.groupby = &gb, .groupby_count = 1, .apply = &ap, .apply_count = 1,
                                .sortby = &sb, .cursor = &cur};
    rsearch_cursor *c = NULL;
    if (rsearch_cursor_open(ft, S("big"), S("*"), &o, &c) != RSDK_OK) fail_msg("%s", rsdk_client_error(ft->c)->message);
    static unsigned char seen[1000];
    memset(seen, 0, sizeof seen);
    size_t rows = 0, pages = 0;
    for (;;) {
        rsearch_rows page;
        bool more = false;
        assert_int_equal(rsearch_cursor_next(c, &page, &more), RSDK_OK);
        if (!more) break;
        pages++;
        assert_true(page.count <= 100);
        for (size_t i = 0; i < page.count; i++) {
            rsdk_string pr = rsearch_row_get(&page.rows[i], "price");
            rsdk_string n = rsearch_row_get(&page.rows[i], "n");
            rsdk_string p2 = rsearch_row_get(&page.rows[i], "p2");
            assert_false(pr.nil || n.nil || p2.nil);
            int price = atoi(pr.ptr);
            assert_true(price >= 0 && price < 1000);
            if (seen[price]++) fail_msg("price %d came twice", price);
            assert_int_equal(atoi(n.ptr), 10);
            assert_true(fabs(strtod(p2.ptr, NULL) - 2.0 * price) < 1e-6);
            rows++;
        }
        rsearch_rows_deinit(&page);
    }
    assert_int_equal(rows, 1000);
    assert_true(pages >= 10);
    assert_int_equal(rsearch_cursor_id(c), 0);
    assert_int_equal(rsearch_cursor_close(c), RSDK_OK);
}

static void big_index(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    make_docs();
    rsdk_client *c = search_client(state, 3);
    load(c);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *pc = rsdk_test_client(*state, proto, true);
        rsearch_ft ft;
        rsearch_ft_init(&ft, pc);
        wait_indexed(&ft);
        text_tag_numeric(&ft);
        geo_radius(&ft);
        knn(&ft);
        aggregate_cursor(&ft);
        rsdk_client_close(pc);
    }
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest t[] = {cmocka_unit_test(big_index)};
    int fails = cmocka_run_group_tests_name("redis-8.0", t, search_setup_redis80,
                                            rsdk_test_server_group_teardown);
    fails += cmocka_run_group_tests_name("valkey-9.1", t, search_setup_valkey91,
                                         rsdk_test_server_group_teardown);
    return fails;
}
