/* The typed result of a command, from its reply_schema (which describes the
 * RESP3 form), and the shape tables that bring a RESP2 reply tree to that
 * form. Rules (docs/codegen.md has the table):
 *   const text                        -> status (no out-parameter)
 *   integer / const integers          -> int64_t (+ null: rsdk_int_or_nil)
 *   const 0 | const 1, boolean        -> bool
 *   number                            -> double (+ null: rsdk_double_or_nil)
 *   string, several texts, + null     -> rsdk_string
 *   anything else                     -> rsdk_reply tree, with a shape
 *                                        where one serves every alternative
 * plus, with "rsdk": {"pairs_option"}, a second table for the reply's
 * array-of-pairs form, which that option selects, and the reply types the
 * decoder accepts at the top of the reply (accept_of). */
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

/* Reply nodes a schema allows, as the normaliser sees them on either
 * protocol: text (RESP2 doubles too), integers (RESP2 booleans too), nil,
 * aggregates (RESP2 maps are arrays). An alternative's rule may act on one
 * class only when no other alternative yields that class. */
enum { C_TEXT = 1, C_INT = 2, C_NIL = 4, C_AGG = 8, C_ALL = 15 };

static shape *new_shape(int kind, unsigned cls) {
    shape *s = gen_alloc(sizeof(shape));
    s->kind = kind;
    s->cls = cls;
    return s;
}

/* Anything: no rule can be applied safely. */
static shape *unknown(void) { return new_shape(SK_ANY, C_ALL); }

/* The class a shape's own rule acts on (0: none). */
static unsigned acts_on(const shape *s) {
    switch (s->kind) {
    case SK_DOUBLE: return C_TEXT;
    case SK_BOOL: return C_INT;
    case SK_ANY: return 0;
    default: return C_AGG;
    }
}

static shape *build(json_t *s, int depth);

/* Element i of an array shape (TUPLE or ARRAY); NULL when there is none. */
static shape *elem(const shape *s, size_t i) {
    if (s->kind == SK_TUPLE && i < s->n) return s->kids[i];
    return s->other;
}

static shape *merge(shape *a, shape *b);

static shape *merge_maps(shape *a, shape *b) {
    shape *r = new_shape(SK_MAP, a->cls | b->cls);
    r->kids = gen_alloc(sizeof(shape *) * (a->n + b->n + 1));
    r->keys = gen_alloc(sizeof(char *) * (a->n + b->n + 1));
    for (size_t i = 0; i < a->n; i++) {
        shape *other = b->other;
        for (size_t k = 0; k < b->n; k++)
            if (strcmp(a->keys[i], b->keys[k]) == 0) other = b->kids[k];
        r->keys[r->n] = a->keys[i];
        r->kids[r->n++] = merge(a->kids[i], other);
    }
    for (size_t k = 0; k < b->n; k++) {
        bool seen = false;
        for (size_t i = 0; i < a->n; i++) seen = seen || strcmp(a->keys[i], b->keys[k]) == 0;
        if (seen) continue;
        r->keys[r->n] = b->keys[k];
        r->kids[r->n++] = merge(a->other, b->kids[k]);
    }
    r->other = merge(a->other, b->other);
    return r;
}

static shape *merge_arrays(shape *a, shape *b) {
    if (a->kind == SK_ARRAY && b->kind == SK_ARRAY) {
        shape *r = new_shape(SK_ARRAY, C_AGG);
        r->other = merge(a->other, b->other);
        return r;
    }
    shape *r = new_shape(SK_TUPLE, C_AGG);
    r->n = (a->kind == SK_TUPLE ? a->n : 0) > (b->kind == SK_TUPLE ? b->n : 0)
               ? a->n : (b->kind == SK_TUPLE ? b->n : 0);
    r->kids = gen_alloc(sizeof(shape *) * (r->n ? r->n : 1));
    for (size_t i = 0; i < r->n; i++) r->kids[i] = merge(elem(a, i), elem(b, i));
    r->other = merge(a->other, b->other);
    return r;
}

