/* Emits the module's public header: per command its argument types, the
 * options struct, the four prototypes and the string-accepting macros. */
#include <string.h>

#include "rsdkgen.h"

static const char *result_text(rsdk_result_kind k) {
    const result_info *ri = gen_result_info(k);
    if (k == RSDK_RESULT_REPLY) return "rsdk_reply tree";
    if (ri->view) return gen_printf("%s (a view into the reply, rsdk/typed.h)", ri->ctype);
    return ri->ctype ? ri->ctype : ri->text;
}

#define WIDTH 100

/* `text` broken at spaces into lines no wider than WIDTH: the first starts
 * with `indent` + `first`, the others with `indent` + `rest` (a word longer
 * than a line stays whole). */
static void wrap_text(sb *b, const char *indent, const char *first, const char *rest,
                      const char *text) {
    const char *p = text;
    const char *lead = first;
    while (*p) {
        size_t room = WIDTH - strlen(indent) - strlen(lead), n = strlen(p);
        if (n > room) {
            size_t cut = room;
            while (cut > 0 && p[cut] != ' ') cut--;
            if (cut == 0) cut = strcspn(p, " ");
            n = cut;
        }
        sb_printf(b, "%s%s%.*s\n", indent, lead, (int)n, p);
        lead = rest;
        p += n;
        while (*p == ' ') p++;
    }
}

/* `text` as a C comment no wider than WIDTH. */
static void comment_block(sb *b, const char *indent, const char *text) {
    if (strlen(indent) + strlen(text) + 6 <= WIDTH) {
        sb_printf(b, "%s/* %s */\n", indent, text);
        return;
    }
    wrap_text(b, indent, "/* ", " * ", text);
    sb_printf(b, "%s */\n", indent);
}

/* One declaration line with its comment after it, or, when that is wider
 * than WIDTH, the comment on lines of its own above it. */
static void commented(sb *b, const char *indent, const char *code, const char *comment) {
    if (comment == NULL) {
        sb_printf(b, "%s%s\n", indent, code);
        return;
    }
    if (strlen(indent) + strlen(code) + strlen(comment) + 7 <= WIDTH) {
        sb_printf(b, "%s%s /* %s */\n", indent, code, comment);
        return;
    }
    comment_block(b, indent, comment);
    sb_printf(b, "%s%s\n", indent, code);
}

static const char *field_comment(const arg *a) {
    const char *syn = gen_comment_text(gen_arg_syntax(a), 64);
    if (a->since == NULL && strcmp(syn, a->name) == 0) return NULL; /* says nothing new */
    return a->since ? gen_printf("%s (%s)", syn, a->since) : syn;
}

static void emit_field(sb *b, const arg *a) {
    if (!a->field) return;
    const char *t = gen_elem_type(a);
    bool scalar = (a->type == RSDK_ARG_INTEGER || a->type == RSDK_ARG_UNIX_TIME ||
                   a->type == RSDK_ARG_DOUBLE) && !a->as_string;
    if (a->multiple) {
        commented(b, "    ", gen_printf("const %s *%s;", t, a->cname), field_comment(a));
        sb_printf(b, "    size_t %s_count;\n", a->cname);
        return;
    }
    if (scalar && a->optional && !a->in_oneof) sb_printf(b, "    bool has_%s;\n", a->cname);
    if (a->type == RSDK_ARG_BLOCK && a->optional && !a->in_oneof) /* NULL: left out */
        commented(b, "    ", gen_printf("const %s *%s;", t, a->cname), field_comment(a));
    else
        commented(b, "    ", gen_printf("%s %s;", t, a->cname), field_comment(a));
}

