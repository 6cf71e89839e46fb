/* tests/commands/module_minimal.h — the minimal-form live check of a
 * module's generated commands (the module counterpart of
 * test_commands_minimal_live.c): for every command of the module's
 * metadata table, the generated encoder and the metadata walk give the same
 * bytes, the argv satisfies the arity, and the generated sync call is not
 * refused for its grammar (no "wrong number of arguments", no "syntax
 * error", no decoder rejecting the reply). Other error replies count as
 * accepted and are printed. Denied commands are not sent, each with its
 * reason. */
#ifndef RSDK_TEST_MODULE_MINIMAL_H
#define RSDK_TEST_MODULE_MINIMAL_H

#include "minimal.h"
#include "support/server.h"

typedef struct mm_module {
    const char *name;                       /* "json" */
    const rsdk_command_meta *commands;      /* the module's metadata table */
    size_t count;
    const char *const *const *fixtures;     /* NULL-terminated argvs, run before each command */
    const mc_deny *deny;                    /* not sent, with the reason */
    size_t ndeny;
} mm_module;

/* Runs every command on a fresh connection of protocol `proto` and fails
 * the test on any failure; prints the counts (commands in spec, generated,
 * exercised live, denied, failing). */
void mm_run(const rsdk_test_server *s, const mm_module *mod, int proto);

#endif