/* One shape for two alternatives of a reply (oneOf/anyOf branches), or
 * `unknown` when one shape cannot serve both. NULL stands for "no such
 * element". A rule is kept only where the other alternative cannot yield
 * the nodes it changes: a number beside an integer (RESP2 sends the number
 * as text, the integer stays one), a map beside a string (the array a
 * RESP2 map becomes is no string). A number beside a string, or a map
 * beside an array, cannot be told apart on RESP2. */
static shape *merge(shape *a, shape *b) {
    if (a == NULL) return b;
    if (b == NULL) return a;
    if (a->root_ref || b->root_ref) return unknown();
    unsigned on_a = acts_on(a), on_b = acts_on(b);
    if (on_a == 0 && on_b == 0) return new_shape(SK_ANY, a->cls | b->cls);
    if (on_b == 0) {
        shape *t = a;
        a = b;
        b = t;
        on_a = 0;
        on_b = acts_on(b);
    }
    if (on_a == 0) {
        /* b's rule, unless a yields what it acts on */
        if (a->cls & on_b) return unknown();
        shape *r = new_shape(SK_ANY, 0);
        *r = *b;
        r->cls |= a->cls;
        r->done = false;
        return r;
    }
    if (on_a != on_b) return unknown(); /* one node could take either rule */
    if (a->kind == SK_DOUBLE && b->kind == SK_DOUBLE) return new_shape(SK_DOUBLE, a->cls | b->cls);
    if (a->kind == SK_BOOL && b->kind == SK_BOOL) return new_shape(SK_BOOL, a->cls | b->cls);
    if (a->kind == SK_MAP && b->kind == SK_MAP) return merge_maps(a, b);
    if ((a->kind == SK_ARRAY || a->kind == SK_TUPLE) && (b->kind == SK_ARRAY || b->kind == SK_TUPLE))
        return merge_arrays(a, b);
    return unknown();
}

static shape *build_object(json_t *s, int depth) {
    shape *r = new_shape(SK_MAP, C_AGG);
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
    /* Keys beyond `properties`: additionalProperties, or the (first)
     * patternProperties schema; none when additionalProperties is false. */
    json_t *other = json_object_get(s, "additionalProperties");
    void *pattern = json_object_iter(json_object_get(s, "patternProperties"));
    if (json_is_object(other))
        r->other = build(other, depth + 1);
    else if (pattern != NULL)
        r->other = build(json_object_iter_value(pattern), depth + 1);
    else if (json_is_false(other))
        r->other = NULL;
    else
        r->other = unknown();
    return r;
}

static shape *build_array(json_t *s, int depth) {
    json_t *items = json_object_get(s, "items");
    if (!json_is_array(items)) {
        shape *r = new_shape(SK_ARRAY, C_AGG);
        r->other = items ? build(items, depth + 1) : unknown();
        return r;
    }
    shape *r = new_shape(SK_TUPLE, C_AGG);
    r->n = json_array_size(items);
    r->kids = gen_alloc(sizeof(shape *) * (r->n ? r->n : 1));
    for (size_t i = 0; i < r->n; i++) r->kids[i] = build(json_array_get(items, i), depth + 1);
    json_t *more = json_object_get(s, "additionalItems");
    json_t *max = json_object_get(s, "maxItems");
    if (json_is_object(more))
        r->other = build(more, depth + 1);
    else if (json_is_false(more) || (json_is_integer(max) && (size_t)json_integer_value(max) <= r->n))
        r->other = NULL; /* nothing after the listed items */
    else
        r->other = unknown();
    return r;
}