static void emit_types(sb *b, const arg *a) {
    for (size_t i = 0; i < a->nchildren; i++) emit_types(b, &a->children[i]);
    if (a->type == RSDK_ARG_ONEOF) {
        const char *ename = a->enum_only ? a->type_name : a->kind_type;
        sb_printf(b, "typedef enum %s {\n", ename);
        commented(b, "    ", gen_printf("%s = 0,", a->unset_const),
                  a->optional || a->in_oneof ? "left out" : "not chosen: rejected");
        for (size_t i = 0; i < a->nchildren; i++) {
            const arg *ch = &a->children[i];
            commented(b, "    ", gen_printf("%s,", ch->enum_const),
                      gen_comment_text(gen_arg_syntax(ch), 64));
        }
        sb_printf(b, "} %s;\n\n", ename);
        if (a->enum_only) return;
        sb_printf(b, "typedef struct %s {\n", a->type_name);
        commented(b, "    ", gen_printf("%s kind;", a->kind_type), "which value below is sent");
        for (size_t i = 0; i < a->nchildren; i++) emit_field(b, &a->children[i]);
        sb_printf(b, "} %s;\n\n", a->type_name);
    } else if (a->type == RSDK_ARG_BLOCK) {
        sb_printf(b, "typedef struct %s {\n", a->type_name);
        bool any = false;
        for (size_t i = 0; i < a->nchildren; i++) {
            emit_field(b, &a->children[i]);
            any = any || a->children[i].field;
        }
        if (!any) sb_put(b, "    char unused_; /* the block is tokens only */\n");
        sb_printf(b, "} %s;\n\n", a->type_name);
    }
}

void gen_emit_arg_types(sb *b, const command *c) {
    for (size_t i = 0; i < c->nargs; i++) emit_types(b, &c->args[i]);
    if (c->has_opts) {
        sb_printf(b, "/* Optional arguments of %s; pass NULL (or zeros) for none. */\n", c->name);
        sb_printf(b, "typedef struct %s_opts {\n", c->fname);
        for (size_t i = 0; i < c->nargs; i++)
            if (c->args[i].optional) emit_field(b, &c->args[i]);
        sb_printf(b, "} %s_opts;\n\n", c->fname);
    }
}

/* Required string parameters become RSDK_S(x) in the macro form. */
static void emit_macro(sb *b, const command *c, const char *fn, const char *first,
                       bool more_after) {
    size_t last = (size_t)-1;
    for (size_t i = 0; i < c->nargs; i++) {
        const arg *a = &c->args[i];
        if (!a->optional && a->field && !a->multiple && gen_arg_is_stringish(a)) last = i;
    }
    if (last == (size_t)-1) return;
    sb ps = {0}, call = {0};
    sb_printf(&ps, "%s", first);
    sb_printf(&call, "(%s)", first);
    bool after = more_after;
    for (size_t i = 0; i < c->nargs; i++) {
        const arg *a = &c->args[i];
        if (a->optional || !a->field) continue;
        if (i > last) {
            after = true;
            break;
        }
        if (a->multiple) {
            sb_printf(&ps, ", %s, %s_count", a->cname, a->cname);
            sb_printf(&call, ", (%s), (%s_count)", a->cname, a->cname);
        } else if (gen_arg_is_stringish(a)) {
            sb_printf(&ps, ", %s", a->cname);
            sb_printf(&call, ", RSDK_S(%s)", a->cname);
        } else {
            sb_printf(&ps, ", %s", a->cname);
            sb_printf(&call, ", (%s)", a->cname);
        }
    }
    if (after) {
        sb_put(&ps, ", ...");
        sb_put(&call, ", __VA_ARGS__");
    }
    const char *head = gen_printf("#define %s(%s)", fn, ps.data);
    const char *fnp = gen_printf("(%s)", fn);
    if (strlen(head) + 1 + strlen(fnp) + strlen(call.data) + 2 <= WIDTH) {
        sb_printf(b, "%s %s(%s)\n", head, fnp, call.data);
    } else {
        /* the body on continuation lines, broken after commas */
        const char *w = gen_wrap(fnp, gen_printf("(%s)", call.data), "", WIDTH - 6);
        sb_printf(b, "%s \\\n    ", head);
        for (const char *p = w; *p; p++) {
            if (*p == '\n') sb_put(b, " \\\n    ");
            else sb_putn(b, p, 1);
        }
        sb_put(b, "\n");
    }
    sb_free(&ps);
    sb_free(&call);
}

