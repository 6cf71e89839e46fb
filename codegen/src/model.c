/* Pass 3: the C model. Names every function, type, field and constant,
 * checks that no two generated identifiers collide, and derives each
 * command's result kind (model_reply.c). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rsdkgen.h"

/* C and C++ keywords, plus the names generated code uses for its own
 * parameters and locals. An argument with one of these names gets a
 * trailing underscore ("default" -> default_). */
static const char *const RESERVED[] = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
    "case", "catch", "char", "char16_t", "char32_t", "char8_t", "class", "co_await", "co_return",
    "co_yield", "compl", "concept", "const", "const_cast", "consteval", "constexpr", "constinit",
    "continue", "decltype", "default", "delete", "do", "double", "dynamic_cast", "else", "enum",
    "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if", "inline",
    "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr",
    "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
    "requires", "restrict", "return", "short", "signed", "sizeof", "static", "static_assert",
    "static_cast", "struct", "switch", "template", "this", "thread_local", "throw", "true", "try",
    "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile",
    "wchar_t", "while", "xor", "xor_eq", "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex",
    "_Generic", "_Imaginary", "_Noreturn", "_Static_assert", "_Thread_local",
    /* generated code's own names */
    "a", "c", "p", "e", "k", "r", "st", "out", "opts", "err", "cb", "ud", "i0", "i1", "i2", "i3", "i4", "i5",
    "i6", "i7", "NULL", "errno", "kind", NULL};

static bool reserved(const char *s) {
    for (size_t i = 0; RESERVED[i]; i++)
        if (strcmp(RESERVED[i], s) == 0) return true;
    return false;
}

/* spec name -> identifier stem: '-' becomes '_' (rsdk name wins). Used as
 * is inside type names and enum constants, which carry the prefix. */
static const char *c_stem(const arg *a) {
    if (a->ext_name) return a->ext_name;
    char *s = gen_strdup(a->name);
    for (char *p = s; *p; p++)
        if (*p == '-') *p = '_';
    return s;
}

/* Field and parameter names: the stem, with '_' after reserved words. */
static const char *c_ident(const arg *a) {
    const char *s = c_stem(a);
    return reserved(s) ? gen_printf("%s_", s) : s;
}

/* ---- identifier registry ------------------------------------------------------- */

typedef struct ident {
    const char *name;
    const command *owner;
} ident;

static ident *idents;
static size_t nidents, capidents;

static void claim(const command *c, const char *name) {
    if (nidents == capidents) {
        capidents = capidents ? capidents * 2 : 4096;
        ident *n = gen_alloc(sizeof(ident) * capidents);
        if (nidents) memcpy(n, idents, sizeof(ident) * nidents);
        idents = n;
    }
    idents[nidents].name = name;
    idents[nidents].owner = c;
    nidents++;
}

static int by_ident(const void *a, const void *b) {
    const ident *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->owner->name, y->owner->name); /* stable messages */
}

static void check_idents(void) {
    qsort(idents, nidents, sizeof(ident), by_ident);
    const command *said_a = NULL, *said_b = NULL; /* one report per pair */
    for (size_t i = 1; i < nidents; i++) {
        if (strcmp(idents[i].name, idents[i - 1].name) != 0) continue;
        if (idents[i].owner == said_a && idents[i - 1].owner == said_b) continue;
        said_a = idents[i].owner;
        said_b = idents[i - 1].owner;
        gen_error(idents[i].owner->file, idents[i].owner, NULL,
                      "generated name %s collides with one from %s (%s); rename with \"rsdk\": "
                      "{\"name\" | \"type_name\"}",
                      idents[i].name, idents[i - 1].owner->file, idents[i - 1].owner->name);
    }
}

/* Field names within one struct or parameter list. */
typedef struct scope {
    const char *names[256];
    const arg *who[256];
    size_t n;
} scope;

static void scope_add(const command *c, scope *s, const arg *a, const char *name) {
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->names[i], name) == 0) {
            gen_error(c->file, c, a, "C name %s collides with argument %s; rename with \"rsdk\": {\"name\"}",
                      name, s->who[i]->name);
            return;
        }
    }
    if (s->n == 256) {
        gen_error(c->file, c, a, "more than 256 C names in one scope");
        return;
    }
    s->names[s->n] = name;
    s->who[s->n] = a;
    s->n++;
}

