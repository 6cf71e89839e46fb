/* Readers for the hand-written result types of modules (rsdk glue): the
 * small steps every such reader repeats — an integer, a number or a text
 * node, key/value pairs in their three layouts, named fields of a record —
 * so a module's glue only says what its type holds. See rsdk/gen.h. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "gen_internal.h"

rsdk_status rsdk_gen_glue_bad(rsdk_error *err, const char *command, const char *what,
                              const rsdk_reply *at) {
    return rsdk_error_set(err, RSDK_ERR_UNEXPECTED_REPLY, 0, "%s: unexpected %s (expected %s)", command,
                          at ? rsdk_reply_type_str(at->type) : "end of reply", what);
}

bool rsdk_gen_glue_int(const rsdk_reply *n, int64_t *out) {
    double d;
    if (n == NULL) return false;
    if (n->type == RSDK_REPLY_INTEGER) {
        *out = n->integer;
        return true;
    }
    /* RESP2 sends some counters as text ("0"); whole numbers only */
    if (n->type != RSDK_REPLY_INTEGER && rsdk_reply_number(n, &d) && d >= -9.2e18 && d <= 9.2e18 &&
        (double)(int64_t)d == d) {
        *out = (int64_t)d;
        return true;
    }
    return false;
}

bool rsdk_gen_glue_text(const rsdk_reply *n, rsdk_str *out) {
    if (n == NULL) return false;
    if (n->type == RSDK_REPLY_NIL) {
        *out = rsdk_str_n(NULL, 0);
        return true;
    }
    if (n->type != RSDK_REPLY_STRING && n->type != RSDK_REPLY_STATUS && n->type != RSDK_REPLY_VERB)
        return false;
    *out = rsdk_str_n(n->str ? n->str : "", n->str ? n->len : 0);
    return true;
}

size_t rsdk_gen_glue_pair_count(const rsdk_reply *n) {
    if (n == NULL || !rsdk_reply_is_aggregate(n)) return 0;
    if (n->type == RSDK_REPLY_MAP) return n->elements / 2;
    if (n->elements > 0 && rsdk_reply_is_aggregate(&n->element[0])) return n->elements; /* [[k, v]...] */
    return n->elements / 2;                                                             /* [k, v, ...] */
}

bool rsdk_gen_glue_pair_at(const rsdk_reply *n, size_t i, const rsdk_reply **key,
                           const rsdk_reply **value) {
    if (n->type != RSDK_REPLY_MAP && n->elements > 0 && rsdk_reply_is_aggregate(&n->element[0])) {
        const rsdk_reply *p = &n->element[i];
        if (!rsdk_reply_is_aggregate(p) || p->elements != 2) return false;
        *key = &p->element[0];
        *value = &p->element[1];
        return true;
    }
    if (2 * i + 1 >= n->elements) return false;
    *key = &n->element[2 * i];
    *value = &n->element[2 * i + 1];
    return true;
}

rsdk_status rsdk_gen_glue_pairs(const rsdk_reply *n, rsdk_pair *out, size_t count, const char *command,
                                rsdk_error *err) {
    for (size_t i = 0; i < count; i++) {
        const rsdk_reply *k = NULL, *v = NULL;
        rsdk_str ks, vs;
        if (!rsdk_gen_glue_pair_at(n, i, &k, &v) || !rsdk_gen_glue_text(k, &ks) || ks.ptr == NULL ||
            !rsdk_gen_glue_text(v, &vs))
            return rsdk_gen_glue_bad(err, command, "name/value text pairs", n);
        out[i].key = ks;
        out[i].value.ptr = vs.ptr;
        out[i].value.len = vs.len;
        out[i].value.nil = vs.ptr == NULL;
        out[i].value.owner = NULL;
    }
    return RSDK_OK;
}

rsdk_status rsdk_gen_glue_fields(const rsdk_reply *map, const rsdk_gen_field *fields, size_t nfields,
                                 void *base, const char *command, rsdk_error *err) {
    if (map == NULL || !rsdk_reply_is_aggregate(map))
        return rsdk_gen_glue_bad(err, command, "a map of fields", map);
    size_t n = rsdk_gen_glue_pair_count(map);
    for (size_t i = 0; i < n; i++) {
        const rsdk_reply *k = NULL, *v = NULL;
        rsdk_str name;
        if (!rsdk_gen_glue_pair_at(map, i, &k, &v))
            return rsdk_gen_glue_bad(err, command, "field/value pairs", map);
        if (!rsdk_gen_glue_text(k, &name) || name.ptr == NULL)
            return rsdk_gen_glue_bad(err, command, "a field name", k);
        for (size_t f = 0; f < nfields; f++) {
            if (strlen(fields[f].name) != name.len || memcmp(fields[f].name, name.ptr, name.len) != 0)
                continue;
            char *at = (char *)base + fields[f].offset;
            bool ok = false;
            switch (fields[f].kind) {
            case RSDK_GEN_FIELD_INT: ok = rsdk_gen_glue_int(v, (int64_t *)(void *)at); break;
            case RSDK_GEN_FIELD_DOUBLE: ok = rsdk_reply_number(v, (double *)(void *)at); break;
            case RSDK_GEN_FIELD_TEXT: ok = rsdk_gen_glue_text(v, (rsdk_str *)(void *)at); break;
            case RSDK_GEN_FIELD_NODE:
                *(const rsdk_reply **)(void *)at = v;
                ok = true;
                break;
            }
            if (!ok) {
                char what[96];
                snprintf(what, sizeof what, "a %s for %s",
                         fields[f].kind == RSDK_GEN_FIELD_TEXT ? "text" : "number", fields[f].name);
                return rsdk_gen_glue_bad(err, command, what, v);
            }
        }
    }
    return RSDK_OK;
}