static void emit_command(sb *b, const module *m, const command *c) {
    sb_printf(b, "/* ---- %s ", c->name);
    for (size_t n = strlen(c->name); n < 70; n++) sb_put(b, "-");
    sb_put(b, "\n");
    wrap_text(b, "", " * ", " *   ", gen_comment_text(gen_syntax(c), 600));
    sb info = {0};
    sb_printf(&info, "Group %s, since %s.", c->group, c->since);
    if (c->deprecated_since) sb_printf(&info, " Deprecated since %s.", c->deprecated_since);
    else if (c->flags & RSDK_CMD(DEPRECATED)) sb_put(&info, " Deprecated.");
    sb_printf(&info, " Result: %s%s.",
              c->glue_type ? gen_printf("%s (%s)", c->glue_type, gen_glue_header(m)) : result_text(c->result),
              c->shapes.root || c->pairs.root ? ", RESP2 replies brought to the RESP3 form" : "");
    if (c->pairs.root)
        sb_printf(&info, " With %s: an array of [a, b] pairs on both protocols.", gen_pairs_path(c));
    sb_printf(&info, " Replies accepted: %s%s.", gen_accept_text(c),
              (c->accept & A_ANY) ? " (the schema is free-form)" : "");
    wrap_text(b, "", " * ", " * ", info.data);
    sb_free(&info);
    wrap_text(b, "", " * ", " * ", gen_printf("generated from %s */", gen_comment_text(c->file, 400)));
    sb_put(b, "\n");
    gen_emit_arg_types(b, c);
    const char *dep = (c->flags & RSDK_CMD(DEPRECATED)) ? gen_printf("%sDEPRECATED ", m->upper_prefix) : "";
    for (int w = PROTO_ENCODE; w <= PROTO_ASYNC; w++)
        sb_printf(b, "%s\n", gen_wrap(gen_printf("RSDK_API %s", dep), gen_proto(m, c, w), ";", WIDTH));
    sb_put(b, "#ifdef ");
    sb_printf(b, "%sSTRING_MACROS\n", m->upper_prefix);
    size_t mark = b->len;
    emit_macro(b, c, gen_printf("%s_encode", c->fname), "out", true);
    emit_macro(b, c, c->fname, "c", c->has_opts || c->result != RSDK_RESULT_STATUS);
    emit_macro(b, c, gen_printf("%s_queue", c->fname), "p", true);
    emit_macro(b, c, gen_printf("%s_async", c->fname), "a", true);
    if (b->len == mark) {
        /* No string parameters: drop the empty #ifdef. */
        b->len -= strlen("#ifdef ") + strlen(m->upper_prefix) + strlen("STRING_MACROS\n");
        b->data[b->len] = '\0';
    } else {
        sb_put(b, "#endif\n");
    }
    sb_put(b, "\n");
}

const char *gen_base_header(const module *m) { return gen_printf("%s/base.h", m->group_dir); }

const char *gen_group_header(const module *m, const char *group) {
    char *g = gen_lower(group);
    for (char *p = g; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) *p = '_';
    return gen_printf("%s/%s.h", m->group_dir, g);
}

const char *gen_command_header(const module *m, const command *c) {
    return m->ngroups ? gen_group_header(m, c->group) : m->header_path;
}

bool gen_check_groups(const module *m) {
    bool ok = true;
    for (size_t i = 0; i < m->ngroups; i++) {
        bool used = false;
        for (size_t k = 0; k < m->ncmds && !used; k++)
            used = gen_is_generated(&m->cmds[k]) && strcmp(m->cmds[k].group, m->groups[i]) == 0;
        if (!used) {
            fprintf(stderr, "rsdkgen: --group %s: no generated command is in that group\n", m->groups[i]);
            ok = false;
        }
        if (strcmp(gen_group_header(m, m->groups[i]), gen_base_header(m)) == 0 ||
            (i > 0 && strcmp(gen_group_header(m, m->groups[i]), gen_group_header(m, m->groups[i - 1])) == 0)) {
            fprintf(stderr, "rsdkgen: --group %s: its header name is taken\n", m->groups[i]);
            ok = false;
        }
    }
    for (size_t k = 0; m->ngroups && k < m->ncmds; k++) {
        const command *c = &m->cmds[k];
        bool listed = false;
        for (size_t i = 0; i < m->ngroups && !listed; i++) listed = strcmp(c->group, m->groups[i]) == 0;
        if (gen_is_generated(c) && !listed) {
            gen_error(c->file, c, NULL, "group %s has no header: add it to the module's groups", c->group);
            ok = false;
        }
    }
    return ok;
}

