/* Server and connection commands through their typed calls, on RESP2 and
 * RESP3: PING/ECHO, CLIENT SETNAME/GETNAME/ID/INFO/LIST with filters, HELLO
 * (same protocol), CLIENT TRACKINGINFO and ACL GETUSER as MAPs, ACL WHOAMI,
 * CONFIG SET/GET, COMMAND COUNT/INFO/DOCS, DBSIZE/TIME/LASTSAVE/ROLE,
 * MEMORY USAGE (a nil-able integer) and STATS, SLOWLOG, SELECT/SWAPDB. */
#include <stdlib.h>

#include "typed_common.h"

static void connection(rsdk_client *c, int proto) {
    rsdk_string s;
    OK(rcore_ping(c, NULL, &s));
    tc_assert_string(&s, "PONG");
    rsdk_string_deinit(&s);
    OK(rcore_ping(c, &(rcore_ping_opts){.message = rsdk_str_n("a\0b", 3)}, &s));
    assert_int_equal(s.len, 3);
    assert_memory_equal(s.ptr, "a\0b", 3);
    rsdk_string_deinit(&s);
    OK(rcore_echo(c, "hello", &s));
    tc_assert_string(&s, "hello");
    rsdk_string_deinit(&s);
    OK(rcore_client_getname(c, &s));
    assert_true(s.nil);
    rsdk_string_deinit(&s);
    OK(rcore_client_setname(c, "rt-conn"));
    OK(rcore_client_getname(c, &s));
    tc_assert_string(&s, "rt-conn");
    rsdk_string_deinit(&s);
    int64_t id = 0;
    OK(rcore_client_id(c, &id));
    assert_true(id > 0);
    OK(rcore_client_info(c, &s)); /* a verbatim string on RESP3: plain text here */
    assert_non_null(strstr(s.ptr, "name=rt-conn"));
    char want[32];
    snprintf(want, sizeof want, "resp=%d", proto);
    assert_non_null(strstr(s.ptr, want));
    rsdk_string_deinit(&s);
    /* TYPE and ID are separate optional arguments in the spec, but the
     * server takes one or the other (a syntax error with both) */
    OK(rcore_client_list(c, &(rcore_client_list_opts){.client_type = RCORE_CLIENT_LIST_CLIENT_TYPE_NORMAL}, &s));
    assert_non_null(strstr(s.ptr, "name=rt-conn"));
    rsdk_string_deinit(&s);
    OK(rcore_client_list(c, &(rcore_client_list_opts){.client_id = &id, .client_id_count = 1}, &s));
    assert_non_null(strstr(s.ptr, "name=rt-conn"));
    assert_ptr_equal(strchr(s.ptr, '\n'), s.ptr + s.len - 1); /* one line: only this client */
    rsdk_string_deinit(&s);
    rsdk_reply *r = NULL;
    /* HELLO with the protocol in use: the server's map, same form on both */
    OK(rcore_hello(c, &(rcore_hello_opts){.arguments = &(rcore_hello_arguments){.protover = proto}}, &r));
    assert_int_equal(r->type, RSDK_REPLY_MAP);
    assert_int_equal(rsdk_reply_map_get(r, "proto")->integer, proto);
    rsdk_reply_free(r);
    OK(rcore_client_trackinginfo(c, &r));
    assert_int_equal(r->type, RSDK_REPLY_MAP);
    assert_non_null(rsdk_reply_map_get(r, "flags"));
    rsdk_reply_free(r);
    OK(rcore_acl_whoami(c, &s));
    tc_assert_string(&s, "default");
    rsdk_string_deinit(&s);
    OK(rcore_acl_getuser(c, "default", &r));
    assert_int_equal(r->type, RSDK_REPLY_MAP);
    assert_non_null(rsdk_reply_map_get(r, "flags"));
    rsdk_reply_free(r);
}