static shape *build(json_t *s, int depth) {
    if (!json_is_object(s) || depth > 32) return unknown();
    const char *ref = json_string_value(json_object_get(s, "$ref"));
    if (ref != NULL) {
        shape *r = unknown();
        r->root_ref = strcmp(ref, "#") == 0;
        return r;
    }
    json_t *br[16];
    size_t n = branches(s, br, 16);
    if (n > 1 || br[0] != s) {
        shape *r = NULL;
        for (size_t i = 0; i < n; i++) r = merge(r, build(br[i], depth + 1));
        return r ? r : unknown();
    }
    switch (classify(s)) {
    case B_NULL: return new_shape(SK_ANY, C_NIL);
    case B_CONST_STR:
    case B_STR: return new_shape(SK_ANY, C_TEXT);
    case B_CONST_INT:
    case B_INT: return new_shape(SK_ANY, C_INT);
    case B_NUM: return new_shape(SK_DOUBLE, C_TEXT);
    case B_BOOL: return new_shape(SK_BOOL, C_INT);
    default: break;
    }
    const char *t = json_string_value(json_object_get(s, "type"));
    if (t != NULL && strcmp(t, "object") == 0) return build_object(s, depth);
    if (t != NULL && strcmp(t, "array") == 0) return build_array(s, depth);
    return unknown();
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
    case SK_MAP:
    case SK_PAIRS: return false;
    default: break;
    }
    for (size_t i = 0; i < s->n; i++)
        if (!trivial(s->kids[i])) return false;
    return trivial(s->other);
}

/* Lays the shapes of `root` out in one table: 0 is ANY, the root is 1, the
 * children of a MAP or TUPLE take consecutive slots starting at `first`. A
 * "$ref": "#" slot holds the root again. */
static shape_table linearise(shape *root) {
    size_t cap = 64;
    shape **list = gen_alloc(sizeof(shape *) * cap);
    unsigned n = 2;
    list[1] = root;
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
            for (size_t i = 0; i < s->n; i++) list[n++] = s->kids[i]->root_ref ? root : s->kids[i];
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
    shape_table t = {root, n, list};
    return t;
}

static shape_table table_of(shape *root) {
    shape_table none = {NULL, 0, NULL};
    return trivial(root) ? none : linearise(root);
}

/* ---- pairs_option -------------------------------------------------------------- */

/* An array of two-element arrays: [[member, score], ...]. */
static bool pairs_branch(json_t *b) {
    const char *t = json_string_value(json_object_get(b, "type"));
    if (t == NULL || strcmp(t, "array") != 0) return false;
    json_t *it = json_object_get(b, "items");
    return json_is_object(it) && json_is_array(json_object_get(it, "items")) &&
           json_array_size(json_object_get(it, "items")) == 2 &&
           json_integer_value(json_object_get(it, "minItems")) == 2 &&
           json_integer_value(json_object_get(it, "maxItems")) == 2;
}

/* The argument path named by rsdk pairs_option ("withscores",
 * "options.withscores"): C names from the options struct down through
 * blocks. */
static bool resolve_pairs_when(command *c, const char *path) {
    const arg *args = c->args;
    size_t nargs = c->nargs, depth = 0;
    const arg **out = gen_alloc(sizeof(arg *) * 8);
    char *p = gen_strdup(path);
    for (char *part = p; part != NULL && depth < 8;) {
        char *dot = strchr(part, '.');
        if (dot) *dot = '\0';
        const arg *hit = NULL;
        for (size_t i = 0; i < nargs; i++)
            if (args[i].field && strcmp(args[i].cname, part) == 0) hit = &args[i];
        if (hit == NULL || hit->multiple || (depth == 0 && !hit->optional) ||
            (dot != NULL && hit->type != RSDK_ARG_BLOCK)) {
            gen_error(c->file, c, NULL,
                      "rsdk pairs_option \"%s\" names no optional argument (a C path through "
                      "blocks, such as \"withscores\" or \"options.withscores\")", path);
            return false;
        }
        out[depth++] = hit;
        args = hit->children;
        nargs = hit->nchildren;
        part = dot ? dot + 1 : NULL;
    }
    c->pairs_when = out;
    c->npairs_when = depth;
    return true;
}

/* With rsdk pairs_option, the reply is the schema's one array-of-pairs
 * branch when the option is set (RESP2 sends those pairs flat), and any of
 * the other branches otherwise. */
