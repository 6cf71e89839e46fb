/* What the search glue sends, byte for byte (no server): the FT.CREATE
 * schema builder for every field type, ON JSON included (RediSearch's JSON
 * indexes need RedisJSON's C API, which the valkey-json build here lacks,
 * so they cannot run live), counts the generated encoders fill in
 * (PARAMS, RETURN ... AS), multi-word tokens (LOAD *), escaping, vector
 * packing and KNN query strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rsdk/rsdk.h"
#include "rsdk/search.h"
#include "rsdk/search_query.h"
#include "rsdk/search_schema.h"

#define S(x) rsdk_str_c(x)

/* The encoded command as its words joined by spaces (it is a RESP array,
 * so the reply reader parses it). */
static void words(const rsdk_buf *b, char *out, size_t cap) {
    rsdk_reader *rd = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &rd), RSDK_OK);
    assert_int_equal(rsdk_reader_feed(rd, b->data, b->len), RSDK_OK);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_reader_get(rd, &r), RSDK_OK);
    assert_non_null(r);
    assert_int_equal(rsdk_reader_pending(rd), 0);
    out[0] = '\0';
    for (size_t i = 0; i < r->elements; i++) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s%s", i ? " " : "", r->element[i].str);
    }
    rsdk_reply_free(r);
    rsdk_reader_free(rd);
}

static void test_create_on_json_every_field_type(void **st) {
    (void)st;
    const rsdk_str prefix[] = {S("j:")};
    const rsearch_index_def def = {.on = RSEARCH_ON_JSON, .prefix = prefix, .prefix_count = 1,
                                   .filter = S("@n>0"), .language = S("english"), .has_score = true,
                                   .score = 0.5, .has_stopwords = true};
    const rsearch_field f[] = {
        {.type = RSEARCH_FIELD_TEXT, .name = S("$.title"), .alias = S("title"), .weight = 2,
         .nostem = true, .phonetic = S("dm:en"), .sortable = true, .withsuffixtrie = true},
        {.type = RSEARCH_FIELD_TAG, .name = S("$.tags[*]"), .alias = S("tags"), .separator = S("|"),
         .casesensitive = true},
        {.type = RSEARCH_FIELD_NUMERIC, .name = S("$.n"), .alias = S("n"), .sortable = true, .noindex = true},
        {.type = RSEARCH_FIELD_GEO, .name = S("$.loc"), .alias = S("loc"), .indexmissing = true},
        {.type = RSEARCH_FIELD_GEOSHAPE, .name = S("$.area"), .alias = S("area"), .coords = RSEARCH_GEOSHAPE_FLAT},
        {.type = RSEARCH_FIELD_VECTOR, .name = S("$.v"), .alias = S("v"), .algorithm = RSEARCH_VECTOR_HNSW,
         .vector_type = RSEARCH_VECTOR_FLOAT32, .dim = 4, .metric = RSEARCH_DISTANCE_COSINE, .m = 16,
         .ef_construction = 200},
        {.type = RSEARCH_FIELD_VECTOR, .name = S("$.w"), .alias = S("w"), .algorithm = RSEARCH_VECTOR_FLAT,
         .vector_type = RSEARCH_VECTOR_FLOAT64, .dim = 2, .metric = RSEARCH_DISTANCE_L2, .block_size = 512},
    };
    rsdk_buf b;
    rsdk_buf_init(&b);
    assert_int_equal(rsearch_create_index_encode(&b, S("jidx"), &def, f, 7, NULL), RSDK_OK);
    char w[1024];
    words(&b, w, sizeof w);
    assert_string_equal(w,
                        "FT.CREATE jidx ON JSON PREFIX 1 j: FILTER @n>0 LANGUAGE english SCORE 0.5 STOPWORDS 0 SCHEMA "
                        "$.title AS title TEXT NOSTEM WEIGHT 2 PHONETIC dm:en WITHSUFFIXTRIE SORTABLE "
                        "$.tags[*] AS tags TAG SEPARATOR | CASESENSITIVE "
                        "$.n AS n NUMERIC SORTABLE NOINDEX "
                        "$.loc AS loc GEO INDEXMISSING "
                        "$.area AS area GEOSHAPE FLAT "
                        "$.v AS v VECTOR HNSW 10 TYPE FLOAT32 DIM 4 DISTANCE_METRIC COSINE M 16 EF_CONSTRUCTION 200 "
                        "$.w AS w VECTOR FLAT 8 TYPE FLOAT64 DIM 2 DISTANCE_METRIC L2 BLOCK_SIZE 512");
    /* The first bytes exactly: a RESP array of bulk strings. */
    assert_memory_equal(b.data, "*80\r\n$9\r\nFT.CREATE\r\n$4\r\njidx\r\n$2\r\nON\r\n$4\r\nJSON\r\n", 46);
    rsdk_buf_deinit(&b);
}

