/* The examples of docs/codegen.md ("Using a command"), verbatim, compile and
 * run against a real server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/core.h"
#include "support/server.h"

static void set_with_options(rsdk_client *c) {
    rsdk_string old;
    rsdk_status s = rcore_set(c, "user:1", "alice",
                              &(rcore_set_opts){.get = true,
                                                .expiration = {.kind = RCORE_SET_EXPIRATION_SECONDS,
                                                               .seconds = 60}},
                              &old);
    if (s != RSDK_OK) fprintf(stderr, "SET: %s\n", rsdk_client_error(c)->message);
    else if (!old.nil) printf("was %.*s\n", (int)old.len, old.ptr);
    rsdk_string_deinit(&old);
    assert_int_equal(s, RSDK_OK);
}

static void pipeline(rsdk_client *c) {
    int64_t hits = 0;
    rsdk_string name = {0};
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    rcore_incr_queue(p, "hits", NULL);
    rcore_get_queue(p, "user:1", NULL);
    rsdk_status s = rsdk_pipeline_exec(p);
    if (s == RSDK_OK) {
        rcore_incr_decode(rsdk_pipeline_reply(p, 0), &hits, NULL);
        rcore_get_decode(rsdk_pipeline_reply(p, 1), &name, NULL);
    }
    /* The example must work, not merely skip its checks on failure. */
    assert_int_equal(s, RSDK_OK);
    assert_int_equal(hits, 1);
    assert_string_equal(name.ptr, "alice");
    rsdk_pipeline_free(p);
}

static void examples_run(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, true);
    set_with_options(c);
    pipeline(c);
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(examples_run)};
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
