/* A program of another workspace: connects to $REDIS_URL, runs typed core
 * commands, and prints the rsdk version it runs. */
#include <stdio.h>
#include <stdlib.h>

#include "rsdk/core.h"
#include "rsdk/rsdk.h"

int main(void) {
    const char *url = getenv("REDIS_URL");
    if (!url || !*url) url = "redis://127.0.0.1:6379";
    printf("rsdk %s (headers %s)\n", rsdk_version_string(), RSDK_VERSION_STRING);
    if (rsdk_version() >> 16 != RSDK_VERSION_MAJOR) return 1;

    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_status st = rsdk_client_open_url(url, &c, &err);
    if (st != RSDK_OK) {
        fprintf(stderr, "connect %s: %s\n", url, err.message);
        return 1;
    }
    st = rcore_set(c, "rsdk:consumer:k", "v", NULL, NULL);
    rsdk_string v = {0};
    if (st == RSDK_OK) st = rcore_get(c, "rsdk:consumer:k", &v);
    if (st != RSDK_OK) {
        fprintf(stderr, "%s: %s\n", rsdk_status_name(st), rsdk_client_error(c)->message);
        rsdk_client_close(c);
        return 1;
    }
    printf("GET rsdk:consumer:k -> %.*s\n", (int)v.len, v.ptr);
    int ok = v.len == 1 && v.ptr[0] == 'v';
    rsdk_string_deinit(&v);
    int64_t removed = 0;
    rcore_del(c, &(rsdk_str){"rsdk:consumer:k", 15}, 1, &removed);
    rsdk_client_close(c);
    return ok && removed == 1 ? 0 : 1;
}
