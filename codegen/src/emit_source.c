/* Emits the command sources: per command a static argument walk (run twice:
 * count and check, then write), the encoder, the typed decoder, the sync
 * call and the queue wrapper, plus the reply-shape tables when the reply
 * needs RESP2 normalisation (and, where an option changes the reply's
 * layout, the function that picks the table for a call's options). */
#include <string.h>

#include "rsdkgen.h"

typedef struct wctx {
    sb *b;
    const command *c;
    int depth; /* loop nesting: index variable i<depth> */
} wctx;

static void ind(wctx *w, int n) {
    for (int i = 0; i < n; i++) sb_put(w->b, "    ");
}

static const char *fld(const char *base, const char *sep, const char *name) {
    return base[0] ? gen_printf("%s%s%s", base, sep, name) : name;
}

static void tok(wctx *w, int n, const char *t) {
    /* The spec writes an empty argument (MIGRATE's key slot) as the token "" */
    if (strcmp(t, "\"\"") == 0) t = "";
    /* A token with spaces is several words (RediSearch's "LOAD *"). */
    const char *sp = strchr(t, ' ');
    while (sp != NULL) {
        if (sp > t) {
            ind(w, n);
            const char *word = gen_printf("%.*s", (int)(sp - t), t);
            sb_printf(w->b, "rsdk_gen_tok(e, %s, %zu);\n", gen_c_literal(word), strlen(word));
        }
        t = sp + 1;
        sp = strchr(t, ' ');
    }
    ind(w, n);
    sb_printf(w->b, "rsdk_gen_tok(e, %s, %zu);\n", gen_c_literal(t), strlen(t));
}

/* Count expression of sibling `s` seen from scope (base, sep). At the top,
 * optional siblings live in opts, which may be NULL outside the opts
 * blocks. */
static const char *count_expr(const arg *s, const char *base, const char *sep) {
    if (s->parent == NULL && s->optional)
        return gen_printf("(opts != NULL ? opts->%s_count : 0)", s->cname);
    if (s->parent == NULL) return gen_printf("%s_count", s->cname);
    return gen_printf("%s_count", fld(base, sep, s->cname));
}

static void emit_arg(wctx *w, const arg *a, const char *base, const char *sep, int n);

/* One present value of `a` whose C expression is `acc` (`ptr`: a pointer
 * to a block). */
static void emit_value(wctx *w, const arg *a, const char *acc, bool ptr, bool elem,
                       bool skip_unset, int n) {
    const char *lit = gen_c_literal(elem ? gen_printf("%s[]", a->path) : a->path);
    if (a->as_string) {
        ind(w, n);
        sb_printf(w->b, "rsdk_gen_str(e, %s, %s);\n", acc, lit);
        return;
    }
    switch (a->type) {
    case RSDK_ARG_KEY:
    case RSDK_ARG_STRING:
    case RSDK_ARG_PATTERN:
        ind(w, n);
        sb_printf(w->b, "rsdk_gen_str(e, %s, %s);\n", acc, lit);
        break;
    case RSDK_ARG_INTEGER:
    case RSDK_ARG_UNIX_TIME:
        ind(w, n);
        sb_printf(w->b, "rsdk_gen_%s(e, %s);\n", a->uint64 ? "uint" : a->as_double ? "double" : "int", acc);
        break;
    case RSDK_ARG_DOUBLE:
        ind(w, n);
        if (a->finite || a->not_nan)
            sb_printf(w->b, "rsdk_gen_double_checked(e, %s, %s, %s);\n", acc, a->finite ? "false" : "true", lit);
        else
            sb_printf(w->b, "rsdk_gen_double(e, %s);\n", acc);
        break;
    case RSDK_ARG_PURE_TOKEN: tok(w, n, a->token); break;
    case RSDK_ARG_BLOCK:
        for (size_t i = 0; i < a->nchildren; i++) emit_arg(w, &a->children[i], acc, ptr ? "->" : ".", n);
        break;
    case RSDK_ARG_ONEOF: {
        const char *sel = a->enum_only ? acc : gen_printf("%s.kind", acc);
        ind(w, n);
        sb_printf(w->b, "switch (%s) {\n", sel);
        if (skip_unset) {
            ind(w, n);
            sb_printf(w->b, "case %s:\n", a->unset_const);
            ind(w, n + 1);
            sb_put(w->b, "break; /* left out */\n");
        }
        for (size_t i = 0; i < a->nchildren; i++) {
            const arg *ch = &a->children[i];
            ind(w, n);
            sb_printf(w->b, "case %s:\n", ch->enum_const);
            emit_arg(w, ch, acc, ".", n + 1);
            ind(w, n + 1);
            sb_put(w->b, "break;\n");
        }
        ind(w, n);
        sb_printf(w->b, "default:\n");
        ind(w, n + 1);
        sb_printf(w->b, "rsdk_gen_bad(e, %s, \"no valid choice\");\n", lit);
        ind(w, n + 1);
        sb_put(w->b, "break;\n");
        ind(w, n);
        sb_put(w->b, "}\n");
        break;
    }
    }
}

