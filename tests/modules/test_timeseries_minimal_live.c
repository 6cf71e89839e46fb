/* Every generated RedisTimeSeries command (rsdk/timeseries.h) in its
 * minimal valid form, on RESP2 and RESP3, against the module loaded into
 * Debian's Redis 7.0 and into Redis 8.0 (module_minimal.h says what is
 * checked). Commands newer than the module build (TS.NRANGE, TS.NREVRANGE,
 * TS.READ, TS.QUERYLABELS: 8.10) must get the unknown-command error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "module_minimal.h"
#include "rsdk/timeseries.h"

static const char *const FX_TS[] = {"TS.CREATE", MC_KEY_TS, "LABELS", "mc", "1", NULL};
static const char *const FX_SAMPLE[] = {"TS.ADD", MC_KEY_TS, "1000", "1.5", NULL};
static const char *const FX_TS2[] = {"TS.CREATE", MC_KEY_TS2, "LABELS", "mc", "2", NULL};
static const char *const *const FIXTURES[] = {FX_TS, FX_SAMPLE, FX_TS2, NULL};

/* Nothing is withheld: every command is sent. */
static const mc_deny DENY[1] = {{NULL, NULL}};

static const mm_module MODULE = {"timeseries", rts_commands, 0, FIXTURES, DENY, 0};

static void run(void **state, int proto) {
    RSDK_TEST_NEED_SERVER(state);
    mm_module m = MODULE;
    m.count = rts_commands_count;
    mm_run(*state, &m, proto);
}

static void every_command_minimal_form_resp2(void **state) { run(state, 2); }
static void every_command_minimal_form_resp3(void **state) { run(state, 3); }

static int setup_redis70(void **state) {
    return rsdk_test_module_group_setup(state, NULL, "redistimeseries");
}
static int setup_redis80(void **state) {
    return rsdk_test_module_group_setup(state, "redis-8.0-trixie", "redistimeseries");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_command_minimal_form_resp2),
        cmocka_unit_test(every_command_minimal_form_resp3),
    };
    int failed = cmocka_run_group_tests_name("redis 7.0 + RedisTimeSeries", tests, setup_redis70,
                                             rsdk_test_server_group_teardown);
    failed += cmocka_run_group_tests_name("redis 8.0 + RedisTimeSeries", tests, setup_redis80,
                                          rsdk_test_server_group_teardown);
    return failed;
}
