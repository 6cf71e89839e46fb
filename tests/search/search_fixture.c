#include "search_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

int search_setup_redis80(void **state) {
    return rsdk_test_module_group_setup(state, "redis-8.0-trixie", "redisearch");
}

int search_setup_valkey91(void **state) {
    return rsdk_test_module_group_setup(state, "valkey-9.1-sid", "redisearch");
}

int search_setup_valkey81(void **state) {
    return rsdk_test_module_group_setup(state, "valkey-8.1-trixie", "redisearch");
}

rsdk_client *search_client(void **state, int proto) {
    rsdk_client *c = rsdk_test_client(*state, proto, true);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(c, &r, "FLUSHALL", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    /* FLUSHALL drops the indexes' keys, not the indexes: drop those too. */
    assert_int_equal(rsdk_client_command(c, &r, "FT._LIST", (const char *)NULL), RSDK_OK);
    size_t n = r->elements;
    char names[16][64];
    for (size_t i = 0; i < n && i < 16; i++)
        snprintf(names[i], sizeof names[i], "%s", r->element[i].str);
    rsdk_reply_free(r);
    for (size_t i = 0; i < n && i < 16; i++) {
        rsdk_reply *d = NULL;
        assert_int_equal(rsdk_client_command(c, &d, "FT.DROPINDEX", names[i], (const char *)NULL), RSDK_OK);
        rsdk_reply_free(d);
    }
    return c;
}

long long search_commands_processed(rsdk_client *c) {
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(c, &r, "INFO", "stats", (const char *)NULL), RSDK_OK);
    const char *p = strstr(r->str, "total_commands_processed:");
    assert_non_null(p);
    long long v = strtoll(p + strlen("total_commands_processed:"), NULL, 10);
    rsdk_reply_free(r);
    return v;
}
