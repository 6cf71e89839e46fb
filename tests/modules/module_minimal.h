/* tests/modules/module_minimal.h — every generated command of a server
 * module in its minimal valid form, against a real server with the module
 * loaded (the core rules of tests/commands, minimal.h, applied to a
 * module's metadata table and generated calls). */
#ifndef RSDK_TEST_MODULE_MINIMAL_H
#define RSDK_TEST_MODULE_MINIMAL_H

#include <stddef.h>

#include "rsdk/command_meta.h"
#include "support/server.h"
#include "tests/commands/minimal.h"

typedef struct mm_module {
    const char *name;                   /* the module's name in MODULE LIST ("timeseries", "bf") */
    const rsdk_command_meta *commands;  /* the generated metadata (rts_commands) */
    size_t count;
    const char *const *const *fixtures; /* NULL-terminated list of NULL-terminated argvs, run
                                         * after FLUSHALL before every command */
    const mc_deny *deny;                /* commands not sent, with the reason */
    size_t ndeny;
} mm_module;

/* Sends every command of `m` (its generated sync call, after checking that
 * the generated encoder and the metadata give the same bytes and that the
 * argv fits the arity) on a connection speaking `proto`. Fails the test on
 * a grammar error (wrong number of arguments, syntax error, unknown
 * argument), a reply the decoder refuses, or an unknown command that the
 * module's version should know. Prints the counts and every accepted error
 * reply. */
void mm_run(const rsdk_test_server *s, const mm_module *m, int proto);

#endif
