/* gen_minimal_calls: emits, for every generated command of a module, a C
 * function that fills the command's *required* arguments with values asked
 * from the test's value rules (minimal.h: mc_str, mc_int, mc_choice, ...)
 * and passes them to the generated typed functions: the encoder when given
 * a buffer, the sync call when given a client.
 *
 * It reads the generator's own model (//codegen:rsdkgen_passes), so C names
 * of parameters, struct fields, enum constants and option structs are the
 * ones the header has, without re-deriving them.
 *
 *   gen_minimal_calls --module core --prefix rcore_ --header rsdk/core.h
 *                     [--strip TS.]... --include tests/commands/minimal.h --out F SPEC.json...
 */
#include <stdlib.h>
#include <string.h>

#include "rsdkgen.h"

typedef struct ectx {
    sb *b;        /* statements */
    sb *decls;    /* temporary arrays, declared at function scope: a pointer
                   * to one outlives the switch that filled it */
    unsigned tmp; /* next temporary array name t<N> */
} ectx;

static void ind(sb *b, int n) {
    for (int i = 0; i < n; i++) sb_put(b, "    ");
}

static const char *type_const(rsdk_arg_type t) {
    switch (t) {
    case RSDK_ARG_KEY: return "RSDK_ARG_KEY";
    case RSDK_ARG_STRING: return "RSDK_ARG_STRING";
    case RSDK_ARG_PATTERN: return "RSDK_ARG_PATTERN";
    case RSDK_ARG_INTEGER: return "RSDK_ARG_INTEGER";
    case RSDK_ARG_DOUBLE: return "RSDK_ARG_DOUBLE";
    case RSDK_ARG_UNIX_TIME: return "RSDK_ARG_UNIX_TIME";
    case RSDK_ARG_PURE_TOKEN: return "RSDK_ARG_PURE_TOKEN";
    case RSDK_ARG_ONEOF: return "RSDK_ARG_ONEOF";
    case RSDK_ARG_BLOCK: return "RSDK_ARG_BLOCK";
    }
    return "0";
}

static void fill(ectx *w, const arg *a, const char *lv, const char *path, int n);

/* A required field or parameter `a` at lvalue `lv` (its element when not
 * multiple; an array of one element when multiple). */
static void fill_field(ectx *w, const arg *a, const char *lv, const char *path, int n) {
    if (!a->multiple) {
        fill(w, a, lv, path, n);
        return;
    }
    unsigned t = w->tmp++;
    const char *et = gen_elem_type(a);
    sb_printf(w->decls, "    %s t%u[1];\n", et, t);
    ind(w->b, n);
    sb_printf(w->b, "memset(t%u, 0, sizeof t%u);\n", t, t);
    fill(w, a, gen_printf("t%u[0]", t), path, n);
    ind(w->b, n);
    sb_printf(w->b, "%s = t%u;\n", lv, t);
    ind(w->b, n);
    sb_printf(w->b, "%s_count = 1;\n", lv);
}

/* Fills one value of `a` (its element type) at `lv`. */
static void fill(ectx *w, const arg *a, const char *lv, const char *path, int n) {
    const char *lit = gen_c_literal(path);
    if (a->as_string || a->type == RSDK_ARG_KEY || a->type == RSDK_ARG_STRING ||
        a->type == RSDK_ARG_PATTERN) {
        ind(w->b, n);
        sb_printf(w->b, "%s = mc_str(v, %s, %s);\n", lv, lit, type_const(a->type));
        return;
    }
    switch (a->type) {
    case RSDK_ARG_INTEGER:
    case RSDK_ARG_UNIX_TIME:
        ind(w->b, n);
        sb_printf(w->b, "%s = mc_%s(v, %s, %s);\n", lv,
                  a->uint64 ? "uint" : a->as_double ? "dbl" : "int", lit, type_const(a->type));
        return;
    case RSDK_ARG_DOUBLE:
        ind(w->b, n);
        sb_printf(w->b, "%s = mc_dbl(v, %s, %s);\n", lv, lit, type_const(a->type));
        return;
    case RSDK_ARG_PURE_TOKEN: return; /* no value: its presence is the field */
    case RSDK_ARG_BLOCK:
        for (size_t i = 0; i < a->nchildren; i++) {
            const arg *ch = &a->children[i];
            if (!ch->field || ch->optional) continue;
            fill_field(w, ch, gen_printf("%s.%s", lv, ch->cname), gen_printf("%s.%s", path, ch->name), n);
        }
        return;
    case RSDK_ARG_ONEOF:
        ind(w->b, n);
        sb_printf(w->b, "switch (mc_choice(v, %s)) {\n", lit);
        for (size_t i = 0; i < a->nchildren; i++) {
            const arg *ch = &a->children[i];
            ind(w->b, n);
            sb_printf(w->b, "case %zu:\n", i);
            ind(w->b, n + 1);
            if (a->enum_only) {
                sb_printf(w->b, "%s = %s;\n", lv, ch->enum_const);
            } else {
                sb_printf(w->b, "%s.kind = %s;\n", lv, ch->enum_const);
                if (ch->field)
                    fill_field(w, ch, gen_printf("%s.%s", lv, ch->cname),
                               gen_printf("%s.%s", path, ch->name), n + 1);
            }
            ind(w->b, n + 1);
            sb_put(w->b, "break;\n");
        }
        ind(w->b, n);
        sb_put(w->b, "default:\n");
        ind(w->b, n + 1);
        sb_put(w->b, "break; /* left unset: the encoder must refuse it */\n");
        ind(w->b, n);
        sb_put(w->b, "}\n");
        return;
    default: return;
    }
}