static void server(rsdk_client *c, int proto) {
    (void)proto;
    rcore_config_set_data cfg[] = {{RSDK_S("slowlog-max-len"), RSDK_S("64")}};
    OK(rcore_config_set(c, cfg, 1));
    rsdk_reply *r = NULL;
    rsdk_pairs cg;
    OK(rcore_config_get(c, (rsdk_str[]){RSDK_S("slowlog-max-len"), RSDK_S("maxmemory-policy")}, 2, &cg));
    assert_int_equal(cg.reply->type, RSDK_REPLY_MAP);
    assert_int_equal(cg.count, 2);
    rsdk_pair first = rsdk_pairs_at(&cg, 0), second = rsdk_pairs_at(&cg, 1);
    rsdk_pair slowlog = first.key.len == strlen("slowlog-max-len") ? first : second;
    assert_memory_equal(slowlog.key.ptr, "slowlog-max-len", slowlog.key.len);
    tc_assert_string(&slowlog.value, "64");
    rsdk_pairs_deinit(&cg);
    FAILS(RSDK_ERR_RESPONSE, rcore_config_set(c, (rcore_config_set_data[]){{RSDK_S("no-such-option"), RSDK_S("1")}}, 1));
    int64_t n = 0;
    OK(rcore_command_count(c, &n));
    assert_true(n > 200);
    OK(rcore_command_info(c, &(rcore_command_info_opts){(rsdk_str[]){RSDK_S("get")}, 1}, &r));
    assert_int_equal(r->elements, 1);
    assert_string_equal(r->element[0].element[0].str, "get");
    assert_int_equal(r->element[0].element[1].integer, 2); /* arity */
    rsdk_reply_free(r);
    OK(rcore_command_docs(c, &(rcore_command_docs_opts){(rsdk_str[]){RSDK_S("get")}, 1}, &r));
    assert_int_equal(r->type, RSDK_REPLY_MAP);
    const rsdk_reply *doc = rsdk_reply_map_get(r, "get");
    assert_int_equal(doc->type, RSDK_REPLY_MAP);
    assert_string_equal(rsdk_reply_map_get(doc, "group")->str, "string");
    rsdk_reply_free(r);
    OK(rcore_set(c, "v:k", "value", NULL, NULL));
    OK(rcore_dbsize(c, &n));
    assert_int_equal(n, 1);
    rsdk_int_or_nil mem;
    OK(rcore_memory_usage(c, "v:k", NULL, &mem));
    assert_false(mem.nil);
    assert_true(mem.value > 0);
    OK(rcore_memory_usage(c, "v:none", NULL, &mem));
    assert_true(mem.nil);
    OK(rcore_memory_stats(c, &r));
    assert_int_equal(r->type, RSDK_REPLY_MAP);
    assert_non_null(rsdk_reply_map_get(r, "peak.allocated"));
    rsdk_reply_free(r);
    rsdk_strings tm;
    OK(rcore_time(c, &tm));
    assert_int_equal(tm.count, 2);
    assert_true(tc_num(&tm.item[0]) > 1.6e9);
    rsdk_strings_deinit(&tm);
    OK(rcore_lastsave(c, &n));
    assert_true(n >= 0);
    OK(rcore_role(c, &r));
    assert_string_equal(tc_str_at(r, 0), "master");
    rsdk_reply_free(r);
    OK(rcore_slowlog_get(c, &(rcore_slowlog_get_opts){.has_count = true, .count = 1}, &r));
    assert_int_equal(r->type, RSDK_REPLY_ARRAY);
    rsdk_reply_free(r);
    /* SELECT and SWAPDB: the key moves with its database */
    OK(rcore_swapdb(c, 0, 1));
    OK(rcore_dbsize(c, &n));
    assert_int_equal(n, 0);
    OK(rcore_select(c, 1));
    OK(rcore_dbsize(c, &n));
    assert_int_equal(n, 1);
    OK(rcore_swapdb(c, 0, 1));
    OK(rcore_select(c, 0));
    OK(rcore_dbsize(c, &n));
    assert_int_equal(n, 1);
}

static void connection_commands(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, connection);
}
static void server_commands(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, server);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(connection_commands),
        cmocka_unit_test(server_commands),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
