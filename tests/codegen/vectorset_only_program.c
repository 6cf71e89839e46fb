/* A program that depends on //modules/vectorset alone (see
 * test_module_link_isolation.sh): encodes VADD with VALUES. */
#include <stdio.h>

#include "rsdk/vectorset.h"

int main(void) {
    rsdk_buf b;
    rsdk_buf_init(&b);
    rvset_add_vector vec = {.kind = RVSET_ADD_VECTOR_VALUES, .values = {(double[]){1, 2}, 2}};
    rsdk_status st = rvset_add_encode(&b, "k", vec, "e", NULL, NULL);
    printf("%.*s", (int)b.len, b.data);
    rsdk_buf_deinit(&b);
    return st == RSDK_OK ? 0 : 1;
}
