/* fuzz_tree.h — checks on reply trees shared by the fuzz targets. */
#ifndef RSDK_TESTS_FUZZ_TREE_H
#define RSDK_TESTS_FUZZ_TREE_H

#include "rsdk/reply.h"

/* Aborts (so libFuzzer reports the input) with `what` unless ok. */
void fuzz_check(int ok, const char *what);

/* Touches every node of `r` and checks the invariants rsdk/reply.h
 * documents; `depth` is that of `r` (0 for a root). */
void fuzz_walk(const rsdk_reply *r, unsigned depth);

/* True when the two trees hold the same types, values and shapes (either
 * may be NULL). */
int fuzz_same(const rsdk_reply *a, const rsdk_reply *b);

#endif
