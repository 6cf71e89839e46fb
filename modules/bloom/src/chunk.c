/* BF.SCANDUMP / CF.SCANDUMP: [iterator, data]. */
#include <string.h>

#include "rsdk/bloom_types.h"
#include "rsdk/gen.h"

rsdk_status rbloom_chunk_read(const rsdk_reply *tree, rbloom_chunk *out, rsdk_error *err) {
    rbloom_chunk v;
    memset(&v, 0, sizeof v);
    if (tree == NULL || tree->type != RSDK_REPLY_ARRAY || tree->elements != 2 ||
        !rsdk_gen_glue_int(&tree->element[0], &v.iterator) || !rsdk_gen_glue_text(&tree->element[1], &v.data))
        return rsdk_gen_glue_bad(err, "SCANDUMP", "[iterator, data]", tree);
    if (v.data.ptr == NULL) v.data = rsdk_str_n("", 0);
    v.reply = tree;
    *out = v;
    return RSDK_OK;
}

void rbloom_chunk_deinit(rbloom_chunk *v) {
    if (v == NULL) return;
    rsdk_reply_free(v->owner);
    memset(v, 0, sizeof *v);
}
