/* The typed result of a command, from its reply_schema (which describes the
 * RESP3 form), and the shape table that brings a RESP2 reply tree to that
 * form. Rules (docs/codegen.md has the table):
 *   const text                        -> status (no out-parameter)
 *   integer / const integers          -> int64_t (+ null: rsdk_int_or_nil)
 *   const 0 | const 1, boolean        -> bool
 *   number                            -> double (+ null: rsdk_double_or_nil)
 *   string, several texts, + null     -> rsdk_string
 *   array / object, one branch + null -> rsdk_reply tree with a shape
 *   anything else (real alternatives) -> rsdk_reply tree, shape-free */
#include <string.h>

#include "rsdkgen.h"

enum { B_NULL, B_CONST_STR, B_CONST_INT, B_STR, B_INT, B_NUM, B_BOOL, B_TREE };

static int classify(json_t *s) {
    json_t *k = json_object_get(s, "const");
    if (k != NULL) {
        if (json_is_string(k)) return B_CONST_STR;
        if (json_is_integer(k)) return B_CONST_INT;
        return B_TREE;
    }
    if (json_object_get(s, "oneOf") || json_object_get(s, "anyOf")) return B_TREE;
    const char *t = json_string_value(json_object_get(s, "type"));
    if (t == NULL) return B_TREE;
    if (strcmp(t, "null") == 0) return B_NULL;
    if (strcmp(t, "string") == 0) return B_STR;
    if (strcmp(t, "integer") == 0) return B_INT;
    if (strcmp(t, "number") == 0) return B_NUM;
    if (strcmp(t, "boolean") == 0) return B_BOOL;
    return B_TREE;
}

/* The distinct alternatives of `s` (itself when it has none). */
static size_t branches(json_t *s, json_t **out, size_t max) {
    json_t *alt = json_object_get(s, "oneOf");
    if (alt == NULL) alt = json_object_get(s, "anyOf");
    if (!json_is_array(alt)) {
        out[0] = s;
        return 1;
    }
    size_t n = 0, i;
    json_t *b;
    json_array_foreach(alt, i, b) {
        bool dup = false;
        for (size_t k = 0; k < n; k++) dup = dup || json_equal(out[k], b);
        if (!dup && n < max) out[n++] = b;
    }
    return n;
}

/* ---- shapes -------------------------------------------------------------------- */

static shape *new_shape(int kind) {
    shape *s = gen_alloc(sizeof(shape));
    s->kind = kind;
    return s;
}

static shape *build(json_t *s, int depth) {
    if (!json_is_object(s) || depth > 32) return new_shape(SK_ANY);
    const char *ref = json_string_value(json_object_get(s, "$ref"));
    if (ref != NULL) {
        shape *r = new_shape(SK_ANY);
        r->root_ref = strcmp(ref, "#") == 0;
        return r;
    }
    json_t *br[16];
    size_t n = branches(s, br, 16);
    if (n > 1 || br[0] != s) {
        json_t *keep = NULL;
        size_t kept = 0;
        for (size_t i = 0; i < n; i++)
            if (classify(br[i]) != B_NULL) {
                keep = br[i];
                kept++;
            }
        return kept == 1 ? build(keep, depth + 1) : new_shape(SK_ANY);
    }
    const char *t = json_string_value(json_object_get(s, "type"));
    if (t == NULL) return new_shape(SK_ANY);
    if (strcmp(t, "number") == 0) return new_shape(SK_DOUBLE);
    if (strcmp(t, "boolean") == 0) return new_shape(SK_BOOL);
    if (strcmp(t, "object") == 0) {
        shape *r = new_shape(SK_MAP);
        json_t *props = json_object_get(s, "properties");
        r->n = json_object_size(props);
        r->kids = gen_alloc(sizeof(shape *) * (r->n ? r->n : 1));
        r->keys = gen_alloc(sizeof(char *) * (r->n ? r->n : 1));
        size_t i = 0;
        const char *key;
        json_t *v;
        json_object_foreach(props, key, v) {
            r->keys[i] = key;
            r->kids[i] = build(v, depth + 1);
            i++;
        }
        json_t *other = json_object_get(s, "additionalProperties");
        if (!json_is_object(other)) {
            json_t *pp = json_object_get(s, "patternProperties");
            void *it = json_object_iter(pp);
            other = it ? json_object_iter_value(it) : NULL;
        }
        r->other = build(other, depth + 1);
        return r;
    }
    if (strcmp(t, "array") == 0) {
        json_t *items = json_object_get(s, "items");
        if (json_is_array(items)) {
            shape *r = new_shape(SK_TUPLE);
            r->n = json_array_size(items);
            r->kids = gen_alloc(sizeof(shape *) * (r->n ? r->n : 1));
            for (size_t i = 0; i < r->n; i++) r->kids[i] = build(json_array_get(items, i), depth + 1);
            r->other = build(json_object_get(s, "additionalItems"), depth + 1);
            return r;
        }
        shape *r = new_shape(SK_ARRAY);
        r->other = build(items, depth + 1);
        return r;
    }
    return new_shape(SK_ANY);
}

/* True when normalising by this shape changes nothing beyond the
 * shape-free rules. */
