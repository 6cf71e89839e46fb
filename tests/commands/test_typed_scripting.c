/* Scripting and functions through their typed calls, on RESP2 and RESP3:
 * EVAL with keys and arguments (numkeys filled in), Lua values as reply
 * trees, error replies, SCRIPT LOAD/EXISTS/FLUSH and EVALSHA with NOSCRIPT,
 * EVAL_RO; FUNCTION LOAD/LIST/DUMP/RESTORE/DELETE/STATS and FCALL/FCALL_RO. */
#include "typed_common.h"

#define LIB                                                                        \
    "#!lua name=rtlib\n"                                                           \
    "redis.register_function('rt_set', function(keys, args)\n"                     \
    "  return redis.call('SET', keys[1], args[1]) end)\n"                          \
    "redis.register_function{function_name='rt_get', callback=function(keys)\n"     \
    "  return redis.call('GET', keys[1]) end, flags={'no-writes'}}\n"

static void eval(rsdk_client *c, int proto) {
    (void)proto;
    rsdk_reply *r = NULL;
    OK(rcore_eval(c, "return {KEYS[1], ARGV[1], ARGV[2], 7}",
                  &(rcore_eval_opts){(rsdk_str[]){RSDK_S("e:k")}, 1, (rsdk_str[]){RSDK_S("a"), RSDK_S("b")}, 2}, &r));
    assert_int_equal(r->type, RSDK_REPLY_ARRAY);
    assert_int_equal(r->elements, 4);
    assert_string_equal(r->element[0].str, "e:k");
    assert_string_equal(r->element[2].str, "b");
    assert_int_equal(r->element[3].integer, 7);
    rsdk_reply_free(r);
    OK(rcore_eval(c, "return redis.call('SET', KEYS[1], ARGV[1])",
                  &(rcore_eval_opts){(rsdk_str[]){RSDK_S("e:k")}, 1, (rsdk_str[]){RSDK_S("v")}, 1}, &r));
    assert_int_equal(r->type, RSDK_REPLY_STATUS);
    assert_string_equal(r->str, "OK");
    rsdk_reply_free(r);
    OK(rcore_eval(c, "return nil", NULL, &r)); /* numkeys 0, no arguments */
    assert_int_equal(r->type, RSDK_REPLY_NIL);
    rsdk_reply_free(r);
    FAILS(RSDK_ERR_RESPONSE, rcore_eval(c, "return redis.error_reply('MYERR custom failure')", NULL, &r));
    assert_string_equal(rsdk_client_error(c)->prefix, "MYERR");
    OK(rcore_eval_ro(c, "return redis.call('GET', KEYS[1])", &(rcore_eval_ro_opts){.key = (rsdk_str[]){RSDK_S("e:k")},
                                                                                    .key_count = 1},
                     &r));
    assert_string_equal(r->str, "v");
    rsdk_reply_free(r);
    FAILS(RSDK_ERR_RESPONSE, rcore_eval_ro(c, "return redis.call('DEL', KEYS[1])",
                                           &(rcore_eval_ro_opts){.key = (rsdk_str[]){RSDK_S("e:k")}, .key_count = 1}, &r));
}

static void scripts(rsdk_client *c, int proto) {
    (void)proto;
    OK(rcore_script_flush(c, &(rcore_script_flush_opts){.flush_type = RCORE_SCRIPT_FLUSH_FLUSH_TYPE_SYNC}));
    rsdk_string sha;
    OK(rcore_script_load(c, "return ARGV[1] .. '!'", &sha));
    assert_int_equal(sha.len, 40);
    char hex[41];
    snprintf(hex, sizeof hex, "%.*s", (int)sha.len, sha.ptr);
    rsdk_string_deinit(&sha);
    rsdk_reply *r = NULL;
    rsdk_bools known;
    OK(rcore_script_exists(c, (rsdk_str[]){rsdk_str_c(hex), RSDK_S("0000000000000000000000000000000000000000")}, 2,
                           &known));
    assert_int_equal(known.count, 2);
    assert_true(rsdk_bools_at(&known, 0));
    assert_false(rsdk_bools_at(&known, 1));
    rsdk_bools_deinit(&known);
    OK(rcore_evalsha(c, rsdk_str_c(hex), &(rcore_evalsha_opts){.arg = (rsdk_str[]){RSDK_S("hi")}, .arg_count = 1}, &r));
    assert_string_equal(r->str, "hi!");
    rsdk_reply_free(r);
    OK(rcore_script_flush(c, NULL));
    FAILS(RSDK_ERR_NOSCRIPT, rcore_evalsha(c, rsdk_str_c(hex), NULL, &r));
}

