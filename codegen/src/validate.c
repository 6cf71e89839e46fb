/* Pass 2: validate every descriptor and build the argument trees. Each
 * problem is reported as file:COMMAND[:arg/path]: what is wrong, and the
 * generator emits nothing when there is any. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "rsdkgen.h"

static const char *const CMD_KEYS[] = {
    "group", "since", "arity", "complexity", "container", "command_flags", "acl_categories",
    "key_specs", "arguments", "reply_schema", "command_tips", "doc_flags", "deprecated_since",
    "get_keys_function", "rsdk",
    /* upstream prose and server internals: accepted and ignored */
    "summary", "description", "history", "replaced_by", "function", NULL};

static const char *const ARG_KEYS[] = {
    "name", "type", "token", "optional", "multiple", "multiple_token", "key_spec_index", "since",
    "deprecated_since", "display", "arguments", "rsdk", "summary", "description", NULL};

/* "arity", "key_specs", "reply_schema" and "command_flags" complete a spec
 * that lacks them (module specs); "key_spec_index" likewise on an argument. */
static const char *const RSDK_CMD_KEYS[] = {"skip",  "reply",     "name",         "pairs_option",
                                            "simple_string", "arity", "key_specs", "reply_schema",
                                            "command_flags", "glue", NULL};
static const char *const RSDK_ARG_KEYS[] = {"name", "type_name", "c_type", "count_of",
                                            "same_count_as", "key_spec_index", "finite", "not_nan",
                                            "count_args",
                                            NULL};

static bool in_list(const char *const *list, const char *s) {
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0) return true;
    return false;
}

/* "1.2.3" (digits and dots, starting and ending with a digit). */
static bool is_version(const char *s) {
    if (!isdigit((unsigned char)s[0])) return false;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1]))) return false;
    return true;
}

