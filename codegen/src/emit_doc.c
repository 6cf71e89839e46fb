/* Emits the reference (docs/reference/<module>.md): per command its usage
 * line, the C prototypes, the types it takes (options struct, enums and
 * argument structs, as the header declares them), the result it returns,
 * since, complexity, flags, ACL categories and a link to the Redis
 * documentation. Committed, and checked by a test. */
#include <stdlib.h>
#include <string.h>

#include "rsdkgen.h"

static int by_group(const void *a, const void *b) {
    const command *x = *(const command *const *)a, *y = *(const command *const *)b;
    int g = strcmp(x->group, y->group);
    return g ? g : strcmp(x->name, y->name);
}

static const char *doc_link(const command *c) {
    char *s = gen_lower(c->name);
    for (char *p = s; *p; p++)
        if (*p == ' ') *p = '-';
    return gen_printf("https://redis.io/docs/latest/commands/%s/", s);
}

static void flags_text(sb *b, uint64_t f) {
    bool first = true;
#define F(name, bit)                                               \
    if (f & ((uint64_t)1 << (bit))) {                              \
        sb_printf(b, "%s%s", first ? "" : ", ", gen_lower(#name)); \
        first = false;                                             \
    }
    RSDK_CMD_FLAG_MAP(F)
#undef F
    if (first) sb_put(b, "none");
}

/* Markdown-safe inline code: backticks cannot occur in usage text, but the
 * table and heading text must not carry '|' unescaped. */
static const char *md_cell(const char *s) {
    sb b = {0};
    sb_put(&b, "");
    for (const char *p = s; *p; p++) {
        if (*p == '|') sb_put(&b, "\\|");
        else sb_putn(&b, p, 1);
    }
    char *r = gen_strdup(b.data);
    sb_free(&b);
    return r;
}

static void emit_entry(sb *b, const module *m, const command *c) {
    sb_printf(b, "### %s\n\n`%s`\n\n```c\n", c->name, gen_syntax(c));
    static const int order[] = {PROTO_SYNC, PROTO_ENCODE, PROTO_DECODE, PROTO_QUEUE, PROTO_ASYNC};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) sb_printf(b, "%s\n", gen_wrap("", gen_proto(m, c, order[i]), ";", 100));
    sb_put(b, "```\n\n");
    sb types = {0};
    sb_put(&types, "");
    gen_emit_arg_types(&types, c);
    if (types.len > 0) {
        types.data[--types.len] = '\0'; /* one blank line between types, none at the end */
        sb_printf(b, "Types it takes (`%s`):\n\n```c\n%s```\n\n", gen_command_header(m, c), types.data);
    }
    sb_free(&types);
    sb_printf(b, "- Since %s", c->since);
    if (c->deprecated_since) sb_printf(b, "; **deprecated** since %s", c->deprecated_since);
    else if (c->flags & RSDK_CMD(DEPRECATED)) sb_put(b, "; **deprecated**");
    if (c->complexity) sb_printf(b, "; complexity %s", c->complexity);
    const result_info *ri = gen_result_info(c->result);
    bool typed_h = ri->ctype && strncmp(ri->ctype, "rsdk_", 5) == 0 && c->result != RSDK_RESULT_REPLY;
    const char *rtext = c->glue_type ? gen_printf("`%s`", c->glue_type) : ri->text;
    const char *where = c->glue_type ? gen_printf(", declared in `%s`", gen_glue_header(m))
                        : typed_h    ? ", declared in `rsdk/typed.h`"
                                     : "";
    sb_printf(b, "\n- Result: %s%s%s", rtext, where,
              c->shapes.root || c->pairs.root ? ", RESP2 replies normalised to the RESP3 form" : "");
    if (c->pairs.root)
        sb_printf(b, "; with `%s`, an array of `[a, b]` pairs on both protocols (RESP2 sends them flat)",
                  gen_pairs_path(c));
    sb_printf(b, "\n- Replies accepted: %s", (c->accept & A_ANY) ? "any (the reply schema is free-form)"
                                                               : gen_accept_text(c));
    sb_put(b, "\n- Flags: ");
    flags_text(b, c->flags & ~RSDK_CMD(GETKEYS_FUNCTION));
    json_t *acl = json_object_get(c->j, "acl_categories");
    if (json_array_size(acl)) {
        sb_put(b, "; ACL:");
        size_t i;
        json_t *s;
        json_array_foreach(acl, i, s) sb_printf(b, " @%s", gen_lower(json_string_value(s)));
    }
    sb_printf(b, "\n- Redis documentation: <%s>\n\n", doc_link(c));
}

bool gen_emit_doc(const module *m, sb *b) {
    size_t n = 0, nskip = 0;
    const command **list = gen_alloc(sizeof(command *) * (m->ncmds ? m->ncmds : 1));
    for (size_t i = 0; i < m->ncmds; i++) {
        if (gen_is_generated(&m->cmds[i])) list[n++] = &m->cmds[i];
        else if (m->cmds[i].skip) nskip++;
    }
    qsort(list, n, sizeof(command *), by_group);
    sb_printf(b, "<!-- generated from %s by rsdkgen — do not edit -->\n", m->spec_label);
    sb_printf(b, "# `%s` command reference\n\n", m->name);
    sb_printf(b,
              "%zu commands, generated from the specs in `%s` into `%s` (prefix `%s`). "
              "How the generated API works: [docs/codegen.md](../codegen.md).\n\n",
              n, m->spec_label, m->header_path, m->prefix);
    sb_put(b, "Groups:");
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(list[i]->group, list[i - 1]->group) != 0)
            sb_printf(b, "%s [%s](#group-%s)", i ? "," : "", list[i]->group, list[i]->group);
    sb_put(b, ".\n\n");
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(list[i]->group, list[i - 1]->group) != 0)
            sb_printf(b, "## Group %s\n\n", list[i]->group);
        emit_entry(b, m, list[i]);
    }
    if (nskip) {
        sb_put(b, "## Not generated\n\nThese specs are kept in the repository but get no bindings.\n\n");
        sb_put(b, "| command | reason |\n|---|---|\n");
        for (size_t i = 0; i < m->ncmds; i++)
            if (m->cmds[i].skip)
                sb_printf(b, "| %s | %s |\n", m->cmds[i].name, md_cell(m->cmds[i].skip));
        sb_put(b, "\n");
    }
    return true;
}