static void emit_arg(wctx *w, const arg *a, const char *base, const char *sep, int n) {
    const char *acc = fld(base, sep, a->cname);
    const char *lit = gen_c_literal(a->path);
    bool present = !a->optional || a->in_oneof; /* a chosen alternative is present */
    if (a->count_of && a->count_args) {
        /* The count is how many arguments the sibling sends (PARAMS'
         * name/value pairs, RETURN's "field AS name"): a counting walk of
         * the sibling alone, which writes nothing. */
        if (a->token) tok(w, n, a->token);
        ind(w, n);
        sb_put(w->b, "{\n");
        ind(w, n + 1);
        sb_put(w->b, "rsdk_gen_enc counter;\n");
        ind(w, n + 1);
        sb_put(w->b, "rsdk_gen_enc_counter(&counter, e);\n");
        ind(w, n + 1);
        sb_put(w->b, "{\n");
        ind(w, n + 2);
        sb_put(w->b, "rsdk_gen_enc *const e = &counter; /* shadows the real encoder */\n");
        emit_arg(w, a->count_of, base, sep, n + 2);
        ind(w, n + 1);
        sb_put(w->b, "}\n");
        ind(w, n + 1);
        sb_printf(w->b, "rsdk_gen_count(e, counter.argc, %s);\n", lit);
        ind(w, n);
        sb_put(w->b, "}\n");
        return;
    }
    if (a->count_of) {
        if (a->token) tok(w, n, a->token);
        ind(w, n);
        sb_printf(w->b, "rsdk_gen_count(e, %s, %s);\n", count_expr(a->count_of, base, sep), lit);
        return;
    }
    if (a->type == RSDK_ARG_PURE_TOKEN) {
        if (present) {
            tok(w, n, a->token);
        } else if (strchr(a->token, ' ') != NULL) { /* several words: a block */
            ind(w, n);
            sb_printf(w->b, "if (%s) {\n", acc);
            tok(w, n + 1, a->token);
            ind(w, n);
            sb_put(w->b, "}\n");
        } else {
            ind(w, n);
            sb_printf(w->b, "if (%s) ", acc);
            tok(w, 0, a->token);
        }
        return;
    }
    if (a->multiple) {
        if (a->same_count_as) {
            ind(w, n);
            sb_printf(w->b, "rsdk_gen_same_count(e, %s_count, %s, %s, %s, %s);\n", acc,
                      count_expr(a->same_count_as, base, sep), present ? "false" : "true", lit,
                      gen_c_literal(a->same_count_as->path));
        }
        ind(w, n);
        sb_printf(w->b, "if (rsdk_gen_array(e, %s, %s_count, %s, %s)) {\n", acc, acc,
                  present ? "true" : "false", lit);
        if (a->token && !a->multiple_token) tok(w, n + 1, a->token);
        const char *iv = gen_printf("i%d", w->depth);
        ind(w, n + 1);
        sb_printf(w->b, "for (size_t %s = 0; %s < %s_count; %s++) {\n", iv, iv, acc, iv);
        if (a->multiple_token) tok(w, n + 2, a->token);
        w->depth++;
        emit_value(w, a, gen_printf("%s[%s]", acc, iv), false, true, false, n + 2);
        w->depth--;
        ind(w, n + 1);
        sb_put(w->b, "}\n");
        ind(w, n);
        sb_put(w->b, "}\n");
        return;
    }
    if (present) {
        if (a->token) tok(w, n, a->token);
        emit_value(w, a, acc, false, false, false, n);
        return;
    }
    if (a->type == RSDK_ARG_ONEOF && a->token == NULL) {
        /* Optional choice without a token: "left out" is a case of its own. */
        emit_value(w, a, acc, false, false, true, n);
        return;
    }
    const char *cond = "";
    switch (a->as_string ? RSDK_ARG_STRING : a->type) {
    case RSDK_ARG_KEY:
    case RSDK_ARG_STRING:
    case RSDK_ARG_PATTERN: cond = gen_printf("%s.ptr != NULL", acc); break;
    case RSDK_ARG_INTEGER:
    case RSDK_ARG_UNIX_TIME:
    case RSDK_ARG_DOUBLE: cond = fld(base, sep, gen_printf("has_%s", a->cname)); break;
    case RSDK_ARG_ONEOF:
        cond = gen_printf("%s%s != %s", acc, a->enum_only ? "" : ".kind", a->unset_const);
        break;
    case RSDK_ARG_BLOCK: cond = gen_printf("%s != NULL", acc); break;
    case RSDK_ARG_PURE_TOKEN: break;
    }
    ind(w, n);
    sb_printf(w->b, "if (%s) {\n", cond);
    if (a->token) tok(w, n + 1, a->token);
    emit_value(w, a, acc, a->type == RSDK_ARG_BLOCK, false, false, n + 1);
    ind(w, n);
    sb_put(w->b, "}\n");
}

