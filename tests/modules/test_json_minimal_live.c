/* Every generated JSON command (rjson_) in its minimal valid form against
 * valkey-json loaded into the Valkey named by argv[1] ("valkey-9.1-sid",
 * "valkey-8.1-trixie"), on RESP2 and RESP3 (module_minimal.h; MODULE LIST
 * calls valkey-json "json"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "module_minimal.h"
#include "rsdk/json.h"

#define CMD(...) ((const char *const[]){__VA_ARGS__, NULL})

static const char *const *const FIXTURES[] = {
    CMD("JSON.SET", MC_KEY_JSON, "$", "{\"s\":\"x\",\"n\":1,\"a\":[1],\"o\":{\"k\":1},\"b\":true}"),
    NULL,
};

static const mc_deny DENY[] = {
    /* valkey-json implements RedisJSON 2.4's commands; JSON.MERGE came with
     * RedisJSON 2.6 and is unknown there ("unknown command"). */
    {"JSON.MERGE", "valkey-json has no JSON.MERGE (RedisJSON 2.6+)"},
};

static const char *server = "valkey-9.1-sid";

static const mm_module JSON_MODULE = {"json", rjson_commands, 0, FIXTURES, DENY, sizeof DENY / sizeof DENY[0]};

static void run(void **state, int proto) {
    RSDK_TEST_NEED_SERVER(state);
    mm_module m = JSON_MODULE;
    m.count = rjson_commands_count;
    mm_run(*state, &m, proto);
}

static void every_json_command_minimal_form_resp2(void **state) { run(state, 2); }
static void every_json_command_minimal_form_resp3(void **state) { run(state, 3); }

static int setup(void **state) { return rsdk_test_module_group_setup(state, server, "valkey-json"); }

int main(int argc, char **argv) {
    if (argc > 1) server = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_json_command_minimal_form_resp2),
        cmocka_unit_test(every_json_command_minimal_form_resp3),
    };
    return cmocka_run_group_tests(tests, setup, rsdk_test_server_group_teardown);
}
