/* tests/support/fail_alloc.h — rsdk allocator hooks that count every
 * allocation and refuse the ones a test picks, for out-of-memory tests.
 *
 * Install once (the previous hooks are kept), pick which allocations fail,
 * read the counts, remove. The counters are atomic, so allocations from
 * rsdk's own threads are counted too; picking and reading are meant for the
 * test's thread. */
#ifndef RSDK_TEST_FAIL_ALLOC_H
#define RSDK_TEST_FAIL_ALLOC_H

#include <stddef.h>

typedef struct rsdk_test_alloc_stats {
    size_t allocs; /* successful malloc/calloc/realloc(NULL, n) */
    size_t frees;  /* free of non-NULL pointers */
    size_t failed; /* refused allocations */
    size_t bytes;  /* bytes requested by successful calls */
} rsdk_test_alloc_stats;

/* Installs the counting hooks with all counts zero and nothing refused.
 * Installing again while installed only resets. */
void rsdk_test_alloc_install(void);

/* Puts back the hooks that were active before install. */
void rsdk_test_alloc_remove(void);

/* The n-th allocation from now (1-based) is refused, once. n = 0 refuses
 * none from now on. */
void rsdk_test_alloc_fail_nth(size_t n);

/* After n more allocations succeed, every later one is refused. SIZE_MAX
 * refuses none from now on. */
void rsdk_test_alloc_fail_after(size_t n);

/* Allocations refused since the last call that picked some (fail_nth with
 * n > 0, fail_after with n < SIZE_MAX): 0 when the first one picked was
 * never reached. Calls that refuse none keep this count. */
size_t rsdk_test_alloc_refused(void);

/* The counts since install. */
rsdk_test_alloc_stats rsdk_test_alloc_stats_get(void);

#endif