static bool trivial(const shape *s) {
    if (s == NULL) return true;
    if (s->root_ref) return false;
    switch (s->kind) {
    case SK_ANY: return true;
    case SK_DOUBLE:
    case SK_BOOL:
    case SK_MAP: return false;
    default: break;
    }
    for (size_t i = 0; i < s->n; i++)
        if (!trivial(s->kids[i])) return false;
    return trivial(s->other);
}

/* Lays the shapes out in one table: 0 is ANY, the root is 1, the children of
 * a MAP or TUPLE take consecutive slots starting at `first`. A "$ref": "#"
 * slot holds the root again. */
static void linearise(command *c) {
    size_t cap = 64;
    shape **list = gen_alloc(sizeof(shape *) * cap);
    unsigned n = 2;
    list[1] = c->shape;
    for (unsigned at = 1; at < n; at++) {
        shape *s = list[at];
        if (s->done) continue;
        s->done = true;
        if (n + s->n + 1 >= cap) {
            while (cap <= n + s->n + 1) cap *= 2;
            shape **l = gen_alloc(sizeof(shape *) * cap);
            memcpy(l, list, sizeof(shape *) * n);
            list = l;
        }
        if (s->kind == SK_MAP || s->kind == SK_TUPLE) {
            s->first = s->n > 0 ? n : 0;
            for (size_t i = 0; i < s->n; i++) list[n++] = s->kids[i]->root_ref ? c->shape : s->kids[i];
        }
        if (s->other == NULL || trivial(s->other)) {
            s->other_index = 0;
        } else if (s->other->root_ref) {
            s->other_index = 1;
        } else {
            s->other_index = n;
            list[n++] = s->other;
        }
    }
    c->shape_list = list;
    c->nshapes = n;
}

void gen_model_reply(module *m, command *c) {
    (void)m;
    json_t *rs = json_object_get(c->j, "reply_schema");
    const char *override = json_string_value(json_object_get(json_object_get(c->j, "rsdk"), "reply"));
    c->result = RSDK_RESULT_REPLY;
    json_t *tree = NULL;
    if (json_object_size(rs) > 0) {
        json_t *br[16];
        size_t n = branches(rs, br, 16);
        bool has_null = false, bool_consts = true, has0 = false, has1 = false, texts = true,
             ints = true, nums = true, bools = true, single_const = true;
        size_t rest = 0, ntree = 0, nconst_str = 0;
        for (size_t i = 0; i < n; i++) {
            int k = classify(br[i]);
            if (k == B_NULL) {
                has_null = true;
                continue;
            }
            rest++;
            if (k == B_TREE) {
                ntree++;
                tree = br[i];
            }
            if (k == B_CONST_INT) {
                json_int_t v = json_integer_value(json_object_get(br[i], "const"));
                has0 = has0 || v == 0;
                has1 = has1 || v == 1;
                if (v != 0 && v != 1) bool_consts = false;
            } else {
                bool_consts = false;
            }
            if (k == B_CONST_STR) nconst_str++;
            if (k != B_CONST_STR && k != B_STR) texts = false;
            if (k != B_CONST_STR) single_const = false;
            if (k != B_INT && k != B_CONST_INT) ints = false;
            if (k != B_NUM) nums = false;
            if (k != B_BOOL) bools = false;
        }
        if (rest == 0) {
            /* only null: keep the tree */
        } else if (bool_consts && has0 && has1 && !has_null) {
            c->result = RSDK_RESULT_BOOL;
        } else if (texts) {
            c->result = (single_const && nconst_str == 1 && !has_null) ? RSDK_RESULT_STATUS
                                                                       : RSDK_RESULT_STRING;
        } else if (ints) {
            c->result = has_null ? RSDK_RESULT_INT_OR_NIL : RSDK_RESULT_INT;
        } else if (nums) {
            c->result = has_null ? RSDK_RESULT_DOUBLE_OR_NIL : RSDK_RESULT_DOUBLE;
        } else if (bools && !has_null) {
            c->result = RSDK_RESULT_BOOL;
        } else if (!(ntree == 1 && rest == 1)) {
            tree = NULL; /* real alternatives: the plain tree */
        }
    }
    if (override != NULL) {
        static const struct {
            const char *n;
            rsdk_result_kind k;
        } K[] = {{"status", RSDK_RESULT_STATUS}, {"int", RSDK_RESULT_INT},
                 {"int_or_nil", RSDK_RESULT_INT_OR_NIL}, {"bool", RSDK_RESULT_BOOL},
                 {"double", RSDK_RESULT_DOUBLE}, {"double_or_nil", RSDK_RESULT_DOUBLE_OR_NIL},
                 {"string", RSDK_RESULT_STRING}, {"reply", RSDK_RESULT_REPLY}};
        for (size_t i = 0; i < sizeof K / sizeof K[0]; i++)
            if (strcmp(K[i].n, override) == 0) c->result = K[i].k;
    }
    if (c->result == RSDK_RESULT_REPLY && tree != NULL) {
        c->shape = build(tree, 0);
        if (trivial(c->shape)) c->shape = NULL;
        else linearise(c);
    }
}
