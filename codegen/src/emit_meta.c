/* Emits the metadata table (rsdk/command_meta.h): per command its argument
 * tree, key specs, ACL categories and tips, then <prefix>commands[]. */
#include <string.h>

#include "rsdkgen.h"

static const char *lit_or_null(const char *s) { return s ? gen_c_literal(s) : "NULL"; }

static const char *cmd_flags_expr(uint64_t f) {
    sb b = {0};
    sb_put(&b, "");
#define F(name, bit)                                                    \
    if (f & ((uint64_t)1 << (bit))) sb_printf(&b, "%sRSDK_CMD(%s)", b.len ? " | " : "", #name);
    RSDK_CMD_FLAG_MAP(F)
#undef F
    const char *r = b.len ? gen_strdup(b.data) : "0";
    sb_free(&b);
    return r;
}

static const char *key_flags_expr(json_t *flags) {
    sb b = {0};
    sb_put(&b, "");
    size_t i;
    json_t *f;
    json_array_foreach(flags, i, f) sb_printf(&b, "%sRSDK_KEY_%s", b.len ? " | " : "", json_string_value(f));
    const char *r = b.len ? gen_strdup(b.data) : "0";
    sb_free(&b);
    return r;
}

static const char *const TYPE_NAMES[] = {"?", "RSDK_ARG_KEY", "RSDK_ARG_STRING", "RSDK_ARG_PATTERN",
                                         "RSDK_ARG_INTEGER", "RSDK_ARG_DOUBLE", "RSDK_ARG_UNIX_TIME",
                                         "RSDK_ARG_PURE_TOKEN", "RSDK_ARG_ONEOF", "RSDK_ARG_BLOCK"};

static unsigned counter;

/* Emits the arrays for `args` (children first); returns the array name. */
static const char *emit_args(sb *b, const command *c, const arg *args, size_t n) {
    const char **kids = gen_alloc(sizeof(char *) * (n ? n : 1));
    for (size_t i = 0; i < n; i++)
        kids[i] = args[i].nchildren ? emit_args(b, c, args[i].children, args[i].nchildren) : NULL;
    const char *name = gen_printf("%s_args%u", c->fname, counter++);
    sb_printf(b, "static const rsdk_arg_meta %s[] = {\n", name);
    for (size_t i = 0; i < n; i++) {
        const arg *a = &args[i];
        sb b2 = {0};
        sb_put(&b2, "");
        if (a->optional) sb_printf(&b2, "%sRSDK_ARGF_OPTIONAL", b2.len ? " | " : "");
        if (a->multiple) sb_printf(&b2, "%sRSDK_ARGF_MULTIPLE", b2.len ? " | " : "");
        if (a->multiple_token) sb_printf(&b2, "%sRSDK_ARGF_MULTIPLE_TOKEN", b2.len ? " | " : "");
        if (a->deprecated_since) sb_printf(&b2, "%sRSDK_ARGF_DEPRECATED", b2.len ? " | " : "");
        if (a->count_of) sb_printf(&b2, "%sRSDK_ARGF_COUNT", b2.len ? " | " : "");
        sb_printf(b, "    {%s, %s, %s, %s, %s, %s, %d, %zu, %s},\n", gen_c_literal(a->name),
                  lit_or_null(a->display), lit_or_null(a->token), lit_or_null(a->since),
                  TYPE_NAMES[a->type], b2.len ? b2.data : "0", a->key_spec_index, a->nchildren,
                  kids[i] ? kids[i] : "NULL");
        sb_free(&b2);
    }
    sb_put(b, "};\n");
    return name;
}

static const char *emit_strings(sb *b, const command *c, const char *what, json_t *list) {
    if (json_array_size(list) == 0) return "NULL";
    const char *name = gen_printf("%s_%s", c->fname, what);
    sb_printf(b, "static const char *const %s[] = {", name);
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s) sb_printf(b, "%s%s", i ? ", " : "", gen_c_literal(json_string_value(s)));
    sb_put(b, "};\n");
    return name;
}

static int jint(json_t *o, const char *k) { return (int)json_integer_value(json_object_get(o, k)); }