/* ---- arguments ------------------------------------------------------------------- */

bool gen_arg_is_stringish(const arg *a) {
    return a->as_string || a->type == RSDK_ARG_KEY || a->type == RSDK_ARG_STRING || a->type == RSDK_ARG_PATTERN;
}

static void model_args(module *m, command *c, arg *args, size_t n, const char *type_base,
                       const char *path_base, bool top);

/* The stem of a oneof or block's type name (the rsdk type_name wins). */
static const char *type_stem(const arg *a) {
    return a->ext_type_name ? a->ext_type_name : c_stem(a);
}

/* How many oneof and block arguments in the tree `args` have type stem `stem`. */
static size_t count_stem(const arg *args, size_t n, const char *stem) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const arg *a = &args[i];
        if ((a->type == RSDK_ARG_ONEOF || a->type == RSDK_ARG_BLOCK) && strcmp(type_stem(a), stem) == 0)
            k++;
        k += count_stem(a->children, a->nchildren, stem);
    }
    return k;
}

/* Names the C face of `a`: field/parameter, message path, and for oneof and
 * block the generated types. `type_base` is the type-name stem of its
 * enclosing struct, `path_base` the message path of its parent value. */
static void model_arg(module *m, command *c, arg *a, const char *type_base, const char *path_base,
                      scope *sc) {
    a->cname = c_ident(a);
    a->field = true;
    if (a->type == RSDK_ARG_PURE_TOKEN && !a->optional && !a->in_oneof) a->field = false;
    if (a->type == RSDK_ARG_PURE_TOKEN && a->in_oneof) a->field = false; /* the choice is the kind */
    if (a->count_of) a->field = false;
    a->path = path_base ? gen_printf("%s%s", path_base, a->cname) : a->cname;
    if (a->field) {
        scope_add(c, sc, a, a->cname);
        if (a->multiple) scope_add(c, sc, a, gen_printf("%s_count", a->cname));
        bool scalar = (a->type == RSDK_ARG_INTEGER || a->type == RSDK_ARG_UNIX_TIME ||
                       a->type == RSDK_ARG_DOUBLE) && !a->as_string;
        if (scalar && a->optional && !a->in_oneof && !a->multiple)
            scope_add(c, sc, a, gen_printf("has_%s", a->cname));
    }
    if (a->type != RSDK_ARG_ONEOF && a->type != RSDK_ARG_BLOCK) return;
    const char *stem = type_stem(a);
    /* Short names (docs/codegen.md, "Names"): <function>_<argument> when no
     * other oneof or block of the command has that stem; else the path
     * through the enclosing types. */
    bool shared = count_stem(c->args, c->nargs, stem) > 1;
    a->type_name = gen_printf("%s_%s", shared ? type_base : c->fname, stem);
    claim(c, a->type_name);
    char *upper = gen_upper(a->type_name);
    const char *child_path = gen_printf("%s%s", a->path, a->multiple ? "[]." : ".");
    if (a->type == RSDK_ARG_ONEOF) {
        a->enum_only = true;
        for (size_t i = 0; i < a->nchildren; i++)
            if (a->children[i].type != RSDK_ARG_PURE_TOKEN) a->enum_only = false;
        if (!a->enum_only) {
            a->kind_type = gen_printf("%s_kind", a->type_name);
            claim(c, a->kind_type);
        }
        a->unset_const = gen_printf("%s_UNSET", upper);
        claim(c, a->unset_const);
        for (size_t i = 0; i < a->nchildren; i++) {
            arg *ch = &a->children[i];
            ch->enum_const = gen_printf("%s_%s", upper, gen_upper(c_stem(ch)));
            claim(c, ch->enum_const);
        }
    }
    model_args(m, c, a->children, a->nchildren, a->type_name, child_path, false);
}

static void model_args(module *m, command *c, arg *args, size_t n, const char *type_base,
                       const char *path_base, bool top) {
    /* At the top, parameters and option fields share one scope, so a name
     * means the same argument in both. */
    scope *sc = gen_alloc(sizeof(scope));
    if (!top && n > 0 && args[0].parent && args[0].parent->type == RSDK_ARG_ONEOF &&
        !args[0].parent->enum_only) {
        static const arg kind_arg = {.name = "(kind)"};
        scope_add(c, sc, &kind_arg, "kind");
    }
    for (size_t i = 0; i < n; i++) model_arg(m, c, &args[i], type_base, path_base, sc);
}