static void emit_walk(wctx *w, const command *c) {
    const char *params = gen_params(c, true);
    const char *proto = gen_printf("%s_walk(rsdk_gen_enc *e%s%s%s)", c->fname, params[0] ? ", " : "",
                                   params, c->has_opts ? gen_printf(", const %s_opts *opts", c->fname) : "");
    sb_printf(w->b, "%s\n", gen_wrap("static void ", proto, " {", 100));
    if (c->container) tok(w, 1, c->container);
    tok(w, 1, c->container ? gen_upper(c->key) : c->name);
    bool in_opts = false;
    for (size_t i = 0; i < c->nargs; i++) {
        const arg *a = &c->args[i];
        if (a->optional && !in_opts) {
            sb_put(w->b, "    if (opts != NULL) {\n");
            in_opts = true;
        } else if (!a->optional && in_opts) {
            sb_put(w->b, "    }\n");
            in_opts = false;
        }
        emit_arg(w, a, a->optional ? "opts" : "", a->optional ? "->" : "", in_opts ? 2 : 1);
    }
    if (in_opts) sb_put(w->b, "    }\n");
    sb_put(w->b, "}\n\n");
}

static const char *const SHAPE_NAMES[] = {"RSDK_SHAPE_ANY",   "RSDK_SHAPE_DOUBLE", "RSDK_SHAPE_BOOL",
                                          "RSDK_SHAPE_MAP",   "RSDK_SHAPE_ARRAY",  "RSDK_SHAPE_TUPLE",
                                          "RSDK_SHAPE_PAIRS"};

/* One shape table, `name` (its MAP key lists are `name`_keys<i>). */
static void emit_table(sb *b, const shape_table *t, const char *name, const char *comment) {
    for (unsigned i = 1; i < t->n; i++) {
        const shape *s = t->list[i];
        if (s->kind != SK_MAP || s->n == 0 || (i != 1 && s == t->root)) continue;
        sb_printf(b, "static const char *const %s_keys%u[] = {", name, i);
        for (size_t k = 0; k < s->n; k++) sb_printf(b, "%s%s", k ? ", " : "", gen_c_literal(s->keys[k]));
        sb_put(b, "};\n");
    }
    sb_printf(b, "/* %s (rsdk/reply_shape.h). */\n", comment);
    sb_printf(b, "static const rsdk_shape %s[] = {\n    {RSDK_SHAPE_ANY, 0, 0, 0, NULL},\n", name);
    for (unsigned i = 1; i < t->n; i++) {
        const shape *s = t->list[i];
        unsigned keys_at = s == t->root ? 1 : i;
        const char *keys = (s->kind == SK_MAP && s->n > 0) ? gen_printf("%s_keys%u", name, keys_at) : "NULL";
        unsigned count = (s->kind == SK_MAP || s->kind == SK_TUPLE) ? (unsigned)s->n : 0;
        sb_printf(b, "    {%s, %u, %u, %u, %s},\n", SHAPE_NAMES[s->kind], count, s->first,
                  s->other_index, keys);
    }
    sb_put(b, "};\n\n");
}

