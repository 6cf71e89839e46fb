/* Shared helpers of the module round-trip tests (module_live.h). */
#include "module_live.h"

static const rsdk_test_server *current;

const rsdk_test_server *ml_server(void) { return current; }

void ml_each_protocol(void **state, ml_body body) {
    current = *state;
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, proto == 3);
        assert_int_equal(rsdk_client_protocol(c), proto);
        CMD_DO(c, "FLUSHALL");
        body(c, proto);
        rsdk_client_close(c);
    }
}

int64_t ml_commands_processed(rsdk_client *observer) {
    rsdk_reply *r = CMD_OK(observer, "INFO", "stats");
    const char *p = strstr(r->str, "total_commands_processed:");
    assert_non_null(p);
    int64_t n = strtoll(p + strlen("total_commands_processed:"), NULL, 10);
    rsdk_reply_free(r);
    return n;
}

void ml_str_is(rsdk_str s, const char *want) {
    if (s.ptr == NULL || s.len != strlen(want) || memcmp(s.ptr, want, s.len) != 0)
        fail_msg("got \"%.*s\", expected \"%s\"", s.ptr ? (int)s.len : 6, s.ptr ? s.ptr : "(null)", want);
}
