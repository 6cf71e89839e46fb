/* A program that uses only //modules/bloom: the link-isolation test checks
 * that no other module's (or Jansson's) symbols end up in it. */
#include <stdio.h>

#include "rsdk/bloom.h"

int main(void) {
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_status s = rbloom_bf_add_encode(&b, RSDK_S("k"), RSDK_S("x"), NULL);
    printf("%d %zu %zu\n", s, b.len, rbloom_commands_count);
    rsdk_buf_deinit(&b);
    return s == RSDK_OK ? 0 : 1;
}
