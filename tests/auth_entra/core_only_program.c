/* A program on //runtime:rsdk and //modules/core alone — with credentials
 * from the runtime's own providers, not modules/auth_entra:
 * test_entra_link_isolation checks that it carries no libcurl. */
#include <stdio.h>

#include "rsdk/core.h"
#include "rsdk/rsdk.h"

int main(void) {
    rsdk_credentials_provider *p = NULL;
    rsdk_status st = rsdk_credentials_static_new("app", "password", &p);
    rsdk_client_opts o;
    rsdk_client_opts_init(&o);
    o.credentials = p;
    rsdk_buf b;
    rsdk_buf_init(&b);
    if (st == RSDK_OK) st = rcore_ping_encode(&b, NULL, NULL);
    printf("%s, PING in %zu bytes\n", rsdk_status_str(st), b.len);
    rsdk_buf_deinit(&b);
    rsdk_credentials_provider_free(p);
    return st == RSDK_OK ? 0 : 1;
}
