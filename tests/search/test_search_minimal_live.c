/* Every generated FT.* command, sent in a minimal valid form through its
 * generated sync call on both protocols, is accepted by RediSearch on
 * Redis 8.0, Valkey 9.1 and Valkey 8.1: no arity or syntax error, no reply a decoder
 * refuses. The commands RediSearch 2.10 lacks are listed with the reason;
 * the test checks that every generated command is either sent or listed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rsdk/search.h"
#include "search_fixture.h"

/* Not sent, with the reason. */
static const struct {
    const char *name, *why;
} DENY[] = {
    {"FT.HYBRID", "added in RediSearch 8.4; the servers here run RediSearch 2.10"},
    {"FT.ALIASLIST", "added in RediSearch 8.10; the servers here run RediSearch 2.10"},
};

#define OK(call)                                                                           \
    do {                                                                                   \
        rsdk_status st_ = (call);                                                          \
        if (st_ != RSDK_OK)                                                                \
            fail_msg("%s: %s: %s", #call, rsdk_status_name(st_), rsdk_client_error(c)->message); \
    } while (0)

static void minimal_forms(void **state, int proto) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = search_client(state, proto);
    const char *sent[64];
    size_t nsent = 0;
#define SENT(name) sent[nsent++] = (name)
    rsdk_reply *t = NULL;
    rsdk_strings l;
    rsdk_string str;
    int64_t n;

    const rsearch_create_field fields[] = {
        {.field_name = S("title"), .field_type = RSEARCH_CREATE_FIELD_TYPE_TEXT},
        {.field_name = S("tag"), .field_type = RSEARCH_CREATE_FIELD_TYPE_TAG},
    };
    OK(rsearch_create(c, S("mi"), fields, 2, NULL));
    SENT("FT.CREATE");
    OK(rsdk_client_command(c, &t, "HSET", "d:1", "title", "hello world", "tag", "a", (const char *)NULL));
    rsdk_reply_free(t);
    OK(rsdk_client_command(c, &t, "HSET", "d:2", "title", "hello there", "tag", "b", (const char *)NULL));
    rsdk_reply_free(t);
    OK(rsearch_info(c, S("mi"), &t));
    rsdk_reply_free(t);
    SENT("FT.INFO");
    OK(rsearch_explain(c, S("mi"), S("hello"), NULL, &str));
    assert_false(str.nil);
    rsdk_string_deinit(&str);
    SENT("FT.EXPLAIN");
    OK(rsearch_explaincli(c, S("mi"), S("hello"), NULL, &l));
    assert_true(l.count > 0);
    rsdk_strings_deinit(&l);
    SENT("FT.EXPLAINCLI");
    OK(rsearch_alter(c, S("mi"), S("body"), S("TEXT"), NULL));
    SENT("FT.ALTER");
    OK(rsearch_aliasadd(c, S("ma"), S("mi")));
    SENT("FT.ALIASADD");
    OK(rsearch_aliasupdate(c, S("ma"), S("mi")));
    SENT("FT.ALIASUPDATE");
    OK(rsearch_aliasdel(c, S("ma")));
    SENT("FT.ALIASDEL");
    OK(rsearch_tagvals(c, S("mi"), S("tag"), &l));
    assert_int_equal(l.count, 2);
    rsdk_strings_deinit(&l);
    SENT("FT.TAGVALS");
    OK(rsearch_sugadd(c, S("sk"), S("hello"), 1.0, NULL, &n));
    assert_int_equal(n, 1);
    SENT("FT.SUGADD");
    OK(rsearch_sugget(c, S("sk"), S("hel"), NULL, &t));
    rsdk_reply_free(t);
    SENT("FT.SUGGET");
    OK(rsearch_suglen(c, S("sk"), &n));
    assert_int_equal(n, 1);
    SENT("FT.SUGLEN");
    OK(rsearch_sugdel(c, S("sk"), S("hello"), &n));
    assert_int_equal(n, 1);
    SENT("FT.SUGDEL");
    const rsdk_str terms[] = {S("hello")};
    OK(rsearch_synupdate(c, S("mi"), S("g1"), terms, 1, NULL));
    SENT("FT.SYNUPDATE");
    OK(rsearch_syndump(c, S("mi"), &t));
    assert_int_equal(t->type, RSDK_REPLY_MAP); /* both protocols */
    rsdk_reply_free(t);
    SENT("FT.SYNDUMP");
    OK(rsearch_spellcheck(c, S("mi"), S("helo"), NULL, &t));
    rsdk_reply_free(t);
    SENT("FT.SPELLCHECK");
    OK(rsearch_dictadd(c, S("dict"), terms, 1, &n));
    assert_int_equal(n, 1);
    SENT("FT.DICTADD");
    OK(rsearch_dictdump(c, S("dict"), &l));
    assert_int_equal(l.count, 1);
    rsdk_strings_deinit(&l);
    SENT("FT.DICTDUMP");
    OK(rsearch_dictdel(c, S("dict"), terms, 1, &n));
    assert_int_equal(n, 1);
    SENT("FT.DICTDEL");
    OK(rsearch_list(c, &l));
    assert_int_equal(l.count, 1);
    rsdk_strings_deinit(&l);
    SENT("FT._LIST");
    OK(rsearch_config_get(c, S("TIMEOUT"), &t));
    rsdk_reply_free(t);
    SENT("FT.CONFIG GET");
    OK(rsearch_config_set(c, S("TIMEOUT"), S("500")));
    SENT("FT.CONFIG SET");
    OK(rsearch_config_help(c, S("TIMEOUT"), &t));
    rsdk_reply_free(t);
    SENT("FT.CONFIG HELP");
    OK(rsearch_search(c, S("mi"), S("hello"), NULL, &t));
    rsdk_reply_free(t);
    SENT("FT.SEARCH");
    OK(rsearch_aggregate(c, S("mi"), S("*"), NULL, &t));
    rsdk_reply_free(t);
    SENT("FT.AGGREGATE");
    OK(rsearch_profile(c, S("mi"), RSEARCH_PROFILE_QUERYTYPE_SEARCH, S("hello"), NULL, &t));
    rsdk_reply_free(t);
    SENT("FT.PROFILE");
    /* A cursor that stays open: one row per read, two rows in all. */
    const rsearch_aggregate_cursor wc = {.has_read_size = true, .read_size = 1};
    OK(rsearch_aggregate(c, S("mi"), S("*"), &(rsearch_aggregate_opts){.cursor = &wc}, &t));
    assert_int_equal(t->type, RSDK_REPLY_ARRAY);
    int64_t id = t->element[1].integer;
    rsdk_reply_free(t);
    assert_true(id != 0);
    OK(rsearch_cursor_read(c, S("mi"), id, NULL, &t));
    rsdk_reply_free(t);
    SENT("FT.CURSOR READ");
    /* The read may have ended the cursor; open another one to delete. */
    OK(rsearch_aggregate(c, S("mi"), S("*"), &(rsearch_aggregate_opts){.cursor = &wc}, &t));
    id = t->element[1].integer;
    rsdk_reply_free(t);
    OK(rsearch_cursor_del(c, S("mi"), id));
    SENT("FT.CURSOR DEL");
    OK(rsearch_dropindex(c, S("mi"), &(rsearch_dropindex_opts){.delete_docs = true}));
    SENT("FT.DROPINDEX");

    /* Every generated command is sent above or listed in DENY, once. */
    for (size_t i = 0; i < rsearch_commands_count; i++) {
        const char *name = rsearch_commands[i].name;
        size_t hits = 0;
        for (size_t k = 0; k < nsent; k++) hits += strcmp(sent[k], name) == 0;
        for (size_t k = 0; k < sizeof DENY / sizeof DENY[0]; k++) hits += strcmp(DENY[k].name, name) == 0;
        if (hits != 1) fail_msg("%s: sent or denied %zu times (want 1)", name, hits);
    }
    assert_int_equal(nsent + sizeof DENY / sizeof DENY[0], rsearch_commands_count);
    assert_int_equal(rsearch_commands_count, 31);
    rsdk_client_close(c);
}

static void test_resp2(void **state) { minimal_forms(state, 2); }
static void test_resp3(void **state) { minimal_forms(state, 3); }

int main(void) {
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_resp2),
        cmocka_unit_test(test_resp3),
    };
    int fails = cmocka_run_group_tests_name("redis-8.0", t, search_setup_redis80,
                                            rsdk_test_server_group_teardown);
    fails += cmocka_run_group_tests_name("valkey-9.1", t, search_setup_valkey91,
                                         rsdk_test_server_group_teardown);
    fails += cmocka_run_group_tests_name("valkey-8.1", t, search_setup_valkey81,
                                         rsdk_test_server_group_teardown);
    return fails;
}