/* A C identifier made of lower-case letters, digits and underscores. */
static bool is_c_ident(const char *s) {
    if (!(islower((unsigned char)s[0]) || s[0] == '_')) return false;
    for (const char *p = s; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_') return false;
    return true;
}

typedef struct vctx {
    module *m;
    command *c;
    size_t nkey_specs;
} vctx;

/* Optional string member; reports a wrong type. */
static const char *opt_string(vctx *v, arg *a, json_t *o, const char *k) {
    json_t *x = json_object_get(o, k);
    if (x == NULL) return NULL;
    if (!json_is_string(x)) {
        gen_error(v->c->file, v->c, a, "\"%s\" must be a string", k);
        return NULL;
    }
    return json_string_value(x);
}

static bool opt_bool(vctx *v, arg *a, json_t *o, const char *k) {
    json_t *x = json_object_get(o, k);
    if (x == NULL) return false;
    if (!json_is_boolean(x)) {
        gen_error(v->c->file, v->c, a, "\"%s\" must be true or false", k);
        return false;
    }
    return json_is_true(x);
}

static const struct {
    const char *name;
    rsdk_arg_type t;
} ARG_TYPES[] = {
    {"key", RSDK_ARG_KEY},           {"string", RSDK_ARG_STRING},
    {"pattern", RSDK_ARG_PATTERN},   {"integer", RSDK_ARG_INTEGER},
    {"double", RSDK_ARG_DOUBLE},     {"unix-time", RSDK_ARG_UNIX_TIME},
    {"pure-token", RSDK_ARG_PURE_TOKEN}, {"oneof", RSDK_ARG_ONEOF},
    {"block", RSDK_ARG_BLOCK},
};

static void check_unknown_keys(vctx *v, arg *a, json_t *o, const char *const *known,
                               const char *where) {
    const char *k;
    json_t *x;
    json_object_foreach(o, k, x) {
        (void)x;
        if (!in_list(known, k)) gen_error(v->c->file, v->c, a, "unknown %skey \"%s\"", where, k);
    }
}

static void load_args(vctx *v, arg *parent, json_t *ja, arg **out, size_t *nout);

static void load_arg_ext(vctx *v, arg *a, json_t *ext) {
    if (!json_is_object(ext)) {
        gen_error(v->c->file, v->c, a, "\"rsdk\" must be an object");
        return;
    }
    check_unknown_keys(v, a, ext, RSDK_ARG_KEYS, "rsdk ");
    a->ext_name = opt_string(v, a, ext, "name");
    a->ext_type_name = opt_string(v, a, ext, "type_name");
    a->ext_count_of = opt_string(v, a, ext, "count_of");
    a->ext_same_count_as = opt_string(v, a, ext, "same_count_as");
    a->finite = opt_bool(v, a, ext, "finite");
    a->not_nan = opt_bool(v, a, ext, "not_nan");
    if ((a->finite || a->not_nan) && a->type != RSDK_ARG_DOUBLE)
        gen_error(v->c->file, v->c, a, "rsdk finite / not_nan need a double argument");
    a->count_args = opt_bool(v, a, ext, "count_args");
    if (a->count_args && a->ext_count_of == NULL)
        gen_error(v->c->file, v->c, a, "rsdk count_args needs count_of");
    const char *ct = opt_string(v, a, ext, "c_type");
    if (a->ext_name && !is_c_ident(a->ext_name))
        gen_error(v->c->file, v->c, a, "rsdk name \"%s\" is not a lower-case C identifier", a->ext_name);
    if (a->ext_type_name && !is_c_ident(a->ext_type_name))
        gen_error(v->c->file, v->c, a, "rsdk type_name \"%s\" is not a lower-case C identifier",
                  a->ext_type_name);
    if (ct != NULL) {
        bool number = a->type == RSDK_ARG_INTEGER || a->type == RSDK_ARG_DOUBLE;
        if (strcmp(ct, "uint64") != 0 && strcmp(ct, "double") != 0 && strcmp(ct, "string") != 0)
            gen_error(v->c->file, v->c, a, "unknown rsdk c_type \"%s\" (known: uint64, double, string)", ct);
        else if (strcmp(ct, "string") == 0 && !number)
            gen_error(v->c->file, v->c, a, "rsdk c_type string needs an integer or double argument");
        else if (strcmp(ct, "string") == 0)
            a->as_string = true;
        else if (a->type != RSDK_ARG_INTEGER)
            gen_error(v->c->file, v->c, a, "rsdk c_type %s needs an integer argument", ct);
        else if (strcmp(ct, "uint64") == 0)
            a->uint64 = true;
        else
            a->as_double = true;
    }
}

/* key_spec_index (upstream, or `rsdk` completing a module spec). */
static void set_key_spec_index(vctx *v, arg *a, json_t *ksi, const char *type, const char *where) {
    if (!json_is_integer(ksi) || json_integer_value(ksi) < 0)
        gen_error(v->c->file, v->c, a, "%skey_spec_index must be a non-negative integer", where);
    else if (a->type != RSDK_ARG_KEY && a->type != RSDK_ARG_PATTERN && a->type != RSDK_ARG_STRING)
        gen_error(v->c->file, v->c, a, "%skey_spec_index on a %s argument", where, type);
    else if ((size_t)json_integer_value(ksi) >= v->nkey_specs)
        gen_error(v->c->file, v->c, a, "%skey_spec_index %lld is out of range (%zu key specs)", where,
                  (long long)json_integer_value(ksi), v->nkey_specs);
    else
        a->key_spec_index = (int)json_integer_value(ksi);
}

static void load_arg(vctx *v, arg *parent, json_t *o, arg *a, size_t index) {
    a->parent = parent;
    a->key_spec_index = -1;
    a->j = o;
    /* Until the name is known, messages call it by its position. */
    a->name = gen_printf("#%zu", index + 1);
    if (!json_is_object(o)) {
        gen_error(v->c->file, v->c, a, "an argument must be an object");
        return;
    }
    const char *name = opt_string(v, a, o, "name");
    if (name == NULL || name[0] == '\0') {
        gen_error(v->c->file, v->c, a, "argument without a name");
        return;
    }
    a->name = gen_lower(name);
    for (const char *p = a->name; *p; p++) {
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-') {
            gen_error(v->c->file, v->c, a,
                      "name may hold only letters, digits and '-' (\"%s\")", name);
            break;
        }
    }
    if (!islower((unsigned char)a->name[0]))
        gen_error(v->c->file, v->c, a, "name must start with a letter");
    check_unknown_keys(v, a, o, ARG_KEYS, "");
    const char *type = opt_string(v, a, o, "type");
    if (type == NULL) {
        gen_error(v->c->file, v->c, a, "missing \"type\"");
        return;
    }
    for (size_t i = 0; i < sizeof ARG_TYPES / sizeof ARG_TYPES[0]; i++)
        if (strcmp(type, ARG_TYPES[i].name) == 0) a->type = ARG_TYPES[i].t;
    if (a->type == 0) {
        gen_error(v->c->file, v->c, a,
                  "unknown type \"%s\" (known: key, string, pattern, integer, double, unix-time, "
                  "pure-token, oneof, block)",
                  type);
        return;
    }
    a->token = opt_string(v, a, o, "token");
    a->display = opt_string(v, a, o, "display");
    a->since = opt_string(v, a, o, "since");
    a->deprecated_since = opt_string(v, a, o, "deprecated_since");
    a->optional = opt_bool(v, a, o, "optional");
    a->multiple = opt_bool(v, a, o, "multiple");
    a->multiple_token = opt_bool(v, a, o, "multiple_token");
    if (a->token != NULL && a->token[0] == '\0') gen_error(v->c->file, v->c, a, "empty token");
    if (a->since && !is_version(a->since))
        gen_error(v->c->file, v->c, a, "since \"%s\" is not a version like 1.2.3", a->since);
    if (a->deprecated_since && !is_version(a->deprecated_since))
        gen_error(v->c->file, v->c, a, "deprecated_since \"%s\" is not a version", a->deprecated_since);
    if (a->type == RSDK_ARG_PURE_TOKEN && a->token == NULL)
        gen_error(v->c->file, v->c, a, "pure-token without a token");
    if (a->type == RSDK_ARG_PURE_TOKEN && a->multiple)
        gen_error(v->c->file, v->c, a, "a pure-token cannot be multiple");
    if (a->multiple_token && !a->multiple)
        gen_error(v->c->file, v->c, a, "multiple_token without multiple");
    if (a->multiple_token && a->token == NULL)
        gen_error(v->c->file, v->c, a, "multiple_token without a token");
    json_t *ext = json_object_get(o, "rsdk");
    json_t *ksi = json_object_get(o, "key_spec_index");
    json_t *ext_ksi = json_is_object(ext) ? json_object_get(ext, "key_spec_index") : NULL;
    if (ksi != NULL && ext_ksi != NULL)
        gen_error(v->c->file, v->c, a, "rsdk key_spec_index repeats the spec's key_spec_index");
    else if (ksi != NULL)
        set_key_spec_index(v, a, ksi, type, "");
    else if (ext_ksi != NULL)
        set_key_spec_index(v, a, ext_ksi, type, "rsdk ");
    json_t *kids = json_object_get(o, "arguments");
    bool container = a->type == RSDK_ARG_ONEOF || a->type == RSDK_ARG_BLOCK;
    if (container) {
        if (!json_is_array(kids) || json_array_size(kids) < 2)
            gen_error(v->c->file, v->c, a, "a %s needs at least two arguments", type);
        if (json_is_array(kids)) load_args(v, a, kids, &a->children, &a->nchildren);
    } else if (kids != NULL) {
        gen_error(v->c->file, v->c, a, "a %s argument cannot have arguments", type);
    }
    if (ext != NULL) load_arg_ext(v, a, ext);
}

