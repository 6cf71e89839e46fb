/* A program that depends on //modules/json alone (see
 * test_module_link_isolation.sh): encodes JSON.SET from a json_t. */
#include <stdio.h>

#include "rsdk/json_value.h"

int main(void) {
    json_t *v = json_pack("{s:i}", "a", 1);
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_status st = rjson_set_encode(&b, "k", "$", v, NULL, NULL);
    printf("%.*s", (int)b.len, b.data);
    rsdk_buf_deinit(&b);
    json_decref(v);
    return st == RSDK_OK ? 0 : 1;
}
