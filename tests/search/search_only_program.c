/* A program that uses only //modules/search: the link-isolation test checks
 * that no other module's (nor Jansson's) symbols end up in it. */
#include <stdio.h>

#include "rsdk/search.h"
#include "rsdk/search_query.h"

int main(void) {
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk_status s = rsearch_list_encode(&b, NULL);
    if (s == RSDK_OK) s = rsearch_escape_tag(&b, rsdk_str_c("a b"));
    printf("%d %zu %zu\n", s, b.len, rsearch_commands_count);
    rsdk_buf_deinit(&b);
    return s == RSDK_OK ? 0 : 1;
}
