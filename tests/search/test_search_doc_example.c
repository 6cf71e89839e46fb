/* The examples of docs/search.md, verbatim, compile and run against
 * RediSearch on Redis 8.0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rsdk/search.h"
#include "rsdk/search_aggregate.h"
#include "rsdk/search_query.h"
#include "rsdk/search_result.h"
#include "rsdk/search_schema.h"
#include "search_fixture.h"

static void schema(rsdk_client *c) {
    const rsearch_field fields[] = {
        {.type = RSEARCH_FIELD_TEXT, .name = rsdk_str_c("title"), .weight = 2, .sortable = true},
        {.type = RSEARCH_FIELD_TAG, .name = rsdk_str_c("tags"), .separator = rsdk_str_c(",")},
        {.type = RSEARCH_FIELD_NUMERIC, .name = rsdk_str_c("price"), .sortable = true},
        {.type = RSEARCH_FIELD_GEO, .name = rsdk_str_c("loc")},
        {.type = RSEARCH_FIELD_VECTOR, .name = rsdk_str_c("emb"), .algorithm = RSEARCH_VECTOR_HNSW,
         .vector_type = RSEARCH_VECTOR_FLOAT32, .dim = 4, .metric = RSEARCH_DISTANCE_COSINE, .m = 16},
    };
    const rsdk_str prefix[] = {rsdk_str_c("product:")};
    const rsearch_index_def def = {.on = RSEARCH_ON_HASH, .prefix = prefix, .prefix_count = 1};
    rsdk_status st = rsearch_create_index(c, rsdk_str_c("products"), &def, fields, 5);
    if (st != RSDK_OK) fprintf(stderr, "FT.CREATE: %s\n", rsdk_client_error(c)->message);
    assert_int_equal(st, RSDK_OK);
}

static void data(rsdk_client *c) {
    const char *docs[][4] = {{"product:1", "desk lamp", "home,light", "25"},
                             {"product:2", "floor lamp", "home,light", "45"},
                             {"product:3", "camp chair", "outdoor", "30"}};
    for (int i = 0; i < 3; i++) {
        float v[4] = {0.1f * (float)(i + 1), 0.2f, 0.3f, 0.4f};
        unsigned char blob[16];
        rsearch_pack_f32(blob, v, 4);
        const char *argv[] = {"HSET", docs[i][0], "title", docs[i][1], "tags", docs[i][2], "price", docs[i][3],
                              "loc", "2.35,48.85", "emb", (const char *)blob};
        size_t len[12];
        for (int k = 0; k < 11; k++) len[k] = strlen(argv[k]); /* the blob is not text */
        len[11] = sizeof blob;
        rsdk_reply *r = NULL;
        assert_int_equal(rsdk_client_command_argv(c, 12, argv, len, &r), RSDK_OK);
        rsdk_reply_free(r);
    }
}