/* ---- commands ------------------------------------------------------------------ */

bool gen_is_generated(const command *c) { return c->skip == NULL && !c->is_container; }

bool gen_module_has_glue(const module *m) {
    for (size_t i = 0; i < m->ncmds; i++)
        if (gen_is_generated(&m->cmds[i]) && m->cmds[i].glue_type) return true;
    return false;
}

const char *gen_glue_header(const module *m) { return gen_printf("rsdk/%s_types.h", m->name); }

static const char *function_name(const module *m, const command *c) {
    json_t *ext = json_object_get(c->j, "rsdk");
    const char *nm = json_string_value(json_object_get(ext, "name"));
    if (nm) return gen_printf("%s%s", m->prefix, nm);
    const char *full = c->name;
    for (size_t i = 0; i < m->nstrip; i++) {
        size_t n = strlen(m->strip[i]);
        if (strncasecmp(full, m->strip[i], n) == 0 && full[n] != '\0') {
            full += n;
            break;
        }
    }
    char *s = gen_lower(full);
    for (char *p = s; *p; p++) {
        if (*p == '.' || *p == '|' || *p == '-' || *p == ' ') *p = '_';
        else if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_') {
            gen_error(c->file, c, NULL, "command name has '%c', which has no C spelling; set "
                      "\"rsdk\": {\"name\"}", *p);
            break;
        }
    }
    return gen_printf("%s%s", m->prefix, s);
}

static void model_command(module *m, command *c) {
    c->fname = function_name(m, c);
    c->upper = gen_upper(c->fname);
    static const char *const SUFFIX[] = {"", "_encode", "_decode", "_queue", "_async", "_opts", NULL};
    for (size_t i = 0; SUFFIX[i]; i++) claim(c, gen_printf("%s%s", c->fname, SUFFIX[i]));
    model_args(m, c, c->args, c->nargs, c->fname, NULL, true);
    for (size_t i = 0; i < c->nargs; i++) {
        arg *a = &c->args[i];
        if (a->optional) c->has_opts = true;
        else if (a->field) c->nparams++;
    }
    gen_model_reply(m, c);
}

bool gen_model(module *m) {
    for (size_t i = 0; i < m->ncmds; i++)
        if (gen_is_generated(&m->cmds[i])) model_command(m, &m->cmds[i]);
    if (m->ncmds > 0) {
        claim(&m->cmds[0], gen_printf("%scommands", m->prefix));
        claim(&m->cmds[0], gen_printf("%scommands_count", m->prefix));
    }
    check_idents();
    /* A module type (rsdk glue) may not take a generated function's name
     * (TS.INFO's rts_info). */
    for (size_t i = 0; i < m->ncmds; i++) {
        const command *g = &m->cmds[i];
        if (!gen_is_generated(g) || g->glue_type == NULL) continue;
        for (size_t j = 0; j < m->ncmds; j++)
            if (gen_is_generated(&m->cmds[j]) && strcmp(m->cmds[j].fname, g->glue_type) == 0)
                gen_error(g->file, g, NULL, "rsdk glue type %s is the name of %s's function", g->glue_type,
                          m->cmds[j].name);
    }
    return gen_error_count() == 0;
}

