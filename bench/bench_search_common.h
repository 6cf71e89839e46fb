/* bench_search_common.h — the search_knn_10 workload shared by its rsdk and
 * hiredis drivers: a KNN 10 query over 10,000 FLOAT32 vectors of dim 128
 * (index "knnb", loaded by `bench_search_rsdk setup`). Free of rsdk and
 * hiredis headers, like bench_common.h. */
#ifndef RSDK_BENCH_SEARCH_COMMON_H
#define RSDK_BENCH_SEARCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_KNN_INDEX "knnb"
#define BENCH_KNN_DOCS 10000u
#define BENCH_KNN_DIM 128u
#define BENCH_KNN_K 10u
#define BENCH_KNN_QUERY "(*)=>[KNN 10 @v $vec AS __dist]"
#define BENCH_KNN_OPS 2000u

/* Vector `i` of the data set (i = BENCH_KNN_DOCS: the query vector), packed
 * little-endian FLOAT32 into out (BENCH_KNN_DIM * 4 bytes). */
void bench_knn_vector(uint32_t i, unsigned char *out);

#endif
