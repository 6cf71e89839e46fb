/* Loading recorded replies (vectors.h). */
#include "vectors.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "support/resp_fixture.h"

rsdk_reply *vec_load(const char *dir, int proto, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "tests/data/%s/resp%d_%s.bin", dir, proto, name);
    size_t len = 0;
    char *data = fx_load(path, &len);
    rsdk_reply *r[2] = {NULL, NULL};
    size_t n = fx_parse(data, len, 0, 0, r, 2, true);
    free(data);
    if (n != 1) fail_msg("%s: %zu replies (expected one)", path, n);
    return r[0];
}