/* One row per rsdk_result_kind, in its order. */
static const result_info RESULTS[] = {
    {"?", NULL, "?", "?", false, false},
    {"status", NULL, "none (the status reply is checked)", "RSDK_RESULT_STATUS", false, false},
    {"int", "int64_t", "`int64_t`", "RSDK_RESULT_INT", false, false},
    {"int_or_nil", "rsdk_int_or_nil", "`rsdk_int_or_nil`", "RSDK_RESULT_INT_OR_NIL", false, false},
    {"bool", "bool", "`bool`", "RSDK_RESULT_BOOL", false, false},
    {"double", "double", "`double`", "RSDK_RESULT_DOUBLE", false, false},
    {"double_or_nil", "rsdk_double_or_nil", "`rsdk_double_or_nil`", "RSDK_RESULT_DOUBLE_OR_NIL", false, false},
    {"string", "rsdk_string", "`rsdk_string` (may be nil)", "RSDK_RESULT_STRING", false, false},
    {"reply", "rsdk_reply", "`rsdk_reply` tree", "RSDK_RESULT_REPLY", false, true},
    {"strings", "rsdk_strings", "`rsdk_strings` (strings, each may be nil; `rsdk_strings_at`)",
     "RSDK_RESULT_STRINGS", true, true},
    {"pairs", "rsdk_pairs", "`rsdk_pairs` (field/value pairs; `rsdk_pairs_at`)", "RSDK_RESULT_PAIRS", true, true},
    {"scored", "rsdk_scored", "`rsdk_scored` (members with scores; `rsdk_scored_at`)",
     "RSDK_RESULT_SCORED", true, true},
    {"ints", "rsdk_ints", "`rsdk_ints` (integers, each may be nil; `rsdk_ints_at`)", "RSDK_RESULT_INTS", true, true},
    {"doubles", "rsdk_doubles", "`rsdk_doubles` (numbers, each may be nil; `rsdk_doubles_at`)",
     "RSDK_RESULT_DOUBLES", true, true},
    {"bools", "rsdk_bools", "`rsdk_bools` (booleans; `rsdk_bools_at`)", "RSDK_RESULT_BOOLS", true, true},
    {"scan_page", "rsdk_scan_page", "`rsdk_scan_page` (cursor and strings; `rsdk_scan_page_at`)",
     "RSDK_RESULT_SCAN_PAGE", true, true},
    {"rank", "rsdk_rank", "`rsdk_rank` (rank, nil, and the score with WITHSCORE)", "RSDK_RESULT_RANK", false, true},
    {"int_or_double", "rsdk_int_or_double", "`rsdk_int_or_double` (an integer, or a number, or nil)",
     "RSDK_RESULT_INT_OR_DOUBLE", false, true},
    {"stream_entries", "rsdk_stream_entries",
     "`rsdk_stream_entries` (stream entries: id and field/value pairs; `rsdk_stream_entries_at`)",
     "RSDK_RESULT_STREAM_ENTRIES", true, true},
    {"streams", "rsdk_streams", "`rsdk_streams` (stream -> entries; `rsdk_streams_at`)", "RSDK_RESULT_STREAMS",
     true, true},
    {"geo", "rsdk_geo", "`rsdk_geo` (members with optional distance, hash, position; `rsdk_geo_at`)",
     "RSDK_RESULT_GEO", true, true},
    {"pending", "rsdk_pending",
     "`rsdk_pending` (a summary with consumers, or pending entries; `rsdk_pending_consumer_at`, "
     "`rsdk_pending_entry_at`)",
     "RSDK_RESULT_PENDING", true, true},
    /* rsdk glue: a type of the module's own; its reader and _deinit are
     * hand-written in the module (named after the type) */
    {"module", NULL, "a type of the module's own", "RSDK_RESULT_MODULE", false, true},
};

const result_info *gen_result_info(rsdk_result_kind k) {
    size_t i = (size_t)k < sizeof RESULTS / sizeof RESULTS[0] ? (size_t)k : 0;
    return &RESULTS[i];
}

bool gen_result_named(const char *name, rsdk_result_kind *out) {
    for (size_t i = 1; i < sizeof RESULTS / sizeof RESULTS[0]; i++)
        if ((rsdk_result_kind)i != RSDK_RESULT_MODULE) /* by rsdk glue only */
        if (strcmp(RESULTS[i].kind, name) == 0) {
            *out = (rsdk_result_kind)i;
            return true;
        }
    return false;
}

const char *gen_result_names(void) {
    sb b = {0};
    for (size_t i = 1; i < sizeof RESULTS / sizeof RESULTS[0]; i++)
        if ((rsdk_result_kind)i != RSDK_RESULT_MODULE) sb_printf(&b, "%s%s", i > 1 ? ", " : "", RESULTS[i].kind);
    char *r = gen_strdup(b.data);
    sb_free(&b);
    return r;
}

bool gen_result_is_tree(rsdk_result_kind k) { return gen_result_info(k)->tree; }

const char *gen_result_out_type(rsdk_result_kind k, bool decode) {
    if (k == RSDK_RESULT_STATUS) return NULL;
    if (k == RSDK_RESULT_REPLY) return decode ? "const rsdk_reply **" : "rsdk_reply **";
    return gen_printf("%s *", gen_result_info(k)->ctype);
}