/* The presence test of optional argument `a` reached as `base` `sep`. */
static const char *present_expr(const arg *a, const char *base, const char *sep) {
    const char *acc = fld(base, sep, a->cname);
    switch (a->as_string ? RSDK_ARG_STRING : a->type) {
    case RSDK_ARG_KEY:
    case RSDK_ARG_STRING:
    case RSDK_ARG_PATTERN: return gen_printf("%s.ptr != NULL", acc);
    case RSDK_ARG_INTEGER:
    case RSDK_ARG_UNIX_TIME:
    case RSDK_ARG_DOUBLE: return fld(base, sep, gen_printf("has_%s", a->cname));
    case RSDK_ARG_ONEOF: return gen_printf("%s%s != %s", acc, a->enum_only ? "" : ".kind", a->unset_const);
    case RSDK_ARG_BLOCK: return gen_printf("%s != NULL", acc);
    case RSDK_ARG_PURE_TOKEN: return acc;
    }
    return "false";
}

/* Reply tables, and with pairs_option the function that picks the table
 * for the options of a call. Returns the table expressions for the decoder
 * and for the calls (sync and queue). */
static void emit_forms(sb *b, const command *c, const char **decode_table, const char **call_table) {
    const char *plain = gen_printf("%s_shape", c->fname);
    *decode_table = c->shapes.root ? plain : "NULL";
    *call_table = *decode_table;
    if (c->shapes.root) emit_table(b, &c->shapes, plain, "RESP3 form of the reply");
    if (!c->pairs.root) return;
    const char *pairs = gen_printf("%s_pairs_shape", c->fname);
    const char *path = gen_pairs_path(c);
    emit_table(b, &c->pairs, pairs,
               gen_printf("RESP3 form of the reply with %s: pairs, which RESP2 sends flat", path));
    sb b2 = {0};
    sb_put(&b2, "opts != NULL");
    const char *base = "opts", *sep = "->";
    for (size_t i = 0; i < c->npairs_when; i++) {
        const arg *a = c->pairs_when[i];
        if (a->optional) sb_printf(&b2, " && %s", present_expr(a, base, sep));
        base = fld(base, sep, a->cname);
        sep = a->optional ? "->" : ".";
    }
    sb_printf(b, "/* The form of the reply depends on %s. */\n", path);
    sb_printf(b, "static const rsdk_shape *%s_form(const %s_opts *opts) {\n", c->fname, c->fname);
    sb_printf(b, "    bool pairs = %s;\n", b2.data);
    sb_printf(b, "    return pairs ? %s : %s;\n}\n\n", pairs, *decode_table);
    sb_free(&b2);
    *call_table = gen_printf("%s_form(opts)", c->fname);
}

/* The reply types the decoder accepts (rsdk_gen_expect in rsdk/gen.h). */
static void emit_expect(sb *b, const command *c) {
    const char *types = gen_accept_types(c);
    sb_printf(b, "/* %s replies with: %s (RESP3 types; their RESP2 forms too). */\n", c->name,
              gen_accept_text(c));
    sb_printf(b, "static const rsdk_gen_expect %s_expect = {\n", c->fname);
    sb_printf(b, "    .command = %s,\n    .types = ", gen_c_literal(c->name));
    /* one line while it fits, then continuation lines */
    size_t col = 13;
    for (const char *p = types; *p;) {
        const char *bar = strstr(p, " | ");
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (p != types) {
            bool wrap = col + 3 + n > 100;
            sb_put(b, wrap ? " |\n            " : " | ");
            col = wrap ? 12 : col + 3;
        }
        sb_putn(b, p, n);
        col += n;
        p = bar ? bar + 3 : p + n;
    }
    sb_printf(b, ",\n    .expected = %s,\n", gen_c_literal(gen_accept_text(c)));
    if (c->status_text != NULL) sb_printf(b, "    .status = %s,\n", gen_c_literal(c->status_text));
    if (c->view_form) {
        static const char *const FORMS[] = {"RSDK_GEN_KEYED", "RSDK_GEN_KEYED_ONE", "RSDK_GEN_ONE_PAIR",
                                            "RSDK_GEN_NEXT", "RSDK_GEN_POSITIONS"};
        sb_put(b, "    .form = ");
        for (unsigned i = 0, n = 0; i < sizeof FORMS / sizeof FORMS[0]; i++)
            if (c->view_form & (1u << i)) sb_printf(b, "%s%s", n++ ? " | " : "", FORMS[i]);
        sb_put(b, ",\n");
    }
    sb_put(b, "};\n\n");
}

