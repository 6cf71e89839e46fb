/* Counting allocator hooks that refuse chosen allocations. */
#include "fail_alloc.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "rsdk/alloc.h"

static bool installed;
static rsdk_allocator previous;

/* Allocations asked for and refused since the last fail_nth/fail_after, and
 * the range of numbers (1-based) that are refused: none while fail_from is 0. */
static atomic_size_t asked, refused, fail_from, fail_to;
static atomic_size_t allocs, frees, failed, bytes;

static bool refuse(void) {
    size_t n = atomic_fetch_add(&asked, 1) + 1;
    size_t from = atomic_load(&fail_from);
    if (from == 0 || n < from || n > atomic_load(&fail_to)) return false;
    atomic_fetch_add(&refused, 1);
    atomic_fetch_add(&failed, 1);
    return true;
}

static void *count_malloc(size_t n) {
    if (refuse()) return NULL;
    void *p = malloc(n);
    if (p) {
        atomic_fetch_add(&allocs, 1);
        atomic_fetch_add(&bytes, n);
    }
    return p;
}

static void *count_calloc(size_t c, size_t n) {
    if (refuse()) return NULL;
    void *p = calloc(c, n);
    if (p) {
        atomic_fetch_add(&allocs, 1);
        atomic_fetch_add(&bytes, c * n);
    }
    return p;
}

static void *count_realloc(void *old, size_t n) {
    if (refuse()) return NULL;
    void *p = realloc(old, n);
    if (p) {
        if (!old) atomic_fetch_add(&allocs, 1);
        atomic_fetch_add(&bytes, n);
    }
    return p;
}

static void count_free(void *p) {
    if (p) atomic_fetch_add(&frees, 1);
    free(p);
}

/* Refuses allocations number from..to counted from now, with the counts
 * since the last pick reset; from 0 refuses none and keeps those counts. */
static void refuse_range(size_t from, size_t to) {
    atomic_store(&fail_from, 0);
    if (from == 0) return;
    atomic_store(&asked, 0);
    atomic_store(&refused, 0);
    atomic_store(&fail_to, to);
    atomic_store(&fail_from, from);
}

void rsdk_test_alloc_install(void) {
    refuse_range(0, 0);
    atomic_store(&asked, 0);
    atomic_store(&refused, 0);
    atomic_store(&allocs, 0);
    atomic_store(&frees, 0);
    atomic_store(&failed, 0);
    atomic_store(&bytes, 0);
    if (installed) return;
    const rsdk_allocator a = {count_malloc, count_calloc, count_realloc, count_free};
    previous = rsdk_allocator_set(&a);
    installed = true;
}

void rsdk_test_alloc_remove(void) {
    if (!installed) return;
    rsdk_allocator_set(&previous);
    installed = false;
    refuse_range(0, 0);
}

void rsdk_test_alloc_fail_nth(size_t n) { refuse_range(n, n); }

void rsdk_test_alloc_fail_after(size_t n) {
    if (n == SIZE_MAX)
        refuse_range(0, 0);
    else
        refuse_range(n + 1, SIZE_MAX);
}

size_t rsdk_test_alloc_refused(void) { return atomic_load(&refused); }

rsdk_test_alloc_stats rsdk_test_alloc_stats_get(void) {
    rsdk_test_alloc_stats s = {atomic_load(&allocs), atomic_load(&frees), atomic_load(&failed),
                               atomic_load(&bytes)};
    return s;
}
