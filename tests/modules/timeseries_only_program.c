/* A program that uses only //modules/timeseries: the link-isolation test
 * checks that no other module's (or Jansson's) symbols end up in it. */
#include <stdio.h>

#include "rsdk/timeseries.h"

int main(void) {
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_status s = rts_get_encode(&b, RSDK_S("k"), NULL, NULL);
    printf("%d %zu %zu\n", s, b.len, rts_commands_count);
    rsdk_buf_deinit(&b);
    return s == RSDK_OK ? 0 : 1;
}