/* Invalid schemas: refused with the argument named, the buffer untouched. */
static void refused(const rsearch_field *f, size_t n, rsdk_str index, const char *msg) {
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_buf_append(&b, "keep", 4);
    rsdk_error e;
    assert_int_equal(rsearch_create_index_encode(&b, index, NULL, f, n, &e), RSDK_ERR_INVALID_ARG);
    if (strcmp(e.message, msg) != 0) fail_msg("got \"%s\", want \"%s\"", e.message, msg);
    assert_int_equal(b.len, 4);
    rsdk_buf_deinit(&b);
}

static void test_invalid_schemas_are_refused(void **st) {
    (void)st;
    const rsearch_field text = {.type = RSEARCH_FIELD_TEXT, .name = S("t")};
    refused(&text, 1, (rsdk_str){NULL, 0}, "FT.CREATE: index: NULL (an index needs a name)");
    refused(&text, 1, S(""), "FT.CREATE: index: empty name");
    refused(NULL, 0, S("i"), "FT.CREATE: fields: needs at least one element");
    refused((rsearch_field[]){{.name = S("t")}}, 1, S("i"), "FT.CREATE: fields[0].type: no valid choice");
    refused((rsearch_field[]){text, {.type = RSEARCH_FIELD_TAG, .name = S("g"), .weight = 2}}, 2, S("i"),
            "FT.CREATE: fields[1].weight: only TEXT fields have a weight");
    refused((rsearch_field[]){{.type = RSEARCH_FIELD_TEXT, .name = S("t"), .dim = 4}}, 1, S("i"),
            "FT.CREATE: fields[0].algorithm: vector attributes on a field that is not VECTOR");
    refused((rsearch_field[]){{.type = RSEARCH_FIELD_VECTOR, .name = S("v"), .algorithm = RSEARCH_VECTOR_FLAT,
                               .vector_type = RSEARCH_VECTOR_FLOAT32, .dim = 4, .metric = RSEARCH_DISTANCE_L2,
                               .m = 16}},
            1, S("i"), "FT.CREATE: fields[0].m: M, EF_CONSTRUCTION, EF_RUNTIME and EPSILON are HNSW's");
    refused((rsearch_field[]){{.type = RSEARCH_FIELD_VECTOR, .name = S("v"), .algorithm = RSEARCH_VECTOR_HNSW,
                               .vector_type = RSEARCH_VECTOR_FLOAT32, .metric = RSEARCH_DISTANCE_L2}},
            1, S("i"), "FT.CREATE: fields[0].dim: must be positive");
    refused((rsearch_field[]){{.type = RSEARCH_FIELD_TAG, .name = S("g"), .separator = S("ab")}}, 1, S("i"),
            "FT.CREATE: fields[0].separator: must be one character");
    refused((rsearch_field[]){{.type = RSEARCH_FIELD_NUMERIC, .name = S("n"), .unf = true}}, 1, S("i"),
            "FT.CREATE: fields[0].unf: needs sortable");
    refused((rsearch_field[]){{.type = RSEARCH_FIELD_VECTOR, .name = S("v"), .sortable = true,
                               .algorithm = RSEARCH_VECTOR_FLAT, .vector_type = RSEARCH_VECTOR_FLOAT32,
                               .dim = 2, .metric = RSEARCH_DISTANCE_IP}},
            1, S("i"), "FT.CREATE: fields[0].sortable: VECTOR and GEOSHAPE fields cannot have it");
}

static void test_generated_counts_and_multiword_tokens(void **st) {
    (void)st;
    const rsearch_search_values pv[] = {{S("a"), S("1")}, {S("vec"), S("\x01\x02")}};
    const rsearch_search_params params = {pv, 2};
    const rsearch_search_identifiers ids[] = {{S("title"), S("t")}, {S("price"), {NULL, 0}}};
    const rsearch_search_return ret = {ids, 2};
    const rsdk_str keys[] = {S("k1"), S("k2")};
    const rsearch_search_in_keys ik = {keys, 2};
    rsdk_buf b;
    rsdk_buf_init(&b);
    assert_int_equal(rsearch_search_encode(&b, S("i"), S("@t:$a"),
                                           &(rsearch_search_opts){.in_keys = &ik, .return_ = &ret,
                                                                  .params = &params, .has_dialect = true,
                                                                  .dialect = 2},
                                           NULL),
                     RSDK_OK);
    char w[512];
    words(&b, w, sizeof w);
    assert_string_equal(w, "FT.SEARCH i @t:$a INKEYS 2 k1 k2 RETURN 4 title AS t price PARAMS 4 a 1 vec \x01\x02 DIALECT 2");
    rsdk_buf_clear(&b);
    assert_int_equal(rsearch_aggregate_encode(&b, S("i"), S("*"), &(rsearch_aggregate_opts){.loadall = true}, NULL),
                     RSDK_OK);
    words(&b, w, sizeof w);
    assert_string_equal(w, "FT.AGGREGATE i * LOAD *");
    rsdk_buf_deinit(&b);
}

