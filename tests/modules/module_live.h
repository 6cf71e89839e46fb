/* tests/modules/module_live.h — shared setup of the module round-trip
 * tests: a body runs on RESP2 and on RESP3 against an emptied server with
 * the module loaded, and must see the same typed C results both times. */
#ifndef RSDK_TEST_MODULE_LIVE_H
#define RSDK_TEST_MODULE_LIVE_H

#include "support/live.h"

/* Fails unless `call` is RSDK_OK (needs a client `c` in scope). */
#define OK(call) live_ok(c, (call), #call)

/* Expects RSDK_ERR_INVALID_ARG from `call` with exactly the message `want`
 * in the client's error, and counts it in a local `size_t bad`. */
#define BAD(call, want)                                                                   \
    do {                                                                                  \
        rsdk_status s_ = (call);                                                          \
        if (s_ != RSDK_ERR_INVALID_ARG) fail_msg("%s: %s", #call, rsdk_status_name(s_)); \
        assert_string_equal(rsdk_client_error(c)->message, want);                        \
        bad++;                                                                            \
    } while (0)

typedef void (*ml_body)(rsdk_client *c, int proto);

/* Runs `body` on RESP2 (TCP), then RESP3 (Unix socket), each time after
 * FLUSHALL. */
void ml_each_protocol(void **state, ml_body body);

/* The group's server, for a body that opens a second connection. */
const rsdk_test_server *ml_server(void);

/* total_commands_processed of the server, read through `observer`. */
int64_t ml_commands_processed(rsdk_client *observer);

/* Asserts that `s` holds exactly the text `want`. */
void ml_str_is(rsdk_str s, const char *want);

#endif
