/* Every generated vector-set command (rvset_) in its minimal valid form
 * against Redis 8.0 (vector sets built in, no module), on RESP2 and RESP3
 * (module_minimal.h; MODULE LIST calls the built-in module "vectorset"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "module_minimal.h"
#include "rsdk/vectorset.h"

#define CMD(...) ((const char *const[]){__VA_ARGS__, NULL})

static const char *const *const FIXTURES[] = {
    CMD("VADD", MC_KEY_VSET, "VALUES", "1", "1", "x"),
    CMD("VADD", MC_KEY_VSET, "VALUES", "1", "0.5", "z"),
    NULL,
};

static const mm_module VSET_MODULE = {"vectorset", rvset_commands, 0, FIXTURES, NULL, 0};

static void run(void **state, int proto) {
    RSDK_TEST_NEED_SERVER(state);
    mm_module m = VSET_MODULE;
    m.count = rvset_commands_count;
    mm_run(*state, &m, proto);
}

static void every_vectorset_command_minimal_form_resp2(void **state) { run(state, 2); }
static void every_vectorset_command_minimal_form_resp3(void **state) { run(state, 3); }

static int setup(void **state) { return rsdk_test_module_group_setup(state, "redis-8.0-trixie", NULL); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_vectorset_command_minimal_form_resp2),
        cmocka_unit_test(every_vectorset_command_minimal_form_resp3),
    };
    return cmocka_run_group_tests(tests, setup, rsdk_test_server_group_teardown);
}
