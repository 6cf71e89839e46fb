/* The variadic command calls' arguments as an argv array. */
#include "args.h"

#include <stdint.h>

#include "alloc.h"

const char **rsdk__args_collect(const char *arg0, va_list ap, const char **small, size_t *n) {
    va_list count;
    va_copy(count, ap);
    size_t k = 1;
    while (va_arg(count, const char *) != NULL) k++;
    va_end(count);
    const char **argv = k <= RSDK__ARGS_SMALL            ? small
                        : k <= SIZE_MAX / sizeof *argv ? rsdk__malloc(k * sizeof *argv)
                                                       : NULL;
    if (argv == NULL) return NULL;
    argv[0] = arg0;
    for (size_t i = 1; i < k; i++) argv[i] = va_arg(ap, const char *);
    *n = k;
    return argv;
}

void rsdk__args_release(const char **argv, const char **small) {
    if (argv != small) rsdk__free(argv);
}