static void functions(rsdk_client *c, int proto) {
    (void)proto;
    rsdk_string name;
    OK(rcore_function_load(c, LIB, &(rcore_function_load_opts){.replace = true}, &name));
    tc_assert_string(&name, "rtlib");
    rsdk_string_deinit(&name);
    FAILS(RSDK_ERR_RESPONSE, rcore_function_load(c, LIB, NULL, &name)); /* already exists */
    rsdk_reply *r = NULL;
    OK(rcore_fcall(c, "rt_set", &(rcore_fcall_opts){(rsdk_str[]){RSDK_S("f:k")}, 1, (rsdk_str[]){RSDK_S("fv")}, 1}, &r));
    assert_string_equal(r->str, "OK");
    rsdk_reply_free(r);
    OK(rcore_fcall_ro(c, "rt_get", &(rcore_fcall_ro_opts){.key = (rsdk_str[]){RSDK_S("f:k")}, .key_count = 1}, &r));
    assert_string_equal(r->str, "fv");
    rsdk_reply_free(r);
    FAILS(RSDK_ERR_RESPONSE, rcore_fcall_ro(c, "rt_set", &(rcore_fcall_ro_opts){(rsdk_str[]){RSDK_S("f:k")}, 1,
                                                                                (rsdk_str[]){RSDK_S("x")}, 1},
                                            &r)); /* a writing function */
    /* FUNCTION LIST: a list of maps on both protocols */
    OK(rcore_function_list(c, &(rcore_function_list_opts){.library_name_pattern = RSDK_S("rt*")}, &r));
    assert_int_equal(r->elements, 1);
    assert_int_equal(r->element[0].type, RSDK_REPLY_MAP);
    assert_string_equal(rsdk_reply_map_get(&r->element[0], "library_name")->str, "rtlib");
    const rsdk_reply *fns = rsdk_reply_map_get(&r->element[0], "functions");
    assert_int_equal(fns->elements, 2);
    assert_int_equal(fns->element[0].type, RSDK_REPLY_MAP);
    rsdk_reply_free(r);
    OK(rcore_function_stats(c, &r));
    assert_int_equal(r->type, RSDK_REPLY_MAP);
    assert_non_null(rsdk_reply_map_get(r, "engines"));
    rsdk_reply_free(r);
    /* DUMP, DELETE, RESTORE: the payload is binary and round-trips */
    rsdk_string dump;
    OK(rcore_function_dump(c, &dump));
    assert_false(dump.nil);
    OK(rcore_function_delete(c, "rtlib"));
    FAILS(RSDK_ERR_RESPONSE, rcore_fcall(c, "rt_get", &(rcore_fcall_opts){.key = (rsdk_str[]){RSDK_S("f:k")}, .key_count = 1},
                                         &r));
    OK(rcore_function_restore(c, rsdk_str_n(dump.ptr, dump.len),
                              &(rcore_function_restore_opts){.policy = RCORE_FUNCTION_RESTORE_POLICY_REPLACE}));
    rsdk_string_deinit(&dump);
    OK(rcore_fcall_ro(c, "rt_get", &(rcore_fcall_ro_opts){.key = (rsdk_str[]){RSDK_S("f:k")}, .key_count = 1}, &r));
    assert_string_equal(r->str, "fv");
    rsdk_reply_free(r);
    OK(rcore_function_delete(c, "rtlib"));
}

static void eval_values_and_errors(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, eval);
}
static void script_cache_and_evalsha(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, scripts);
}
static void function_libraries_and_fcall(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, functions);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eval_values_and_errors),
        cmocka_unit_test(script_cache_and_evalsha),
        cmocka_unit_test(function_libraries_and_fcall),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