static void model_pairs(command *c, json_t *rs, const char *option) {
    if (!resolve_pairs_when(c, option)) return;
    json_t *br[16], *pairs = NULL;
    size_t n = branches(rs, br, 16), npairs = 0;
    shape *rest = NULL;
    for (size_t i = 0; i < n; i++) {
        if (pairs_branch(br[i])) {
            pairs = br[i];
            npairs++;
        } else {
            rest = merge(rest, build(br[i], 1));
        }
    }
    if (npairs != 1 || !gen_result_is_tree(c->result)) {
        gen_error(c->file, c, NULL,
                  "rsdk pairs_option needs a tree reply whose reply_schema has exactly one "
                  "array-of-pairs branch (it has %zu)", npairs);
        return;
    }
    shape *root = new_shape(SK_PAIRS, C_AGG);
    root->other = build(json_object_get(pairs, "items"), 1);
    c->pairs = linearise(root);
    c->shapes = table_of(rest);
}

/* ---- accepted reply types ------------------------------------------------------ */

/* What the top of a reply may be, in A_* terms: the schema's types, its
 * alternatives united. JSON has one string type, so a "string" is a bulk
 * (or verbatim) string unless the spec says the command sends simple
 * strings ("rsdk": {"simple_string": true}); a constant text is always a
 * simple string (+OK). A set is an array with "uniqueItems". */
static unsigned accept_of(json_t *s, bool simple, int depth) {
    if (!json_is_object(s) || depth > 32 || json_object_get(s, "$ref")) return A_ANY;
    json_t *k = json_object_get(s, "const");
    if (k != NULL) return json_is_string(k) ? A_STATUS : json_is_integer(k) ? A_INT : A_ANY;
    json_t *alt = json_object_get(s, "oneOf");
    if (alt == NULL) alt = json_object_get(s, "anyOf");
    if (alt != NULL) {
        unsigned a = json_array_size(alt) ? 0 : A_ANY;
        size_t i;
        json_t *b;
        json_array_foreach(alt, i, b) a |= accept_of(b, simple, depth + 1);
        return a;
    }
    const char *t = json_string_value(json_object_get(s, "type"));
    if (t == NULL) return A_ANY;
    if (strcmp(t, "null") == 0) return A_NIL;
    if (strcmp(t, "string") == 0) return simple ? A_STATUS : A_STRING;
    if (strcmp(t, "integer") == 0) return A_INT;
    if (strcmp(t, "number") == 0) return A_DOUBLE;
    if (strcmp(t, "boolean") == 0) return A_BOOL;
    if (strcmp(t, "object") == 0) return A_MAP;
    if (strcmp(t, "array") == 0) return json_is_true(json_object_get(s, "uniqueItems")) ? A_SET : A_ARRAY;
    return A_ANY;
}

/* Each A_* with the reply types standing for it on either protocol: RESP2
 * sends a double as a bulk string, a boolean as 0/1, a map as a flat array,
 * a set as an array, a verbatim string as a bulk string; a number may be an
 * integer (JSON Schema's "number" includes them). */
static const struct {
    unsigned a;
    const char *name;
    const char *types[4];
} ACCEPT[] = {
    {A_STATUS, "status", {"STATUS"}},
    {A_STRING, "string", {"STRING", "VERB"}},
    {A_INT, "integer", {"INTEGER"}},
    {A_DOUBLE, "double", {"DOUBLE", "INTEGER", "STRING"}},
    {A_BOOL, "bool", {"BOOL", "INTEGER"}},
    {A_MAP, "map", {"MAP", "ARRAY"}},
    {A_ARRAY, "array", {"ARRAY"}},
    {A_SET, "set", {"SET", "ARRAY"}},
    {A_NIL, "nil", {"NIL"}},
};

const char *gen_accept_types(const command *c) {
    if (c->accept & A_ANY) return "RSDK_GEN_T_ANY";
    /* in rsdk_reply_type order */
    static const char *const ORDER[] = {"STRING", "STATUS", "INTEGER", "DOUBLE", "NIL",
                                        "BOOL",   "VERB",   "ARRAY",   "MAP",    "SET"};
    sb b = {0};
    sb_put(&b, "");
    for (size_t o = 0; o < sizeof ORDER / sizeof ORDER[0]; o++) {
        bool on = false;
        for (size_t i = 0; i < sizeof ACCEPT / sizeof ACCEPT[0]; i++)
            for (size_t t = 0; t < 4 && ACCEPT[i].types[t]; t++)
                on = on || ((c->accept & ACCEPT[i].a) && strcmp(ACCEPT[i].types[t], ORDER[o]) == 0);
        if (on) sb_printf(&b, "%sRSDK_GEN_T(%s)", b.len ? " | " : "", ORDER[o]);
    }
    char *r = gen_strdup(b.data);
    sb_free(&b);
    return r;
}