/* rsdk glue: the tree in its RESP3 form, read by the module's own
 * <type>_read into <type> (hand-written glue; <type>_deinit releases it and
 * its owner). The decoder borrows; the sync call hands the reply over. */
static void emit_glue_decode(sb *b, const command *c, const char *x, const char *table) {
    const char *t = c->glue_type;
    sb_printf(b, "    const rsdk_reply *t = NULL;\n    %s v;\n", t);
    sb_printf(b, "    rsdk_status st = rsdk_gen_decode_reply(r, %s, %s, &t, err);\n", x, table);
    sb_printf(b, "    if (st == RSDK_OK) st = %s_read(t, &v, err);\n", t);
    sb_printf(b, "    if (st != RSDK_OK) return st;\n");
    sb_printf(b, "    if (out != NULL) *out = v;\n    else %s_deinit(&v);\n    return RSDK_OK;\n}\n\n", t);
}

/* The rest of a glue sync call, after the reply `r` arrived. */
static void emit_glue_take(sb *b, const command *c, const char *x, const char *call_table) {
    const char *t = c->glue_type;
    sb_printf(b, "    rsdk_reply *t = NULL;\n    st = rsdk_gen_take_reply(c, r, %s, %s, &t);\n", x, call_table);
    sb_put(b, "    if (st != RSDK_OK) return st;\n");
    sb_printf(b, "    %s v;\n    rsdk_error e;\n    st = %s_read(t, &v, &e);\n", t, t);
    sb_put(b, "    if (st != RSDK_OK) {\n        rsdk_reply_free(t);\n        return rsdk_client_set_error(c, &e);\n    }\n");
    sb_printf(b, "    v.owner = t;\n    if (out != NULL) *out = v;\n    else %s_deinit(&v);\n    return RSDK_OK;\n}\n\n", t);
}

/* The completion of a command whose result is a module type (rsdk glue):
 * the module's reader between the tree steps (rsdk/gen_async.h); the value
 * owns the tree during the callback, as a sync call's does. */
static void emit_glue_async_done(sb *b, const command *c, const char *name) {
    const char *t = c->glue_type;
    const char *proto = gen_printf("%s(rsdk_async *a, rsdk_reply *r, const rsdk_error *err, "
                                   "const rsdk_async_call *call)", name);
    sb_printf(b, "%s\n", gen_wrap("static void ", proto, " {", 100));
    sb_printf(b, "    if (call->fn == NULL) return;\n    rsdk_gen_async_tree t;\n    %s v;\n", t);
    sb_put(b, "    memset(&v, 0, sizeof v);\n");
    sb_put(b, "    rsdk_status st = rsdk_gen_async_tree_open(&t, r, err, call->decode_arg);\n");
    sb_printf(b, "    if (st == RSDK_OK) st = %s_read(t.tree, &v, &t.err);\n", t);
    sb_put(b, "    if (st == RSDK_OK) v.owner = t.tree;\n    else memset(&v, 0, sizeof v);\n");
    sb_printf(b, "    ((%s_async_cb)call->fn)(a, st, &v, st == RSDK_OK ? NULL : &t.err, call->ud);\n", t);
    sb_put(b, "    bool kept = st == RSDK_OK && v.owner == NULL; /* moved out by the callback */\n");
    sb_printf(b, "    if (st == RSDK_OK && !kept) {\n        v.owner = NULL;\n        %s_deinit(&v);\n    }\n", t);
    sb_put(b, "    rsdk_gen_async_tree_close(&t, a, kept);\n}\n\n");
}

/* The _async call: one encode into the call's buffer, one hand-over to the
 * client with the completion of the result kind and what it decodes with
 * (the table that matches the call's options). */
