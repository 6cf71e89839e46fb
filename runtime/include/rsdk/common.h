/* rsdk/common.h — shared basics: visibility macro, status type, string slice. */
#ifndef RSDK_COMMON_H
#define RSDK_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the public API; everything else is built with -fvisibility=hidden. */
#if defined(__GNUC__) || defined(__clang__)
#define RSDK_API __attribute__((visibility("default")))
/* A variadic function whose argument list ends with a NULL pointer. */
#define RSDK_SENTINEL __attribute__((sentinel))
#else
#define RSDK_API
#define RSDK_SENTINEL
#endif

/* Every fallible call returns an rsdk_status; RSDK_OK (0) is success. The
 * values are listed in rsdk/error.h. */
typedef int rsdk_status;

/* A binary-safe, borrowed byte slice. `ptr` may be NULL only when len == 0. */
typedef struct rsdk_str {
    const char *ptr;
    size_t len;
} rsdk_str;

/* Slice over a NUL-terminated C string (NULL gives {NULL, 0}). Borrowed. */
static inline rsdk_str rsdk_str_c(const char *s) {
    rsdk_str r = {s, s ? strlen(s) : 0};
    return r;
}

/* Slice over `len` bytes at `p`. Borrowed. */
static inline rsdk_str rsdk_str_n(const void *p, size_t len) {
    rsdk_str r = {(const char *)p, len};
    return r;
}

#ifndef __cplusplus
/* RSDK_S(x): accepts an rsdk_str or a C string and yields an rsdk_str, so
 * typed calls read rcore_get(c, "k", &v) or rcore_get(c, slice, &v). */
#define RSDK_S(x) _Generic((x), \
    rsdk_str: rsdk__str_id, \
    char *: rsdk_str_c, \
    const char *: rsdk_str_c)(x)
static inline rsdk_str rsdk__str_id(rsdk_str s) { return s; }
#endif

#ifdef __cplusplus
}
#endif
#endif
