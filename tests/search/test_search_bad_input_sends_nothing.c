/* Bad input to the search calls is refused before anything is sent:
 * RSDK_ERR_INVALID_ARG naming the argument, and the server's
 * total_commands_processed unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rsdk/search.h"
#include "rsdk/search_aggregate.h"
#include "rsdk/search_info.h"
#include "rsdk/search_result.h"
#include "rsdk/search_schema.h"
#include "search_fixture.h"

static void refused(rsdk_client *c, rsdk_status st, const char *needle) {
    assert_int_equal(st, RSDK_ERR_INVALID_ARG);
    const char *msg = rsdk_client_error(c)->message;
    if (strstr(msg, needle) == NULL) fail_msg("\"%s\" does not name %s", msg, needle);
}

static void bad_input(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = search_client(state, 3);
    rsearch_ft ft;
    rsearch_ft_init(&ft, c);
    const rsdk_str none = {NULL, 0};
    long long before = search_commands_processed(c);

    rsearch_result res;
    rsearch_rows rows;
    rsearch_index_info info;
    rsearch_cursor *cur = NULL;
    refused(c, rsearch_ft_search(&ft, none, S("*"), NULL, &res), "index");
    refused(c, rsearch_ft_aggregate(&ft, none, S("*"), NULL, &rows), "index");
    refused(c, rsearch_ft_info(&ft, none, &info), "index");
    refused(c, rsearch_cursor_open(&ft, none, S("*"), NULL, &cur), "index");
    assert_null(cur);
    assert_int_equal(rsearch_ft_search(NULL, S("i"), S("*"), NULL, &res), RSDK_ERR_INVALID_ARG);
    refused(c, rsearch_ft_search(&ft, S("i"), S("*"), NULL, NULL), "out: NULL");
    refused(c, rsearch_ft_search(&ft, S("i"), S("*"), &(rsearch_search_opts){.explainscore = true}, &res),
            "opts.explainscore: needs withscores");
    const rsearch_search_identifiers rid[] = {{S("t"), {NULL, 0}}};
    const rsearch_search_return ret = {rid, 1};
    refused(c, rsearch_ft_search(&ft, S("i"), S("*"), &(rsearch_search_opts){.nocontent = true, .return_ = &ret}, &res),
            "opts.return_: conflicts with nocontent");
    refused(c, rsearch_ft_info(&ft, S("i"), NULL), "out: NULL");

    const rsearch_field text = {.type = RSEARCH_FIELD_TEXT, .name = S("t")};
    refused(c, rsearch_create_index(c, none, NULL, &text, 1), "index");
    refused(c, rsearch_create_index(c, S("i"), NULL, NULL, 0), "fields: needs at least one element");
    refused(c, rsearch_create_index(c, S("i"), NULL, (rsearch_field[]){{.type = RSEARCH_FIELD_TAG, .name = S("g"), .nostem = true}}, 1),
            "fields[0].nostem");

    unsigned char blob[28] = {0};
    rsearch_knn q = {.field = S("emb"), .k = 10, .vector = rsdk_str_n(blob, sizeof blob),
                     .type = RSEARCH_VECTOR_FLOAT32, .dim = 8};
    refused(c, rsearch_ft_knn(&ft, S("i"), &q, NULL, &res), "knn.vector: 28 bytes, but dim 8 of FLOAT32 needs 32");
    q.vector = rsdk_str_n(blob, 0);
    refused(c, rsearch_ft_knn(&ft, S("i"), &q, NULL, &res), "knn.vector");

    /* The generated encoders' own checks. */
    const rsearch_search_in_keys ik = {NULL, 2};
    refused(c, rsearch_ft_search(&ft, S("i"), S("*"), &(rsearch_search_opts){.in_keys = &ik}, &res), "in_keys.key");
    const rsearch_search_geo_filter g = {S("loc"), 0, 0, 1, 0};
    refused(c, rsearch_ft_search(&ft, S("i"), S("*"), &(rsearch_search_opts){.geo_filter = &g, .geo_filter_count = 1}, &res),
            "geo_filter[].radius_type: no valid choice");
    const rsdk_str broken = {NULL, 4};
    refused(c, rsearch_search(c, S("i"), broken, NULL, NULL), "query");

    assert_int_equal(search_commands_processed(c), before + 1); /* the INFO before */
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest t[] = {cmocka_unit_test(bad_input)};
    return cmocka_run_group_tests_name("redis-8.0", t, search_setup_redis80, rsdk_test_server_group_teardown);
}
