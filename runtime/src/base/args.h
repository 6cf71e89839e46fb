/* args.h — the NULL-terminated C-string arguments of the variadic command
 * calls as an argv array (args.c). */
#ifndef RSDK_SRC_ARGS_H
#define RSDK_SRC_ARGS_H

#include <stdarg.h>
#include <stddef.h>

#define RSDK__ARGS_SMALL 16

/* arg0, then the strings of `ap` up to its NULL, into `small`
 * (RSDK__ARGS_SMALL entries) when they fit, else into an allocated array;
 * *n is the count. NULL on no memory. Give the result to
 * rsdk__args_release with the same `small`. */
const char **rsdk__args_collect(const char *arg0, va_list ap, const char **small, size_t *n);

/* Frees what rsdk__args_collect allocated (nothing when it used `small`). */
void rsdk__args_release(const char **argv, const char **small);

#endif
