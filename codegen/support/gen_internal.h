/* Internal helpers shared by the generated-code support files. */
#ifndef RSDK_GEN_INTERNAL_H
#define RSDK_GEN_INTERNAL_H

#include "rsdk/gen.h"

/* The RSDK_GEN_T bit of `r`'s type (0 for a type out of range). */
static inline uint32_t rsdk__gen_bit(const rsdk_reply *r) {
    return (unsigned)r->type < 32u ? 1u << (unsigned)r->type : 0u;
}

/* The fast path of every decoder: `r` is a reply whose top-level type `x`
 * accepts (one bit test). */
static inline bool rsdk__gen_accepts(const rsdk_reply *r, const rsdk_gen_expect *x) {
    return r != NULL && (x->types & rsdk__gen_bit(r)) != 0;
}

/* Why `r` is refused, written to `err` (may be NULL): RSDK_ERR_INVALID_ARG
 * for NULL, the mapped code and text of an error reply, RSDK_ERR_NIL for a
 * nil, RSDK_ERR_UNEXPECTED_REPLY naming the type otherwise. */
rsdk_status rsdk__gen_refuse(const rsdk_reply *r, const rsdk_gen_expect *x, rsdk_error *err);

/* The sync-call step every tree result shares: checks `r` against `x` and
 * brings it to its RESP3 form (a rebuilt tree replaces it in *r). *below
 * gets the type bits of the nodes under the root when the reader's record
 * of them still holds, else 0 (rsdk_reply_reshape_fresh). On failure `r`
 * is freed and the client's error says why. */
rsdk_status rsdk__gen_take_tree(rsdk_client *c, rsdk_reply **r, const rsdk_gen_expect *x,
                                const rsdk_shape *table, uint32_t *below);

/* A decode failure of a reply a sync call owns: frees it and records `e`
 * in the client. */
rsdk_status rsdk__gen_take_failed(rsdk_client *c, rsdk_reply *r, const rsdk_error *e);

#endif