static void examples(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = search_client(state, 3);
    schema(c);
    data(c);
    const char *user_input = "a} | @secret:{x";
    int found = 0;

    /* A text query */
    rsearch_ft ft;
    rsearch_ft_init(&ft, c); /* DIALECT 2 unless a call's options say otherwise */
    const rsearch_search_limit page = {0, 10};
    rsearch_result res;
    if (rsearch_ft_search(&ft, rsdk_str_c("products"), rsdk_str_c("@title:lamp @price:[10 50]"),
                          &(rsearch_search_opts){.withscores = true, .limit = &page}, &res) == RSDK_OK) {
        printf("%lld matches\n", (long long)res.total);
        for (size_t i = 0; i < res.count; i++) {
            rsdk_string title = rsearch_doc_get(&res.docs[i], "title");
            printf("%s %s\n", res.docs[i].id.ptr, title.nil ? "-" : title.ptr);
        }
        found += (int)res.total;
        rsearch_result_deinit(&res);
    }
    assert_int_equal(found, 2);

    /* Escaping */
    rsdk_buf q;
    rsdk_buf_init(&q);
    rsdk_buf_append(&q, "@tags:{", 7);
    rsearch_escape_tag(&q, rsdk_str_c(user_input)); /* "a} | @secret:{x" stays one tag value */
    rsdk_buf_append(&q, "}", 1);
    assert_int_equal(rsearch_ft_search(&ft, rsdk_str_c("products"), rsdk_str_n(q.data, q.len), NULL, &res), RSDK_OK);
    assert_int_equal(res.total, 0); /* no such tag, and no syntax error */
    rsearch_result_deinit(&res);
    rsdk_buf_deinit(&q);

    /* A KNN query */
    float v[4] = {0.1f, 0.2f, 0.3f, 0.4f};
    unsigned char blob[sizeof v];
    rsearch_pack_f32(blob, v, 4); /* little-endian FLOAT32, whatever the host */
    const rsearch_knn q2 = {.field = rsdk_str_c("emb"), .k = 5, .vector = rsdk_str_n(blob, sizeof blob),
                            .type = RSEARCH_VECTOR_FLOAT32, .dim = 4,
                            .filter = rsdk_str_c("@price:[0 100]")};
    rsearch_result near;
    assert_int_equal(rsearch_ft_knn(&ft, rsdk_str_c("products"), &q2, NULL, &near), RSDK_OK);
    for (size_t i = 0; i < near.count; i++)
        printf("%s at %s\n", near.docs[i].id.ptr, rsearch_doc_get(&near.docs[i], "__dist").ptr);
    assert_int_equal(near.count, 3);
    assert_string_equal(near.docs[0].id.ptr, "product:1");
    rsearch_result_deinit(&near);

    /* An aggregation through a cursor */
    const rsdk_str by[] = {rsdk_str_c("@tags")};
    const rsdk_str sum_of[] = {rsdk_str_c("@price")};
    const rsearch_aggregate_reduce reducers[] = {
        {.reducer_body = {.kind = RSEARCH_AGGREGATE_REDUCER_BODY_GENERIC_BODY,
                          .generic_body = {.function = RSEARCH_AGGREGATE_FUNCTION_COUNT}},
         .name = rsdk_str_c("n")},
        {.reducer_body = {.kind = RSEARCH_AGGREGATE_REDUCER_BODY_GENERIC_BODY,
                          .generic_body = {.function = RSEARCH_AGGREGATE_FUNCTION_SUM,
                                           .arg = sum_of, .arg_count = 1}},
         .name = rsdk_str_c("total")},
    };
    const rsearch_aggregate_groupby group = {by, 1, reducers, 2};
    const rsearch_aggregate_apply avg = {rsdk_str_c("@total / @n"), rsdk_str_c("avg")};
    const rsearch_aggregate_cursor per_read = {.has_read_size = true, .read_size = 100};
    rsearch_cursor *cur;
    size_t groups = 0;
    if (rsearch_cursor_open(&ft, rsdk_str_c("products"), rsdk_str_c("*"),
                            &(rsearch_aggregate_opts){.groupby = &group, .groupby_count = 1,
                                                      .apply = &avg, .apply_count = 1,
                                                      .cursor = &per_read},
                            &cur) == RSDK_OK) {
        rsearch_rows page;
        bool more;
        while (rsearch_cursor_next(cur, &page, &more) == RSDK_OK && more) {
            for (size_t i = 0; i < page.count; i++)
                printf("%s: %s\n", rsearch_row_get(&page.rows[i], "tags").ptr,
                       rsearch_row_get(&page.rows[i], "avg").ptr);
            groups += page.count;
            rsearch_rows_deinit(&page);
        }
        rsearch_cursor_close(cur); /* FT.CURSOR DEL when stopped before the end */
    }
    assert_int_equal(groups, 2); /* "home,light" and "outdoor" */
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest t[] = {cmocka_unit_test(examples)};
    return cmocka_run_group_tests_name("redis-8.0", t, search_setup_redis80, rsdk_test_server_group_teardown);
}
