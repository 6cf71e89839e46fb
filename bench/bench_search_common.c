#include "bench_search_common.h"

#include <string.h>

void bench_knn_vector(uint32_t i, unsigned char *out) {
    uint32_t s = i * 2654435761u + 1;
    for (unsigned d = 0; d < BENCH_KNN_DIM; d++) {
        s = s * 1664525u + 1013904223u;
        float f = (float)(s >> 8) / (float)(1u << 24);
        uint32_t u;
        memcpy(&u, &f, 4);
        for (int b = 0; b < 4; b++) out[4 * d + (unsigned)b] = (unsigned char)(u >> (8 * b));
    }
}