static const char *out_decl(const command *c) {
    rsdk_result_kind k = c->result;
    /* a module's own type (rsdk glue): zeroed, released with its _deinit */
    if (c->glue_type) return gen_printf("%s o;\n    memset(&o, 0, sizeof o);", c->glue_type);
    switch (k) {
    case RSDK_RESULT_STATUS: return NULL;
    case RSDK_RESULT_INT: return "int64_t o = 0;";
    case RSDK_RESULT_INT_OR_NIL: return "rsdk_int_or_nil o = {0, false};";
    case RSDK_RESULT_BOOL: return "bool o = false;";
    case RSDK_RESULT_DOUBLE: return "double o = 0;";
    case RSDK_RESULT_DOUBLE_OR_NIL: return "rsdk_double_or_nil o = {0, false};";
    case RSDK_RESULT_STRING: return "rsdk_string o = {NULL, 0, true, NULL};";
    case RSDK_RESULT_REPLY: return "rsdk_reply *o = NULL;";
    default: break;
    }
    const result_info *ri = gen_result_info(k);
    return ri->ctype ? gen_printf("%s o;\n    memset(&o, 0, sizeof o);", ri->ctype) : NULL;
}

static void emit_command(ectx *w, const command *c) {
    sb *file = w->b;
    sb body = {0}, decls = {0};
    sb_put(&body, "");
    sb_put(&decls, "");
    sb *b = &body;
    w->b = &body;
    w->decls = &decls;
    w->tmp = 0;
    /* Parameters, in the order gen_params lists them. */
    sb args = {0};
    sb_put(&args, "");
    for (size_t i = 0; i < c->nargs; i++) {
        const arg *a = &c->args[i];
        if (a->optional || !a->field) continue;
        const char *et = gen_elem_type(a);
        const char *var = gen_printf("a_%s", a->cname);
        if (a->multiple) {
            sb_printf(b, "    %s %s[1];\n", et, var);
            sb_printf(b, "    memset(%s, 0, sizeof %s);\n", var, var);
            fill(w, a, gen_printf("%s[0]", var), a->name, 1);
            sb_printf(&args, ", %s, 1", var);
        } else {
            sb_printf(b, "    %s %s;\n", et, var);
            sb_printf(b, "    memset(&%s, 0, sizeof %s);\n", var, var);
            fill(w, a, var, a->name, 1);
            sb_printf(&args, ", %s", var);
        }
    }
    const char *opts = c->has_opts ? ", NULL" : "";
    sb_printf(b, "    if (c == NULL) return %s_encode(out%s%s, err);\n", c->fname, args.data, opts);
    sb_put(b, "    (void)out;\n    (void)err;\n");
    const char *decl = out_decl(c);
    if (decl == NULL) {
        sb_printf(b, "    return %s(c%s%s);\n", c->fname, args.data, opts);
    } else {
        sb_printf(b, "    %s\n", decl);
        sb_printf(b, "    rsdk_status st = %s(c%s%s, &o);\n", c->fname, args.data, opts);
        if (c->result == RSDK_RESULT_STRING) sb_put(b, "    if (st == RSDK_OK) rsdk_string_deinit(&o);\n");
        else if (c->result == RSDK_RESULT_REPLY) sb_put(b, "    if (st == RSDK_OK) rsdk_reply_free(o);\n");
        else if (c->glue_type) sb_printf(b, "    if (st == RSDK_OK) %s_deinit(&o);\n", c->glue_type);
        else if (gen_result_info(c->result)->view)
            sb_printf(b, "    if (st == RSDK_OK) %s_deinit(&o);\n", gen_result_info(c->result)->ctype);
        else sb_put(b, "    (void)o;\n");
        sb_put(b, "    return st;\n");
    }
    sb_put(b, "}\n\n");
    sb_printf(file, "/* %s */\n", gen_comment_text(gen_syntax(c), 300));
    sb_printf(file, "static rsdk_status mc_call_%s(mc_ctx *v, rsdk_buf *out, rsdk_client *c, "
                    "rsdk_error *err) {\n", c->fname);
    sb_put(file, "    (void)v;\n");
    sb_put(file, decls.data);
    sb_put(file, body.data);
    w->b = file;
    sb_free(&args);
    sb_free(&body);
    sb_free(&decls);
}