static arg *find_sibling(arg *sibs, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(sibs[i].name, name) == 0) return &sibs[i];
    return NULL;
}

static void load_args(vctx *v, arg *parent, json_t *ja, arg **out, size_t *nout) {
    size_t n = json_array_size(ja);
    arg *args = gen_alloc(sizeof(arg) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        load_arg(v, parent, json_array_get(ja, i), &args[i], i);
        for (size_t k = 0; k < i; k++)
            if (strcmp(args[i].name, args[k].name) == 0)
                gen_error(v->c->file, v->c, &args[i], "duplicate argument name");
        args[i].in_oneof = parent != NULL && parent->type == RSDK_ARG_ONEOF;
    }
    /* Count links between siblings (rsdk count_of / same_count_as). */
    for (size_t i = 0; i < n; i++) {
        arg *a = &args[i];
        if (a->ext_count_of) {
            arg *t = find_sibling(args, n, a->ext_count_of);
            if (t == NULL)
                gen_error(v->c->file, v->c, a, "rsdk count_of names no sibling \"%s\"", a->ext_count_of);
            else if (!t->multiple)
                gen_error(v->c->file, v->c, a, "rsdk count_of target \"%s\" is not multiple", t->name);
            else if ((a->type != RSDK_ARG_INTEGER && a->type != RSDK_ARG_STRING) || a->optional ||
                     a->multiple || a->in_oneof)
                /* Module specs type some counts "string" (RediSearch's INKEYS
                 * count); the call fills them in either way. */
                gen_error(v->c->file, v->c, a, "rsdk count_of needs a required, single integer");
            else
                a->count_of = t;
        }
        if (a->ext_same_count_as) {
            arg *t = find_sibling(args, n, a->ext_same_count_as);
            if (t == NULL)
                gen_error(v->c->file, v->c, a, "rsdk same_count_as names no sibling \"%s\"",
                          a->ext_same_count_as);
            else if (!t->multiple || !a->multiple || t == a)
                gen_error(v->c->file, v->c, a, "rsdk same_count_as links two multiple arguments");
            else
                a->same_count_as = t;
        }
    }
    *out = args;
    *nout = n;
}

