/* Each server module loads into the servers it is meant for, and the test
 * harness reports which server and module it started: the ground the
 * module suites (JSON, timeseries, bloom, search) stand on. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "rsdk/rsdk.h"
#include "support/server.h"

/* MODULE LIST names the loaded module `name`. */
static bool module_listed(rsdk_client *c, const char *name) {
    rsdk_reply *r = NULL;
    rsdk_status st = rsdk_client_command(c, &r, "MODULE", "LIST", (const char *)NULL);
    assert_int_equal(st, RSDK_OK);
    bool found = false;
    for (size_t i = 0; i < r->elements && !found; i++) {
        const rsdk_reply *m = &r->element[i];
        /* Each entry is a map (RESP3) or flat pairs (RESP2): name, <name>, ver, ... */
        for (size_t j = 0; j + 1 < m->elements; j++) {
            const rsdk_reply *k = &m->element[j], *v = &m->element[j + 1];
            if (rsdk_reply_has_str(k) && strcmp(k->str, "name") == 0 && rsdk_reply_has_str(v) &&
                strcmp(v->str, name) == 0)
                found = true;
        }
    }
    rsdk_reply_free(r);
    return found;
}

static void loads(const char *server, const char *module, const char *listed_as) {
    rsdk_test_server s;
    rsdk_test_server_result r = rsdk_test_server_start_module(&s, server, module, NULL);
    if (r == RSDK_TEST_SERVER_SKIP) skip();
    assert_int_equal(r, RSDK_TEST_SERVER_OK);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(&s, proto, true);
        assert_true(module_listed(c, listed_as));
        rsdk_client_close(c);
    }
    rsdk_test_server_stop(&s);
}

static void test_valkey_json_in_valkey_9_1(void **st) {
    (void)st;
    loads("valkey-9.1-sid", "valkey-json", "json");
}
static void test_valkey_json_in_valkey_8_1(void **st) {
    (void)st;
    loads("valkey-8.1-trixie", "valkey-json", "json");
}
static void test_timeseries_in_redis_7_0(void **st) {
    (void)st;
    loads(NULL, "redistimeseries", "timeseries");
}
static void test_timeseries_in_redis_8_0(void **st) {
    (void)st;
    loads("redis-8.0-trixie", "redistimeseries", "timeseries");
}
static void test_bloom_in_redis_8_0(void **st) {
    (void)st;
    loads("redis-8.0-trixie", "redisbloom", "bf");
}
static void test_search_in_redis_8_0(void **st) {
    (void)st;
    loads("redis-8.0-trixie", "redisearch", "search");
}
static void test_search_in_valkey_9_1(void **st) {
    (void)st;
    loads("valkey-9.1-sid", "redisearch", "search");
}

/* A module name the harness does not know is refused, not started. */
static void test_unknown_module_is_refused(void **st) {
    (void)st;
    rsdk_test_server s;
    const char *req = getenv("RSDK_REQUIRE_SERVER");
    rsdk_test_server_result want =
        req && strcmp(req, "1") == 0 ? RSDK_TEST_SERVER_FAIL : RSDK_TEST_SERVER_SKIP;
    assert_int_equal(rsdk_test_server_start_module(&s, NULL, "no-such-module", NULL), want);
    assert_int_equal(s.pid, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valkey_json_in_valkey_9_1),
        cmocka_unit_test(test_valkey_json_in_valkey_8_1),
        cmocka_unit_test(test_timeseries_in_redis_7_0),
        cmocka_unit_test(test_timeseries_in_redis_8_0),
        cmocka_unit_test(test_bloom_in_redis_8_0),
        cmocka_unit_test(test_search_in_redis_8_0),
        cmocka_unit_test(test_search_in_valkey_9_1),
        cmocka_unit_test(test_unknown_module_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