static void emit_async(sb *b, const module *m, const command *c, const char *x, const char *table,
                       const char *pn, const char *on) {
    const char *arg = gen_printf("%s_async_arg", c->fname);
    const char *pairs_arg = gen_printf("%s_async_pairs_arg", c->fname);
    bool pairs = c->pairs.root != NULL && gen_result_is_tree(c->result);
    sb_printf(b, "static const rsdk_gen_async_arg %s = {%s, %s};\n", arg, x, table);
    if (pairs)
        sb_printf(b, "static const rsdk_gen_async_arg %s = {%s, %s_pairs_shape};\n", pairs_arg, x, c->fname);
    sb_put(b, "\n");
    const char *done = gen_printf("rsdk_gen_async_%s", gen_result_info(c->result)->kind);
    if (c->glue_type) {
        done = gen_printf("%s_async_done", c->fname);
        emit_glue_async_done(b, c, done);
    }
    sb_printf(b, "%s\n", gen_wrap("RSDK_API ", gen_proto(m, c, PROTO_ASYNC), " {", 100));
    sb_printf(b, "    rsdk_gen_async k;\n");
    if (pairs) {
        sb_printf(b, "    const rsdk_gen_async_arg *arg = &%s;\n", arg);
        sb_printf(b, "    if (%s_form(opts) == %s_pairs_shape) arg = &%s;\n", c->fname, c->fname, pairs_arg);
        arg = "arg";
    } else {
        arg = gen_printf("&%s", arg);
    }
    sb_printf(b, "    rsdk_status st = %s_encode(rsdk_gen_async_begin(&k, a)%s%s, &k.err);\n", c->fname, pn, on);
    const char *flags = (c->flags & RSDK_CMD(READONLY)) ? "RSDK_ASYNC_READONLY" : "0";
    sb_printf(b, "%s\n", gen_wrap("    return ", gen_printf("rsdk_gen_async_end(&k, st, %s, %s, (rsdk_async_typed_fn)cb, "
                                                         "ud, %s)", done, arg, flags), ";", 100));
    sb_put(b, "}\n\n");
}

/* The parameter holding the command's one key when that key is the
 * argument right after the name (one key spec: index 1, range of one, a
 * real key), else NULL: its _queue call hands the key to the pipeline, so
 * a cluster's pipeline routes it without reading the bytes back. */
static const char *queue_key(const command *c) {
    if (c->container || c->nargs == 0 || json_array_size(c->key_specs) != 1) return NULL;
    const arg *a = &c->args[0];
    if (a->type != RSDK_ARG_KEY || a->optional || a->multiple || a->token || !a->field || a->key_spec_index != 0)
        return NULL;
    json_t *k = json_array_get(c->key_specs, 0), *flags = json_object_get(k, "flags"), *f;
    json_t *idx = json_object_get(json_object_get(k, "begin_search"), "index");
    json_t *rg = json_object_get(json_object_get(k, "find_keys"), "range");
    if (!idx || !rg || json_integer_value(json_object_get(idx, "pos")) != 1 ||
        json_integer_value(json_object_get(rg, "lastkey")) != 0)
        return NULL;
    size_t i;
    json_array_foreach(flags, i, f) if (strcmp(json_string_value(f), "NOT_KEY") == 0) return NULL;
    return a->cname;
}