static char *guard_name(const char *path) {
    char *g = gen_upper(path);
    for (char *p = g; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) *p = '_';
    return g;
}

/* The big comment at the top of the module's (umbrella) header. */
static void emit_intro(sb *b, const module *m) {
    const char *U = m->upper_prefix;
    sb_printf(b,
              "/* %s — typed bindings for the %s commands.\n"
              " * generated from %s by rsdkgen — do not edit.\n"
              " *\n"
              " * Every command X gets four functions (docs/codegen.md has the details):\n"
              " *   %sX_encode(out, args..., [opts], err)  appends the RESP command to `out`;\n"
              " *   %sX_decode(reply, [result], err)       reads a reply into the typed result;\n"
              " *   %sX(c, args..., [opts], [result])       sends on a client and waits;\n"
              " *   %sX_queue(p, args..., [opts], err)      queues on a pipeline or transaction;\n"
              " *   %sX_async(a, args..., [opts], cb, ud)   queues on an async client; `cb` gets the\n"
              " *                                          decoded result (rsdk/async_typed.h).\n"
              " * Required arguments are parameters; optional ones sit in an X_opts struct\n"
              " * (NULL or zeros: none). All return rsdk_status (RSDK_OK = 0). A bad\n"
              " * argument (NULL data with a non-zero length, an empty required array, a\n"
              " * choice left unset, mismatched counts) gives RSDK_ERR_INVALID_ARG naming\n"
              " * the argument, and nothing is encoded or sent. Errors go to `err` (may be\n"
              " * NULL) or, for sync calls, to rsdk_client_error(c). Results are written\n"
              " * only on success; an rsdk_string or rsdk_reply * from a sync call is the\n"
              " * caller's (rsdk_string_deinit / rsdk_reply_free), from a decoder it\n"
              " * borrows the reply. Arguments are borrowed for the call only. The\n"
              " * functions keep no state: thread-safety is that of the client, pipeline\n"
              " * or buffer passed in.\n"
              " *\n"
              " * In C, required string parameters take rsdk_str or a C string through\n"
              " * macros of the same names (define %sNO_MACROS to turn them off; C++\n"
              " * calls the functions with rsdk_str). Wrap a compound literal given to a\n"
              " * macro parameter in parentheses.",
              m->header_path, m->name, m->spec_label, m->prefix, m->prefix, m->prefix, m->prefix,
              m->prefix, U);
    if (m->ngroups > 0) {
        sb_printf(b, "\n *\n * The commands are declared one header per command group, %s/<group>.h\n"
                     " * (%s/string.h, ...); this header includes them all.",
                  m->group_dir, m->group_dir);
    }
    sb_put(b, " */\n");
}

/* The typed callback of each module result type the commands return
 * (rsdk/async_typed.h has the rules), once per type, in command order. */
static void emit_glue_callbacks(sb *b, const module *m) {
    const char **seen = gen_alloc(sizeof(char *) * (m->ncmds + 1));
    size_t n = 0;
    for (size_t i = 0; i < m->ncmds; i++) {
        const command *c = &m->cmds[i];
        if (!gen_is_generated(c) || c->glue_type == NULL) continue;
        bool dup = false;
        for (size_t k = 0; k < n && !dup; k++) dup = strcmp(seen[k], c->glue_type) == 0;
        if (dup) continue;
        seen[n++] = c->glue_type;
        const char *t = c->glue_type;
        sb_printf(b, "/* Typed callback of the _async calls that answer %s (rsdk/async_typed.h):\n"
                     " * the value owns its reply during the callback, as a sync call's does. */\n", t);
        sb_printf(b, "typedef void (*%s_async_cb)(rsdk_async *a, rsdk_status st, %s *v,\n", t, t);
        sb_printf(b, "%*sconst rsdk_error *err, void *ud);\n", (int)strlen(t) + 26, "");
    }
    if (n > 0) sb_put(b, "\n");
}