const char *gen_accept_text(const command *c) {
    if (c->accept & A_ANY) return "any reply";
    if (c->status_text != NULL) return gen_printf("status %s", c->status_text);
    /* Upstream marks ordered replies "uniqueItems" too (ZRANGE, HKEYS), so
     * a set is named with the array it may also be. */
    unsigned a = c->accept & A_SET ? c->accept | A_ARRAY : c->accept;
    const char *names[16];
    size_t n = 0;
    for (size_t i = 0; i < sizeof ACCEPT / sizeof ACCEPT[0]; i++)
        if (a & ACCEPT[i].a) names[n++] = ACCEPT[i].name;
    sb b = {0};
    sb_put(&b, "");
    for (size_t i = 0; i < n; i++) sb_printf(&b, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ", names[i]);
    char *r = gen_strdup(b.data);
    sb_free(&b);
    return r;
}

/* The decoder's accepted types; the one text of a status-only command. */
static void model_accept(command *c, json_t *rs, const char *override) {
    json_t *ext = json_object_get(c->j, "rsdk");
    c->accept = json_object_size(rs) > 0 ? accept_of(rs, json_is_true(json_object_get(ext, "simple_string")), 0)
                                         : A_ANY;
    if (c->accept & A_ANY) c->accept = A_ANY;
    /* An override to a number says the schema's text is one: the number's
     * forms replace the text's. */
    if (override != NULL && strncmp(override, "double", 6) == 0 && !(c->accept & A_ANY))
        c->accept = (c->accept & ~(unsigned)A_STRING) | A_DOUBLE;
    if (c->result == RSDK_RESULT_STATUS && c->accept == A_STATUS) {
        json_t *br[16];
        size_t n = branches(rs, br, 16);
        for (size_t i = 0; i < n && c->status_text == NULL; i++)
            c->status_text = json_string_value(json_object_get(br[i], "const"));
    }
}

void gen_model_reply(module *m, command *c) {
    json_t *rs = c->reply_schema;
    const char *override = json_string_value(json_object_get(json_object_get(c->j, "rsdk"), "reply"));
    c->result = RSDK_RESULT_REPLY;
    if (json_object_size(rs) > 0) {
        json_t *br[16];
        size_t n = branches(rs, br, 16);
        bool has_null = false, bool_consts = true, has0 = false, has1 = false, texts = true,
             ints = true, nums = true, bools = true, single_const = true;
        size_t rest = 0, nconst_str = 0;
        for (size_t i = 0; i < n; i++) {
            int k = classify(br[i]);
            if (k == B_NULL) {
                has_null = true;
                continue;
            }
            rest++;
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
        }
    }
    rsdk_result_kind named;
    const char *glue = json_string_value(json_object_get(json_object_get(c->j, "rsdk"), "glue"));
    if (glue != NULL) {
        /* the module reads the tree (RESP3 form) into a type of its own */
        c->result = RSDK_RESULT_MODULE;
        c->glue_type = gen_printf("%s%s", m->prefix, glue);
    } else if (override != NULL && gen_result_named(override, &named) && !gen_result_info(named)->tree)
        c->result = named;
    else if (c->result == RSDK_RESULT_REPLY || override != NULL)
        gen_model_view(c, rs, override); /* a view where the schema (or override) says which */
    model_accept(c, rs, override);
    const char *pairs_option = json_string_value(json_object_get(json_object_get(c->j, "rsdk"), "pairs_option"));
    if (pairs_option != NULL)
        model_pairs(c, rs, pairs_option);
    else if (gen_result_is_tree(c->result) && json_object_size(rs) > 0)
        c->shapes = table_of(build(rs, 0));
}