static void emit_command(sb *b, const module *m, const command *c) {
    wctx w = {b, c, 0};
    sb_printf(b, "/* ---- %s (generated from %s) */\n\n", c->name, gen_comment_text(c->file, 400));
    emit_walk(&w, c);
    const char *names = gen_params(c, false);
    const char *pn = names[0] ? gen_printf(", %s", names) : "";
    const char *on = c->has_opts ? ", opts" : "";
    const char *lit = gen_c_literal(c->name);
    /* encoder */
    sb_printf(b, "%s\n", gen_wrap("RSDK_API ", gen_proto(m, c, PROTO_ENCODE), " {", 100));
    sb_printf(b, "    rsdk_gen_enc e;\n    rsdk_gen_enc_init(&e, out, err, %s);\n", lit);
    sb_printf(b, "    %s_walk(&e%s%s);\n", c->fname, pn, on);
    sb_printf(b, "    if (rsdk_gen_enc_write(&e)) %s_walk(&e%s%s);\n", c->fname, pn, on);
    sb_put(b, "    return rsdk_gen_enc_finish(&e);\n}\n\n");
    /* decoder */
    const char *table = "NULL", *call_table = "NULL";
    if (gen_result_is_tree(c->result)) emit_forms(b, c, &table, &call_table);
    const char *x = gen_printf("&%s_expect", c->fname);
    emit_expect(b, c);
    const char *ks = gen_result_info(c->result)->kind;
    bool tree = gen_result_is_tree(c->result);
    sb_printf(b, "%s\n", gen_wrap("RSDK_API ", gen_proto(m, c, PROTO_DECODE), " {", 100));
    if (c->glue_type)
        emit_glue_decode(b, c, x, table);
    else if (c->result == RSDK_RESULT_STATUS)
        sb_printf(b, "    return rsdk_gen_decode_status(r, %s, err);\n}\n\n", x);
    else if (tree)
        sb_printf(b, "    return rsdk_gen_decode_%s(r, %s, %s, out, err);\n}\n\n", ks, x, table);
    else
        sb_printf(b, "    return rsdk_gen_decode_%s(r, %s, out, err);\n}\n\n", ks, x);
    /* sync call */
    sb_printf(b, "%s\n", gen_wrap("RSDK_API ", gen_proto(m, c, PROTO_SYNC), " {", 100));
    sb_printf(b, "    rsdk_gen_call k;\n    rsdk_gen_call_init(&k, c);\n    rsdk_reply *r = NULL;\n");
    sb_printf(b, "    rsdk_status st = rsdk_gen_call_run(&k, %s_encode(&k.buf%s%s, &k.err), &r);\n",
              c->fname, pn, on);
    sb_put(b, "    if (st != RSDK_OK) return st;\n");
    if (c->glue_type)
        emit_glue_take(b, c, x, call_table);
    else if (c->result == RSDK_RESULT_STATUS)
        sb_printf(b, "    return rsdk_gen_take_status(c, r, %s);\n}\n\n", x);
    else if (tree)
        sb_printf(b, "    return rsdk_gen_take_%s(c, r, %s, %s, out);\n}\n\n", ks, x, call_table);
    else
        sb_printf(b, "    return rsdk_gen_take_%s(c, r, %s, out);\n}\n\n", ks, x);
    /* queue */
    sb_printf(b, "%s\n", gen_wrap("RSDK_API ", gen_proto(m, c, PROTO_QUEUE), " {", 100));
    sb_printf(b, "    rsdk_status st = %s_encode(rsdk_gen_queue_buf(p)%s%s, err);\n", c->fname, pn, on);
    const char *qkey = queue_key(c);
    if (qkey)
        sb_printf(b, "%s\n}\n\n",
                  gen_wrap("    return ", gen_printf("rsdk_gen_queue_done_key(p, st, err, %s, %zu, %s, %s)", lit,
                                                     strlen(c->name), call_table, qkey), ";", 100));
    else if (strcmp(call_table, "NULL") != 0)
        sb_printf(b, "    return rsdk_gen_queue_done_shaped(p, st, err, %s, %s);\n}\n\n", lit, call_table);
    else
        sb_printf(b, "    return rsdk_gen_queue_done(p, st, err, %s);\n}\n\n", lit);
    emit_async(b, m, c, x, table, pn, on);
}

bool gen_emit_sources(const module *m, size_t shard, size_t nshards, sb *b) {
    size_t ngen = 0;
    for (size_t i = 0; i < m->ncmds; i++) ngen += gen_is_generated(&m->cmds[i]);
    size_t per = (ngen + nshards - 1) / nshards;
    size_t lo = shard * per, hi = lo + per;
    sb_printf(b, "/* generated from %s by rsdkgen — do not edit.\n * Part %zu of %zu of the %s bindings. */\n",
              m->spec_label, shard + 1, nshards, m->name);
    sb_printf(b, "#define %sNO_MACROS 1\n#include <string.h>\n\n#include \"%s\"\n#include \"rsdk/gen.h\"\n"
                 "#include \"rsdk/gen_async.h\"\n\n", m->upper_prefix, m->header_path);
    size_t at = 0;
    for (size_t i = 0; i < m->ncmds; i++) {
        const command *c = &m->cmds[i];
        if (!gen_is_generated(c)) continue;
        if (at >= lo && at < hi) emit_command(b, m, c);
        at++;
    }
    if (lo >= ngen) sb_put(b, "/* (no commands in this part) */\ntypedef int rsdk_empty_part;\n");
    return true;
}
