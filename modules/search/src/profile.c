/* FT.PROFILE ... SEARCH: the search result and the profile tree. */
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "rsdk/search_result.h"

rsdk_status rsearch_profile_read(const rsdk_reply *r, rsearch_profile_result *out, rsdk_error *err) {
    rsdk_status s = rsearch__check_reply(r, "FT.PROFILE", err);
    if (s != RSDK_OK) return s;
    if (out == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "FT.PROFILE: out: NULL");
    const rsdk_reply *res = r, *prof = NULL;
    if (r->type == RSDK_REPLY_MAP) {
        prof = rsearch__get(r, "profile"); /* RESP3: the search map plus "profile" */
    } else if (r->type == RSDK_REPLY_ARRAY && r->elements == 2) {
        res = &r->element[0]; /* RESP2: [search reply, profile] */
        prof = &r->element[1];
    }
    if (prof == NULL)
        return rsearch__unexpected(err, "FT.PROFILE", "no profile in a %s reply",
                                   rsdk_reply_type_str(r->type));
    rsearch_profile_result p;
    memset(&p, 0, sizeof p);
    s = rsearch_result_read(res, NULL, &p.result, err);
    if (s != RSDK_OK) return s;
    p.result.reply = r;
    p.profile = prof;
    *out = p;
    return RSDK_OK;
}

void rsearch_profile_result_deinit(rsearch_profile_result *p) {
    if (p == NULL) return;
    rsearch_result_deinit(&p->result);
    p->profile = NULL;
}

static rsdk_status read_profile(const rsdk_reply *r, const void *ctx, void *out, rsdk_error *err) {
    (void)ctx;
    return rsearch_profile_read(r, out, err);
}
rsdk_status rsearch_ft_profile_search(const rsearch_ft *ft, rsdk_str index, rsdk_str query,
                                      bool limited, rsearch_profile_result *out) {
    rsdk_status chk = rsearch__check_target(ft, index, "FT.PROFILE", "index");
    if (chk != RSDK_OK) return chk;
    rsearch_profile_opts o = {.limited = limited};
    rsdk_gen_call k;
    rsdk_gen_call_init(&k, ft->c);
    rsdk_status s = rsearch_profile_encode(&k.buf, index, RSEARCH_PROFILE_QUERYTYPE_SEARCH, query,
                                           &o, &k.err);
    return rsearch__call(&k, s, read_profile, NULL, out, offsetof(rsearch_profile_result, result.owner));
}

const rsdk_reply *rsearch_profile_get(const rsdk_reply *node, const char *key) {
    if (node == NULL) return NULL;
    size_t klen = strlen(key);
    if (node->type == RSDK_REPLY_ARRAY && node->elements > 0 &&
        node->element[0].type == RSDK_REPLY_ARRAY) {
        /* RESP2: [[key, value], [key, value...], ...]; a lone [key] has no value. */
        for (size_t i = 0; i < node->elements; i++) {
            const rsdk_reply *p = &node->element[i];
            if (p->type == RSDK_REPLY_ARRAY && p->elements >= 2 && rsearch__is_text(&p->element[0]) &&
                p->element[0].len == klen && memcmp(p->element[0].str, key, klen) == 0)
                return &p->element[1];
        }
        return NULL;
    }
    return rsearch__get(node, key);
}
