/* Vector blobs as the server stores them: IEEE 754, little-endian. */
#include <string.h>

#include "rsdk/search_query.h"

size_t rsearch_vector_type_size(rsearch_vector_type t) {
    switch (t) {
    case RSEARCH_VECTOR_FLOAT32: return 4;
    case RSEARCH_VECTOR_FLOAT64: return 8;
    default: return 0;
    }
}

void rsearch_pack_f32(void *dst, const float *v, size_t dim) {
    unsigned char *p = dst;
    for (size_t i = 0; i < dim; i++) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        for (int b = 0; b < 4; b++) *p++ = (unsigned char)(u >> (8 * b));
    }
}

void rsearch_pack_f64(void *dst, const double *v, size_t dim) {
    unsigned char *p = dst;
    for (size_t i = 0; i < dim; i++) {
        uint64_t u;
        memcpy(&u, &v[i], 8);
        for (int b = 0; b < 8; b++) *p++ = (unsigned char)(u >> (8 * b));
    }
}