static void escaped(bool tag, const char *in, const char *want) {
    rsdk_buf b;
    rsdk_buf_init(&b);
    assert_int_equal((tag ? rsearch_escape_tag : rsearch_escape_text)(&b, S(in)), RSDK_OK);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    rsdk_buf_deinit(&b);
}

static void test_escaping_user_input(void **st) {
    (void)st;
    escaped(true, "foo} | @secret:{x", "foo\\}\\ \\|\\ \\@secret\\:\\{x");
    escaped(true, "a.b-c@d,e", "a\\.b\\-c\\@d\\,e");
    escaped(false, "hello -world (x)", "hello \\-world \\(x\\)");
    escaped(false, "caf\xc3\xa9 ok_1", "caf\xc3\xa9 ok_1");
    escaped(true, "", "");
    rsdk_buf b;
    rsdk_buf_init(&b);
    assert_int_equal(rsearch_escape_tag(&b, (rsdk_str){NULL, 3}), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsearch_escape_tag(NULL, S("x")), RSDK_ERR_INVALID_ARG);
    rsdk_buf_deinit(&b);
}

static void test_vector_packing_is_little_endian(void **st) {
    (void)st;
    unsigned char f4[8], f8[8];
    rsearch_pack_f32(f4, (const float[]){1.0f, -2.0f}, 2);
    assert_memory_equal(f4, "\x00\x00\x80\x3f\x00\x00\x00\xc0", 8);
    rsearch_pack_f64(f8, (const double[]){1.0}, 1);
    assert_memory_equal(f8, "\x00\x00\x00\x00\x00\x00\xf0\x3f", 8);
    assert_int_equal(rsearch_vector_type_size(RSEARCH_VECTOR_FLOAT32), 4);
    assert_int_equal(rsearch_vector_type_size(RSEARCH_VECTOR_FLOAT64), 8);
    assert_int_equal(rsearch_vector_type_size(RSEARCH_VECTOR_TYPE_UNSET), 0);
}

static void test_knn_query_and_its_checks(void **st) {
    (void)st;
    unsigned char blob[16] = {0};
    rsearch_knn q = {.field = S("emb"), .k = 5, .vector = rsdk_str_n(blob, 16), .type = RSEARCH_VECTOR_FLOAT32,
                     .dim = 4, .filter = S("@tag:{a}"), .ef_runtime = 50};
    rsdk_buf b;
    rsdk_buf_init(&b);
    assert_int_equal(rsearch_knn_query(&b, &q, NULL), RSDK_OK);
    assert_int_equal(b.len, strlen("(@tag:{a})=>[KNN 5 @emb $vec EF_RUNTIME 50 AS __dist]"));
    assert_memory_equal(b.data, "(@tag:{a})=>[KNN 5 @emb $vec EF_RUNTIME 50 AS __dist]", b.len);
    rsdk_buf_clear(&b);
    rsdk_error e;
    q.dim = 8; /* 16 bytes are 4 FLOAT32s, not 8 */
    assert_int_equal(rsearch_knn_query(&b, &q, &e), RSDK_ERR_INVALID_ARG);
    assert_string_equal(e.message, "FT.SEARCH: knn.vector: 16 bytes, but dim 8 of FLOAT32 needs 32");
    q.dim = 4;
    q.vector = rsdk_str_n(blob, 0);
    assert_int_equal(rsearch_knn_query(&b, &q, &e), RSDK_ERR_INVALID_ARG);
    assert_string_equal(e.message, "FT.SEARCH: knn.vector: missing (an empty vector)");
    q.vector = rsdk_str_n(blob, 16);
    q.k = 0;
    assert_int_equal(rsearch_knn_query(&b, &q, &e), RSDK_ERR_INVALID_ARG);
    assert_string_equal(e.message, "FT.SEARCH: knn.k: must be positive");
    assert_int_equal(b.len, 0);
    rsdk_buf_deinit(&b);
}

int main(void) {
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_create_on_json_every_field_type),
        cmocka_unit_test(test_invalid_schemas_are_refused),
        cmocka_unit_test(test_generated_counts_and_multiword_tokens),
        cmocka_unit_test(test_escaping_user_input),
        cmocka_unit_test(test_vector_packing_is_little_endian),
        cmocka_unit_test(test_knn_query_and_its_checks),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