static bool known_cmd_flag(const char *s, uint64_t *bit) {
#define F(name, b)                                 \
    if (strcasecmp(s, #name) == 0) {               \
        *bit = (uint64_t)1 << (b);                 \
        return true;                               \
    }
    RSDK_CMD_FLAG_MAP(F)
#undef F
    return false;
}

static bool known_key_flag(const char *s) {
#define F(name, b) \
    if (strcmp(s, #name) == 0) return true;
    RSDK_KEY_FLAG_MAP(F)
#undef F
    return false;
}

/* An array of strings; calls `each` on every element. */
static void string_list(vctx *v, json_t *d, const char *k,
                        void (*each)(vctx *, const char *, const char *)) {
    json_t *x = json_object_get(d, k);
    if (x == NULL) return;
    if (!json_is_array(x)) {
        gen_error(v->c->file, v->c, NULL, "\"%s\" must be an array of strings", k);
        return;
    }
    size_t i;
    json_t *e;
    json_array_foreach(x, i, e) {
        if (!json_is_string(e))
            gen_error(v->c->file, v->c, NULL, "\"%s\" must be an array of strings", k);
        else if (each)
            each(v, k, json_string_value(e));
    }
}

static void each_flag(vctx *v, const char *k, const char *s) {
    uint64_t bit;
    if (!known_cmd_flag(s, &bit))
        gen_error(v->c->file, v->c, NULL, "unknown %s entry \"%s\"", k, s);
    else
        v->c->flags |= bit;
}

static void each_doc_flag(vctx *v, const char *k, const char *s) {
    if (strcmp(s, "DEPRECATED") == 0)
        v->c->flags |= RSDK_CMD(DEPRECATED);
    else if (strcmp(s, "SYSCMD") == 0)
        v->c->flags |= RSDK_CMD(SYSCMD);
    else
        gen_error(v->c->file, v->c, NULL, "unknown %s entry \"%s\"", k, s);
}

static bool is_int(json_t *o, const char *k) { return json_is_integer(json_object_get(o, k)); }

static void check_key_spec(vctx *v, size_t i, json_t *ks) {
    command *c = v->c;
    if (!json_is_object(ks)) {
        gen_error(c->file, c, NULL, "key_specs[%zu] must be an object", i);
        return;
    }
    json_t *fl = json_object_get(ks, "flags");
    size_t k;
    json_t *f;
    if (fl != NULL && !json_is_array(fl)) gen_error(c->file, c, NULL, "key_specs[%zu].flags must be an array", i);
    json_array_foreach(fl, k, f) {
        if (!json_is_string(f) || !known_key_flag(json_string_value(f)))
            gen_error(c->file, c, NULL, "key_specs[%zu]: unknown flag %s", i,
                      json_is_string(f) ? json_string_value(f) : "(not a string)");
    }
    json_t *bs = json_object_get(ks, "begin_search");
    json_t *fk = json_object_get(ks, "find_keys");
    if (!json_is_object(bs) || json_object_size(bs) != 1) {
        gen_error(c->file, c, NULL, "key_specs[%zu].begin_search needs exactly one of index, keyword, unknown", i);
    } else if (json_object_get(bs, "index")) {
        if (!is_int(json_object_get(bs, "index"), "pos"))
            gen_error(c->file, c, NULL, "key_specs[%zu].begin_search.index needs an integer pos", i);
    } else if (json_object_get(bs, "keyword")) {
        json_t *kw = json_object_get(bs, "keyword");
        if (!json_is_string(json_object_get(kw, "keyword")) || !is_int(kw, "startfrom"))
            gen_error(c->file, c, NULL, "key_specs[%zu].begin_search.keyword needs keyword and startfrom", i);
    } else if (!json_object_get(bs, "unknown")) {
        gen_error(c->file, c, NULL, "key_specs[%zu].begin_search: unknown kind", i);
    }
    if (!json_is_object(fk) || json_object_size(fk) != 1) {
        gen_error(c->file, c, NULL, "key_specs[%zu].find_keys needs exactly one of range, keynum, unknown", i);
    } else if (json_object_get(fk, "range")) {
        json_t *r = json_object_get(fk, "range");
        if (!is_int(r, "lastkey") || !is_int(r, "step") || !is_int(r, "limit"))
            gen_error(c->file, c, NULL, "key_specs[%zu].find_keys.range needs lastkey, step, limit", i);
    } else if (json_object_get(fk, "keynum")) {
        json_t *r = json_object_get(fk, "keynum");
        if (!is_int(r, "keynumidx") || !is_int(r, "firstkey") || !is_int(r, "step"))
            gen_error(c->file, c, NULL, "key_specs[%zu].find_keys.keynum needs keynumidx, firstkey, step", i);
    } else if (!json_object_get(fk, "unknown")) {
        gen_error(c->file, c, NULL, "key_specs[%zu].find_keys: unknown kind", i);
    }
}

/* A command-level fact from the spec, or from "rsdk" where the spec lacks it
 * (module specs); both at once is an error, since the extension only
 * completes. */
static json_t *completed(vctx *v, json_t *d, json_t *ext, const char *k) {
    json_t *up = json_object_get(d, k);
    json_t *own = json_is_object(ext) ? json_object_get(ext, k) : NULL;
    if (up != NULL && own != NULL)
        gen_error(v->c->file, v->c, NULL, "rsdk %s repeats the spec's %s (the extension only completes)",
                  k, k);
    return up != NULL ? up : own;
}

/* Words the required arguments make at the least (tokens included). */
static int min_words(const arg *a) {
    int t = a->token != NULL && a->type != RSDK_ARG_PURE_TOKEN ? 1 : 0;
    if (a->type == RSDK_ARG_PURE_TOKEN) return 1;
    if (a->type == RSDK_ARG_ONEOF) {
        int best = -1;
        for (size_t i = 0; i < a->nchildren; i++) {
            int w = min_words(&a->children[i]);
            if (best < 0 || w < best) best = w;
        }
        return t + (best < 0 ? 0 : best);
    }
    if (a->type == RSDK_ARG_BLOCK) {
        for (size_t i = 0; i < a->nchildren; i++)
            if (!a->children[i].optional) t += min_words(&a->children[i]);
        return t;
    }
    return t + 1;
}

static void key_positions(const command *c, const arg *args, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (args[i].type == RSDK_ARG_KEY && args[i].key_spec_index < 0)
            gen_error(c->file, c, &args[i],
                      "key argument without a key position (key_spec_index, or \"rsdk\": "
                      "{\"key_spec_index\": N} in a module spec)");
        key_positions(c, args[i].children, args[i].nchildren);
    }
}

/* A generated command's spec must be complete: its arity agrees with the
 * arguments it lists, and a module spec (which upstream leaves short)
 * states its arity, where its keys are and what it replies. */
static void check_complete(command *c, json_t *ext) {
    if (c->arity != 0) {
        int words = c->container ? 2 : 1;
        for (size_t i = 0; i < c->nargs; i++)
            if (!c->args[i].optional) words += min_words(&c->args[i]);
        if (c->arity > 0 && words > c->arity)
            gen_error(c->file, c, NULL, "arity %d, but the required arguments make %d words", c->arity,
                      words);
        else if (c->arity < 0 && words < -c->arity)
            gen_error(c->file, c, NULL, "arity %d asks for at least %d words, the required arguments make %d",
                      c->arity, -c->arity, words);
    }
    if (!c->module_layout) return;
    if (c->arity == 0)
        gen_error(c->file, c, NULL, "no arity (a module spec states it: \"rsdk\": {\"arity\": N})");
    key_positions(c, c->args, c->nargs);
    if (c->reply_schema == NULL && !(json_is_object(ext) && json_object_get(ext, "reply")))
        gen_error(c->file, c, NULL,
                  "no reply_schema (a module spec states its reply: \"rsdk\": {\"reply_schema\": "
                  "{...}} or {\"reply\": kind})");
}

static void check_command(module *m, command *c) {
    vctx v = {m, c, 0};
    int errors_before = gen_error_count();
    json_t *d = c->j;
    if (!json_is_object(d)) {
        gen_error(c->file, c, NULL, "the descriptor must be an object");
        return;
    }
    check_unknown_keys(&v, NULL, d, CMD_KEYS, "");
    c->group = opt_string(&v, NULL, d, "group");
    c->since = opt_string(&v, NULL, d, "since");
    c->complexity = opt_string(&v, NULL, d, "complexity");
    c->deprecated_since = opt_string(&v, NULL, d, "deprecated_since");
    if (c->group == NULL) gen_error(c->file, c, NULL, "missing \"group\"");
    if (c->since == NULL) gen_error(c->file, c, NULL, "missing \"since\"");
    else if (!is_version(c->since)) gen_error(c->file, c, NULL, "since \"%s\" is not a version like 1.2.3", c->since);
    if (c->deprecated_since && !is_version(c->deprecated_since))
        gen_error(c->file, c, NULL, "deprecated_since \"%s\" is not a version", c->deprecated_since);
    json_t *ext = json_object_get(d, "rsdk");
    json_t *ar = completed(&v, d, ext, "arity");
    if (ar != NULL && (!json_is_integer(ar) || json_integer_value(ar) == 0 ||
                       json_integer_value(ar) > 1000 || json_integer_value(ar) < -1000))
        gen_error(c->file, c, NULL, "arity must be a non-zero integer");
    else if (ar != NULL)
        c->arity = (int)json_integer_value(ar);
    if (opt_string(&v, NULL, d, "get_keys_function")) c->flags |= RSDK_CMD(GETKEYS_FUNCTION);
    /* module specs: the flags their server reports, in the extension */
    (void)completed(&v, d, ext, "command_flags"); /* reports both at once */
    string_list(&v, json_object_get(d, "command_flags") ? d : ext, "command_flags", each_flag);
    string_list(&v, d, "doc_flags", each_doc_flag);
    string_list(&v, d, "acl_categories", NULL);
    string_list(&v, d, "command_tips", NULL);
    json_t *ks = completed(&v, d, ext, "key_specs");
    if (ks != NULL && !json_is_array(ks)) gen_error(c->file, c, NULL, "\"key_specs\" must be an array");
    if (json_is_array(ks)) {
        c->key_specs = ks;
        v.nkey_specs = json_array_size(ks);
        for (size_t i = 0; i < v.nkey_specs; i++) check_key_spec(&v, i, json_array_get(ks, i));
    }
    json_t *rs = completed(&v, d, ext, "reply_schema");
    if (rs != NULL && !json_is_object(rs)) gen_error(c->file, c, NULL, "\"reply_schema\" must be an object");
    else c->reply_schema = rs;
    if (ext != NULL) {
        if (!json_is_object(ext)) {
            gen_error(c->file, c, NULL, "\"rsdk\" must be an object");
        } else {
            check_unknown_keys(&v, NULL, ext, RSDK_CMD_KEYS, "rsdk ");
            c->skip = opt_string(&v, NULL, ext, "skip");
            if (c->skip != NULL && c->skip[0] == '\0') gen_error(c->file, c, NULL, "rsdk skip needs a reason");
            const char *rk = opt_string(&v, NULL, ext, "reply");
            rsdk_result_kind known;
            if (rk != NULL && !gen_result_named(rk, &known))
                gen_error(c->file, c, NULL, "unknown rsdk reply kind \"%s\" (known: %s)", rk,
                          gen_result_names());
            const char *po = opt_string(&v, NULL, ext, "pairs_option");
            if (po != NULL && po[0] == '\0')
                gen_error(c->file, c, NULL, "rsdk pairs_option needs an argument name");
            json_t *ss = json_object_get(ext, "simple_string");
            if (ss != NULL && !json_is_boolean(ss))
                gen_error(c->file, c, NULL, "rsdk simple_string must be true or false");
            const char *glue = opt_string(&v, NULL, ext, "glue");
            if (glue != NULL && !is_c_ident(glue))
                gen_error(c->file, c, NULL, "rsdk glue \"%s\" is not a lower-case C identifier", glue);
            else if (glue != NULL && rk != NULL)
                gen_error(c->file, c, NULL, "rsdk glue and rsdk reply both name the result");
            const char *nm = opt_string(&v, NULL, ext, "name");
            if (nm != NULL && !is_c_ident(nm))
                gen_error(c->file, c, NULL, "rsdk name \"%s\" is not a lower-case C identifier", nm);
        }
    }
    json_t *args = json_object_get(d, "arguments");
    if (args != NULL && !json_is_array(args)) {
        gen_error(c->file, c, NULL, "\"arguments\" must be an array");
    } else if (args != NULL) {
        if (c->is_container && json_array_size(args) > 0)
            gen_error(c->file, c, NULL, "a container (it has subcommands) cannot take arguments");
        load_args(&v, NULL, args, &c->args, &c->nargs);
    }
    /* (not on top of other problems: one cause, one message) */
    if (c->skip == NULL && !c->is_container && gen_error_count() == errors_before) check_complete(c, ext);
}

bool gen_validate(module *m) {
    for (size_t i = 0; i < m->ncmds; i++) check_command(m, &m->cmds[i]);
    return gen_error_count() == 0;
}