int main(int argc, char **argv) {
    module m = {0};
    const char *out = NULL, *include = "minimal.h";
    char **files = calloc((size_t)argc, sizeof(char *));
    size_t nfiles = 0;
    const char *strip[8];
    size_t nstrip = 0;
    if (files == NULL) return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            files[nfiles++] = argv[i];
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "gen_minimal_calls: %s needs a value\n", a);
            return 1;
        }
        const char *val = argv[++i];
        if (strcmp(a, "--module") == 0) m.name = val;
        else if (strcmp(a, "--prefix") == 0) m.prefix = val;
        else if (strcmp(a, "--header") == 0) m.header_path = val;
        else if (strcmp(a, "--out") == 0) out = val;
        else if (strcmp(a, "--include") == 0) include = val;
        else if (strcmp(a, "--strip") == 0 && nstrip < 8) strip[nstrip++] = val;
        else {
            fprintf(stderr, "gen_minimal_calls: unknown option %s\n", a);
            return 1;
        }
    }
    if (m.name == NULL || m.prefix == NULL || m.header_path == NULL || out == NULL || nfiles == 0) {
        fputs("usage: gen_minimal_calls --module M --prefix P_ --header rsdk/M.h [--include H] --out F SPEC...\n",
              stderr);
        return 1;
    }
    m.upper_prefix = gen_upper(m.prefix);
    m.strip = strip;
    m.nstrip = nstrip;
    m.spec_label = "specs";
    if (!(gen_load(&m, files, nfiles) && gen_validate(&m) && gen_model(&m))) return 1;

    sb b = {0};
    ectx w = {&b, NULL, 0};
    sb_printf(&b,
              "/* generated by tests/commands/gen_minimal_calls from the %s specs — do not edit.\n"
              " * One function per command: its required arguments filled by the value\n"
              " * rules of minimal.h, then the generated encoder (out) or sync call (c). */\n"
              "#define %sNO_MACROS 1\n"
              "#include <string.h>\n\n"
              "#include \"%s\"\n"
              "#include \"%s\"\n\n",
              m.name, m.upper_prefix, m.header_path, include);
    size_t count = 0;
    for (size_t i = 0; i < m.ncmds; i++) {
        if (!gen_is_generated(&m.cmds[i])) continue;
        emit_command(&w, &m.cmds[i]);
        count++;
    }
    sb_put(&b, "const mc_binding mc_bindings[] = {\n");
    for (size_t i = 0; i < m.ncmds; i++) {
        const command *c = &m.cmds[i];
        if (!gen_is_generated(c)) continue;
        sb_printf(&b, "    {%s, mc_call_%s},\n", gen_c_literal(c->name), c->fname);
    }
    sb_printf(&b, "};\nconst size_t mc_bindings_count = %zu;\n\n", count);
    size_t containers = 0, skipped = 0;
    sb_put(&b, "const mc_skipped mc_skipped_specs[] = {\n");
    for (size_t i = 0; i < m.ncmds; i++) {
        const command *c = &m.cmds[i];
        if (c->is_container) containers++;
        else if (c->skip) {
            skipped++;
            sb_printf(&b, "    {%s, %s},\n", gen_c_literal(c->name), gen_c_literal(c->skip));
        }
    }
    sb_printf(&b, "    {NULL, NULL},\n};\nconst size_t mc_specs_total = %zu;\n", m.ncmds);
    sb_printf(&b, "const size_t mc_specs_containers = %zu;\n", containers);
    bool ok = sb_write_file(&b, out);
    sb_free(&b);
    for (size_t i = 0; i < m.nroots; i++) json_decref(m.roots[i]);
    free(files);
    gen_arena_free();
    return ok ? 0 : 1;
}
