/* The generated metadata tables: every command with its arity, flags, key
 * specs, tips and argument tree, enough to build a minimal invocation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/command_meta.h"
#include "rsdk/core.h"
#include "rsdk/fix.h"

static void fixture_table_lists_generated_commands_sorted(void **st) {
    (void)st;
    /* 17 specs: GRP and TST.DBG are containers, SKIPPED is skipped */
    assert_int_equal(rfix_commands_count, 15);
    for (size_t i = 1; i < rfix_commands_count; i++)
        assert_true(strcmp(rfix_commands[i - 1].name, rfix_commands[i].name) < 0);
    assert_null(rsdk_command_find(rfix_commands, rfix_commands_count, "SKIPPED"));
    assert_null(rsdk_command_find(rfix_commands, rfix_commands_count, "GRP"));
    const rsdk_command_meta *m = rsdk_command_find(rfix_commands, rfix_commands_count, "grp stats");
    assert_non_null(m);
    assert_string_equal(m->function, "rfix_grp_stats");
    assert_true(m->flags & RSDK_CMD(ADMIN));
    assert_false(m->flags & RSDK_CMD(WRITE));
    assert_int_equal(m->ntips, 2);
    assert_string_equal(m->tips[0], "REQUEST_POLICY:ALL_SHARDS");
    assert_int_equal(m->result, RSDK_RESULT_REPLY);
    assert_null(rsdk_command_find(rfix_commands, rfix_commands_count, "TST.DBG"));
    /* a module spec completed by "rsdk": arity and key positions */
    m = rsdk_command_find(rfix_commands, rfix_commands_count, "TST.DBG MEM");
    assert_non_null(m);
    assert_int_equal(m->arity, 3);
    assert_int_equal(m->nkey_specs, 1);
    assert_int_equal(m->args[0].key_spec_index, 0);
    assert_int_equal(m->result, RSDK_RESULT_INT);
}

static void argument_tree_is_complete(void **st) {
    (void)st;
    const rsdk_command_meta *m = rsdk_command_find(rfix_commands, rfix_commands_count, "CHOOSE");
    assert_non_null(m);
    assert_int_equal(m->nargs, 5);
    assert_string_equal(m->args[0].name, "key");
    assert_int_equal(m->args[0].type, RSDK_ARG_KEY);
    assert_int_equal(m->args[0].key_spec_index, 0);
    const rsdk_arg_meta *kind = &m->args[4];
    assert_string_equal(kind->name, "kind");
    assert_string_equal(kind->token, "TYPE");
    assert_true(kind->flags & RSDK_ARGF_OPTIONAL);
    assert_int_equal(kind->nchildren, 2);
    assert_string_equal(kind->children[1].token, "master");
    const rsdk_command_meta *n = rsdk_command_find(rfix_commands, rfix_commands_count, "NUMK");
    assert_true(n->args[0].flags & RSDK_ARGF_COUNT);
    assert_true(n->args[3].flags & RSDK_ARGF_MULTIPLE_TOKEN);
    assert_int_equal(n->key_specs[0].find, RSDK_KEY_FIND_KEYNUM);
    assert_int_equal(n->key_specs[0].firstkey, 1);
    const rsdk_command_meta *old = rsdk_command_find(rfix_commands, rfix_commands_count, "OLD");
    assert_true(old->flags & RSDK_CMD(DEPRECATED));
    assert_string_equal(old->deprecated_since, "6.2.0");
}

static void core_table_has_every_generated_command(void **st) {
    (void)st;
    assert_true(rcore_commands_count > 400);
    const rsdk_command_meta *get = rsdk_command_find(rcore_commands, rcore_commands_count, "GET");
    assert_non_null(get);
    assert_int_equal(get->arity, 2);
    assert_true(get->flags & RSDK_CMD(READONLY));
    assert_true(get->flags & RSDK_CMD(FAST));
    assert_string_equal(get->group, "string");
    assert_string_equal(get->since, "1.0.0");
    assert_int_equal(get->nkey_specs, 1);
    assert_int_equal(get->key_specs[0].begin, RSDK_KEY_BEGIN_INDEX);
    assert_int_equal(get->key_specs[0].index, 1);
    assert_true(get->key_specs[0].flags & RSDK_KEY_RO);
    assert_int_equal(get->result, RSDK_RESULT_STRING);
    const rsdk_command_meta *cl = rsdk_command_find(rcore_commands, rcore_commands_count, "CLIENT LIST");
    assert_non_null(cl);
    assert_string_equal(cl->function, "rcore_client_list");
    /* decisions from spec/SCHEMA.md */
    assert_null(rsdk_command_find(rcore_commands, rcore_commands_count, "SFLUSH"));
    assert_null(rsdk_command_find(rcore_commands, rcore_commands_count, "SENTINEL MASTERS"));
    const rsdk_command_meta *gs = rsdk_command_find(rcore_commands, rcore_commands_count, "GETSET");
    assert_true(gs->flags & RSDK_CMD(DEPRECATED));
    for (size_t i = 0; i < rcore_commands_count; i++) {
        const rsdk_command_meta *c = &rcore_commands[i];
        assert_non_null(c->name);
        assert_true(strncmp(c->function, "rcore_", 6) == 0);
        assert_true(c->arity != 0);
        assert_false(c->flags & RSDK_CMD(ONLY_SENTINEL));
        assert_false(c->flags & RSDK_CMD(EXPERIMENTAL));
        if (i) assert_true(strcmp(rcore_commands[i - 1].name, c->name) < 0);
    }
}

static void flag_names_round_trip(void **st) {
    (void)st;
    assert_string_equal(rsdk_cmd_flag_name(RSDK_CMD(WRITE)), "WRITE");
    assert_string_equal(rsdk_cmd_flag_name(RSDK_CMD(DEPRECATED)), "DEPRECATED");
    assert_null(rsdk_cmd_flag_name(3));
    assert_string_equal(rsdk_key_flag_name(RSDK_KEY_VARIABLE_FLAGS), "VARIABLE_FLAGS");
    assert_string_equal(rsdk_arg_type_name(RSDK_ARG_PURE_TOKEN), "pure-token");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_table_lists_generated_commands_sorted),
        cmocka_unit_test(argument_tree_is_complete),
        cmocka_unit_test(core_table_has_every_generated_command),
        cmocka_unit_test(flag_names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
