/* rsdk/typed.h — typed results of generated command calls.
 *
 * A generated call hands its result through an out-parameter whose type comes
 * from the command's reply schema: int64_t, double, bool, one of the structs
 * below, or a reply tree (rsdk_reply *). The same call gives the same C value
 * on RESP2 and RESP3 connections. */
#ifndef RSDK_TYPED_H
#define RSDK_TYPED_H

#include "rsdk/common.h"
#include "rsdk/reply.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A string result that may be nil. `ptr` points at `len` bytes followed by a
 * NUL (binary-safe: use `len`); it is NULL exactly when `nil` is true.
 *
 * Ownership: a typed decoder (rcore_get_decode) fills it with bytes borrowed
 * from the reply it was given and sets `owner` to NULL; a sync call
 * (rcore_get) sets `owner` to the reply that holds the bytes, and the caller
 * releases it with rsdk_string_deinit(). */
typedef struct rsdk_string {
    const char *ptr;
    size_t len;
    bool nil;
    rsdk_reply *owner;
} rsdk_string;

/* Releases the reply behind `s` (if it owns one) and resets `s` to nil.
 * Accepts NULL and borrowed strings (owner NULL: nothing is freed). */
RSDK_API void rsdk_string_deinit(rsdk_string *s);

/* An integer result that may be nil (ZRANK on a missing member). */
typedef struct rsdk_int_or_nil {
    int64_t value; /* 0 when nil */
    bool nil;
} rsdk_int_or_nil;

/* A floating-point result that may be nil (ZSCORE on a missing member).
 * RESP2 sends doubles as bulk strings; they are parsed, so both protocols
 * give the same value. */
typedef struct rsdk_double_or_nil {
    double value; /* 0 when nil */
    bool nil;
} rsdk_double_or_nil;

#ifdef __cplusplus
}
#endif
#endif
