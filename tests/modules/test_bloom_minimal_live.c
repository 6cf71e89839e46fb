/* Every generated RedisBloom command (rsdk/bloom.h: BF, CF, CMS, TOPK,
 * TDIGEST) in its minimal valid form, on RESP2 and RESP3, against the
 * module loaded into Redis 8.0 (module_minimal.h says what is checked). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "module_minimal.h"
#include "rsdk/bloom.h"

static const char *const FX_BF[] = {"BF.RESERVE", MC_KEY_BF, "0.01", "100", NULL};
static const char *const FX_BF_ADD[] = {"BF.ADD", MC_KEY_BF, "x", NULL};
static const char *const FX_CF[] = {"CF.RESERVE", MC_KEY_CF, "100", NULL};
static const char *const FX_CF_ADD[] = {"CF.ADD", MC_KEY_CF, "x", NULL};
static const char *const FX_CMS[] = {"CMS.INITBYDIM", MC_KEY_CMS, "10", "3", NULL};
static const char *const FX_CMS2[] = {"CMS.INITBYDIM", MC_KEY_CMS2, "10", "3", NULL};
static const char *const FX_TOPK[] = {"TOPK.RESERVE", MC_KEY_TOPK, "3", NULL};
static const char *const FX_TD[] = {"TDIGEST.CREATE", MC_KEY_TDIGEST, NULL};
static const char *const FX_TD_ADD[] = {"TDIGEST.ADD", MC_KEY_TDIGEST, "1", "2", "3", NULL};
static const char *const *const FIXTURES[] = {FX_BF, FX_BF_ADD, FX_CF, FX_CF_ADD, FX_CMS, FX_CMS2,
                                              FX_TOPK, FX_TD, FX_TD_ADD, NULL};

/* Nothing is withheld: every command is sent. */
static const mc_deny DENY[1] = {{NULL, NULL}};

static const mm_module MODULE = {"bf", rbloom_commands, 0, FIXTURES, DENY, 0};

static void run(void **state, int proto) {
    RSDK_TEST_NEED_SERVER(state);
    mm_module m = MODULE;
    m.count = rbloom_commands_count;
    mm_run(*state, &m, proto);
}

static void every_command_minimal_form_resp2(void **state) { run(state, 2); }
static void every_command_minimal_form_resp3(void **state) { run(state, 3); }

static int setup(void **state) { return rsdk_test_module_group_setup(state, "redis-8.0-trixie", "redisbloom"); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_command_minimal_form_resp2),
        cmocka_unit_test(every_command_minimal_form_resp3),
    };
    return cmocka_run_group_tests_name("redis 8.0 + RedisBloom", tests, setup, rsdk_test_server_group_teardown);
}