static const char *emit_key_specs(sb *b, const command *c, json_t *ks) {
    if (json_array_size(ks) == 0) return "NULL";
    const char *name = gen_printf("%s_keys", c->fname);
    sb_printf(b, "static const rsdk_key_spec_meta %s[] = {\n", name);
    size_t i;
    json_t *k;
    json_array_foreach(ks, i, k) {
        json_t *bs = json_object_get(k, "begin_search"), *fk = json_object_get(k, "find_keys");
        json_t *idx = json_object_get(bs, "index"), *kw = json_object_get(bs, "keyword");
        json_t *rg = json_object_get(fk, "range"), *kn = json_object_get(fk, "keynum");
        sb_printf(b, "    {%s, ", key_flags_expr(json_object_get(k, "flags")));
        if (idx)
            sb_printf(b, "RSDK_KEY_BEGIN_INDEX, %d, NULL, 0, ", jint(idx, "pos"));
        else if (kw)
            sb_printf(b, "RSDK_KEY_BEGIN_KEYWORD, 0, %s, %d, ",
                      gen_c_literal(json_string_value(json_object_get(kw, "keyword"))), jint(kw, "startfrom"));
        else
            sb_put(b, "RSDK_KEY_BEGIN_UNKNOWN, 0, NULL, 0, ");
        if (rg)
            sb_printf(b, "RSDK_KEY_FIND_RANGE, %d, %d, %d, 0, 0},\n", jint(rg, "lastkey"), jint(rg, "step"),
                      jint(rg, "limit"));
        else if (kn)
            sb_printf(b, "RSDK_KEY_FIND_KEYNUM, 0, %d, 0, %d, %d},\n", jint(kn, "step"), jint(kn, "keynumidx"),
                      jint(kn, "firstkey"));
        else
            sb_put(b, "RSDK_KEY_FIND_UNKNOWN, 0, 0, 0, 0, 0},\n");
    }
    sb_put(b, "};\n");
    return name;
}

bool gen_emit_meta(const module *m, sb *b) {
    sb_printf(b, "/* generated from %s by rsdkgen — do not edit.\n * Metadata of the %s commands. */\n",
              m->spec_label, m->name);
    sb_printf(b, "#define %sNO_MACROS 1\n#include \"%s\"\n\n", m->upper_prefix, m->header_path);
    sb entries = {0};
    sb_put(&entries, "");
    size_t n = 0;
    for (size_t i = 0; i < m->ncmds; i++) {
        const command *c = &m->cmds[i];
        if (!gen_is_generated(c)) continue;
        n++;
        sb_printf(b, "/* %s (%s) */\n", c->name, gen_comment_text(c->file, 400));
        counter = 0;
        const char *args = c->nargs ? emit_args(b, c, c->args, c->nargs) : "NULL";
        json_t *acl = json_object_get(c->j, "acl_categories");
        json_t *tips = json_object_get(c->j, "command_tips");
        json_t *ks = c->key_specs;
        const char *acl_n = emit_strings(b, c, "acl", acl);
        const char *tips_n = emit_strings(b, c, "tips", tips);
        const char *ks_n = emit_key_specs(b, c, ks);
        sb_put(b, "\n");
        sb_printf(&entries,
                  "    {\n        .name = %s,\n        .function = %s,\n        .group = %s,\n"
                  "        .since = %s,\n        .deprecated_since = %s,\n        .complexity = %s,\n"
                  "        .arity = %d,\n        .flags = %s,\n"
                  "        .nacl = %zu,\n        .acl_categories = %s,\n"
                  "        .ntips = %zu,\n        .tips = %s,\n"
                  "        .nkey_specs = %zu,\n        .key_specs = %s,\n"
                  "        .nargs = %zu,\n        .args = %s,\n        .result = %s,\n    },\n",
                  gen_c_literal(c->name), gen_c_literal(c->fname), gen_c_literal(c->group),
                  gen_c_literal(c->since), lit_or_null(c->deprecated_since), lit_or_null(c->complexity),
                  c->arity, cmd_flags_expr(c->flags), json_array_size(acl), acl_n,
                  json_array_size(tips), tips_n, json_array_size(ks), ks_n, c->nargs, args,
                  gen_result_info(c->result)->meta);
    }
    if (n == 0) {
        sb_printf(b, "const rsdk_command_meta %scommands[1] = {{0}};\nconst size_t %scommands_count = 0;\n",
                  m->prefix, m->prefix);
    } else {
        sb_printf(b, "const rsdk_command_meta %scommands[] = {\n%s};\n\n", m->prefix, entries.data);
        sb_printf(b, "const size_t %scommands_count = sizeof %scommands / sizeof %scommands[0];\n",
                  m->prefix, m->prefix, m->prefix);
    }
    sb_free(&entries);
    return true;
}
