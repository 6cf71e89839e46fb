/* Built with --define=rsdk_tls=off: a runtime without OpenSSL, which refuses
 * rediss:// with RSDK_ERR_TLS before connecting. */
#include <stdio.h>

#include "rsdk/rsdk.h"

int main(void) {
    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_status st = rsdk_client_open_url("rediss://127.0.0.1:1", &c, &err);
    printf("rediss:// -> %s: %s\n", rsdk_status_name(st), err.message);
    if (st == RSDK_OK) rsdk_client_close(c);
    return st == RSDK_ERR_TLS ? 0 : 1;
}