/* Includes, the macro switches and the metadata table: once per module. */
static void emit_common(sb *b, const module *m) {
    const char *U = m->upper_prefix;
    sb_printf(b,
              "#include \"rsdk/buf.h\"\n#include \"rsdk/client.h\"\n#include \"rsdk/command_meta.h\"\n"
              "#include \"rsdk/common.h\"\n#include \"rsdk/error.h\"\n#include \"rsdk/reply.h\"\n"
              "#include \"rsdk/typed.h\"\n#include \"rsdk/async_typed.h\"\n\n"
              "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
              "#if !defined(__cplusplus) && !defined(%sNO_MACROS)\n#define %sSTRING_MACROS 1\n#endif\n\n"
              "/* Deprecated commands warn only when RSDK_WARN_DEPRECATED is defined. */\n"
              "#if defined(RSDK_WARN_DEPRECATED) && (defined(__GNUC__) || defined(__clang__))\n"
              "#define %sDEPRECATED __attribute__((deprecated))\n#else\n#define %sDEPRECATED\n#endif\n\n"
              "/* Metadata of every generated command, sorted by name (rsdk/command_meta.h). */\n"
              "RSDK_API extern const rsdk_command_meta %scommands[];\n"
              "RSDK_API extern const size_t %scommands_count;\n\n",
              U, U, U, U, m->prefix, m->prefix);
    if (gen_module_has_glue(m)) {
        sb_printf(b, "/* The module's own result types (TS samples, ...) and their readers. */\n"
                     "#include \"%s\"\n\n", gen_glue_header(m));
        emit_glue_callbacks(b, m);
    }
}

/* The commands of `group` (NULL: all), in name order. */
static void emit_commands(sb *b, const module *m, const char *group) {
    for (size_t i = 0; i < m->ncmds; i++) {
        const command *c = &m->cmds[i];
        if (gen_is_generated(c) && (group == NULL || strcmp(c->group, group) == 0))
            emit_command(b, m, c);
    }
}

static const char *const CXX_OPEN = "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
static const char *const CXX_CLOSE = "#ifdef __cplusplus\n}\n#endif\n";

bool gen_emit_header(const module *m, sb *b) {
    const char *g = guard_name(m->header_path);
    emit_intro(b, m);
    sb_printf(b, "#ifndef %s\n#define %s\n\n", g, g);
    if (m->ngroups == 0) {
        emit_common(b, m);
        emit_commands(b, m, NULL);
        sb_printf(b, "%s#endif\n", CXX_CLOSE);
        return true;
    }
    sb_printf(b, "#include \"%s\"\n", gen_base_header(m));
    for (size_t i = 0; i < m->ngroups; i++) sb_printf(b, "#include \"%s\"\n", gen_group_header(m, m->groups[i]));
    sb_put(b, "\n#endif\n");
    return true;
}

bool gen_emit_base_header(const module *m, sb *b) {
    const char *path = gen_base_header(m), *g = guard_name(path);
    wrap_text(b, "", "/* ", " * ",
              gen_printf("%s: what the %s/<group>.h headers share, generated from %s by rsdkgen "
                         "(do not edit). Include %s, which documents the API. */",
                         path, m->group_dir, m->spec_label, m->header_path));
    sb_printf(b, "#ifndef %s\n#define %s\n\n", g, g);
    emit_common(b, m);
    sb_printf(b, "%s#endif\n", CXX_CLOSE);
    return true;
}

bool gen_emit_group_header(const module *m, const char *group, sb *b) {
    const char *path = gen_group_header(m, group), *g = guard_name(path);
    wrap_text(b, "", "/* ", " * ",
              gen_printf("%s: the %s commands of %s, generated from %s by rsdkgen (do not edit). "
                         "Include %s, which documents the API. */",
                         path, group, m->name, m->spec_label, m->header_path));
    sb_printf(b, "#ifndef %s\n#define %s\n\n#include \"%s\"\n\n%s", g, g, gen_base_header(m), CXX_OPEN);
    emit_commands(b, m, group);
    sb_printf(b, "%s#endif\n", CXX_CLOSE);
    return true;
}
