/* The core specs against the server's own COMMAND DOCS and COMMAND INFO, for
 * every generated command the server documents: argument trees (name,
 * type, token, since, optional, multiple, multiple_token, nesting), group,
 * since, doc flags, deprecation, arity and command flags.
 *
 * Arguments and deprecations newer than the server are expected to be
 * absent and only counted. Every other difference must be explained by an
 * entry of docs_diff_allow.txt for this server's family and version
 * (servers | difference | reason); an unexplained one fails the test, and
 * so does an entry for this server that explains nothing. Both protocols
 * must see the same differences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "docs_compare.h"
#include "rsdk/core.h"
#include "support/server.h"

#define ALLOW_FILE "tests/commands/docs_diff_allow.txt"

static dc_result result;
static dc_allow allow[512];
static size_t first_run_diffs = (size_t)-1;

static void compare(const rsdk_test_server *s, int proto) {
    rsdk_client *c = rsdk_test_client(s, proto, true);
    /* Entries are chosen by the server's family and version (id.key); the
     * spec's `since` dates are Redis versions, so "newer than the server"
     * compares with the Redis version it reports (Valkey: 7.2.4). */
    rsdk_test_server_ident id;
    rsdk_test_server_identify(c, &id);
    const char *version = id.redis_version;
    rsdk_reply *docs = NULL, *info = NULL;
    if (rsdk_client_command(c, &docs, "COMMAND", "DOCS", NULL) != RSDK_OK) {
        printf("SKIP: %s %s has no COMMAND DOCS (%s)\n", id.family, id.version,
               rsdk_client_error(c)->message);
        rsdk_client_close(c);
        skip();
        return;
    }
    assert_int_equal(rsdk_client_command(c, &info, "COMMAND", "INFO", NULL), RSDK_OK);

    char why[400];
    int nallow = dc_allow_load(ALLOW_FILE, allow, sizeof allow / sizeof allow[0], why, sizeof why);
    if (nallow < 0) fail_msg("%s", why);
    for (int i = 0; i < nallow; i++) allow[i].hits = 0;

    dc_compare(rcore_commands, rcore_commands_count, docs, info, version, &result);
    size_t explained = 0, unexplained = 0;
    printf("RESP%d, %s %s (allow-list key %s, redis_version %s): %zu generated commands, %zu "
           "documented by the server and compared, %zu unknown to it\n",
           proto, id.family, id.version, id.key, version, rcore_commands_count, result.compared,
           result.unknown);
    for (size_t i = 0; i < result.ndiffs; i++) {
        const dc_allow *a = dc_allow_match(allow, (size_t)nallow, result.diffs[i], id.key);
        if (a) {
            explained++;
        } else {
            unexplained++;
            printf("  UNEXPLAINED %s\n", result.diffs[i]);
        }
    }
    printf("RESP%d: newer than the server, not compared: %zu arguments, %zu deprecations\n", proto,
           result.newer_args, result.newer_deprecations);
    printf("RESP%d: differences %zu: explained by the allow-list %zu, unexplained %zu\n", proto,
           result.ndiffs, explained, unexplained);
    size_t stale = 0;
    for (int i = 0; i < nallow; i++) {
        if (allow[i].hits == 0 && dc_allow_in_scope(&allow[i], id.key)) {
            stale++;
            printf("  STALE allow-list entry for %s matched nothing: %s\n", id.key, allow[i].pattern);
        }
    }
    fflush(stdout);
    assert_true(result.ndiffs < DC_MAX_DIFFS);
    if (first_run_diffs != (size_t)-1) assert_int_equal(result.ndiffs, first_run_diffs);
    first_run_diffs = result.ndiffs;
    rsdk_reply_free(docs);
    rsdk_reply_free(info);
    rsdk_client_close(c);
    assert_int_equal(unexplained, 0);
    /* An entry for this server must explain something: the list says
     * exactly how each server differs. */
    assert_int_equal(stale, 0);
}

static void specs_match_command_docs_resp3(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    compare(*state, 3);
}

static void specs_match_command_docs_resp2(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    compare(*state, 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(specs_match_command_docs_resp3),
        cmocka_unit_test(specs_match_command_docs_resp2),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
