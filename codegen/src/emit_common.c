/* Text shared by the header, source and docs emitters: C types of
 * arguments, prototypes and the Redis usage line. */
#include <string.h>

#include "rsdkgen.h"

/* C type of one element of `a`. */
const char *gen_elem_type(const arg *a) {
    if (a->as_string) return "rsdk_str";
    switch (a->type) {
    case RSDK_ARG_KEY:
    case RSDK_ARG_STRING:
    case RSDK_ARG_PATTERN: return "rsdk_str";
    case RSDK_ARG_INTEGER: return a->uint64 ? "uint64_t" : a->as_double ? "double" : "int64_t";
    case RSDK_ARG_UNIX_TIME: return "int64_t";
    case RSDK_ARG_DOUBLE: return "double";
    case RSDK_ARG_PURE_TOKEN: return "bool";
    case RSDK_ARG_ONEOF:
    case RSDK_ARG_BLOCK: return a->type_name;
    }
    return "?";
}

/* The required parameters: "rsdk_str key, rsdk_str value" (typed) or
 * "key, value" (names only). Empty string when there are none. */
char *gen_params(const command *c, bool typed) {
    sb b = {0};
    sb_put(&b, "");
    for (size_t i = 0; i < c->nargs; i++) {
        const arg *a = &c->args[i];
        if (a->optional || !a->field) continue;
        if (b.len) sb_put(&b, ", ");
        if (a->multiple) {
            if (typed)
                sb_printf(&b, "const %s *%s, size_t %s_count", gen_elem_type(a), a->cname, a->cname);
            else
                sb_printf(&b, "%s, %s_count", a->cname, a->cname);
        } else if (typed) {
            sb_printf(&b, "%s %s", gen_elem_type(a), a->cname);
        } else {
            sb_put(&b, a->cname);
        }
    }
    char *r = gen_strdup(b.data);
    sb_free(&b);
    return r;
}

char *gen_pairs_path(const command *c) {
    sb b = {0};
    sb_put(&b, "");
    for (size_t i = 0; i < c->npairs_when; i++) sb_printf(&b, "%s%s", i ? "." : "", c->pairs_when[i]->cname);
    char *r = gen_strdup(b.data);
    sb_free(&b);
    return r;
}

char *gen_proto(const module *m, const command *c, int which) {
    (void)m;
    const char *params = gen_params(c, true);
    const char *sep = params[0] ? ", " : "";
    const char *opts = c->has_opts ? gen_printf("const %s_opts *opts, ", c->fname) : "";
    const char *out = c->glue_type ? gen_printf("%s *", c->glue_type)
                                   : gen_result_out_type(c->result, which == PROTO_DECODE);
    switch (which) {
    case PROTO_ENCODE:
        return gen_printf("rsdk_status %s_encode(rsdk_buf *out%s%s, %srsdk_error *err)", c->fname,
                          sep, params, opts);
    case PROTO_DECODE:
        return out ? gen_printf("rsdk_status %s_decode(rsdk_reply *r, %sout, rsdk_error *err)",
                                c->fname, out)
                   : gen_printf("rsdk_status %s_decode(rsdk_reply *r, rsdk_error *err)", c->fname);
    case PROTO_SYNC: {
        const char *o = out ? gen_printf(", %sout", out) : "";
        const char *op = c->has_opts ? gen_printf(", const %s_opts *opts", c->fname) : "";
        return gen_printf("rsdk_status %s(rsdk_client *c%s%s%s%s)", c->fname, sep, params, op, o);
    }
    case PROTO_QUEUE:
        return gen_printf("rsdk_status %s_queue(rsdk_pipeline *p%s%s, %srsdk_error *err)", c->fname,
                          sep, params, opts);
    case PROTO_ASYNC:
        return gen_printf("rsdk_status %s_async(rsdk_async *a%s%s, %s%s cb, void *ud)", c->fname, sep,
                          params, opts, gen_async_cb_type(c));
    }
    return gen_strdup("?");
}

const char *gen_async_cb_type(const command *c) {
    if (c->glue_type) return gen_printf("%s_async_cb", c->glue_type);
    return gen_printf("rsdk_async_%s_cb", gen_result_info(c->result)->kind);
}

/* ---- usage line ------------------------------------------------------------------ */

static void syntax_arg(sb *b, const arg *a);

/* One value of `a` (its token included when `with_token`). */
static void syntax_value(sb *b, const arg *a, bool with_token) {
    if (a->type == RSDK_ARG_PURE_TOKEN) {
        sb_put(b, a->token);
        return;
    }
    if (with_token && a->token) sb_printf(b, "%s ", a->token);
    if (a->type == RSDK_ARG_BLOCK) {
        for (size_t i = 0; i < a->nchildren; i++) {
            if (i) sb_put(b, " ");
            syntax_arg(b, &a->children[i]);
        }
    } else if (a->type == RSDK_ARG_ONEOF) {
        /* [a | b] reads fine; elsewhere the choice needs its own brackets. */
        bool bare = a->optional && !a->in_oneof && !a->multiple && !a->token;
        if (!bare) sb_put(b, "<");
        for (size_t i = 0; i < a->nchildren; i++) {
            if (i) sb_put(b, " | ");
            syntax_arg(b, &a->children[i]);
        }
        if (!bare) sb_put(b, ">");
    } else {
        sb_put(b, a->display ? a->display : a->name);
    }
}

static void syntax_arg(sb *b, const arg *a) {
    bool opt = a->optional && !a->in_oneof;
    if (opt) sb_put(b, "[");
    if (a->multiple) {
        if (a->token && !a->multiple_token) sb_printf(b, "%s ", a->token);
        syntax_value(b, a, a->multiple_token);
        sb_put(b, " [");
        syntax_value(b, a, a->multiple_token);
        sb_put(b, " ...]");
    } else {
        syntax_value(b, a, true);
    }
    if (opt) sb_put(b, "]");
}

char *gen_syntax(const command *c) {
    sb b = {0};
    sb_put(&b, c->name);
    for (size_t i = 0; i < c->nargs; i++) {
        sb_put(&b, " ");
        syntax_arg(&b, &c->args[i]);
    }
    char *r = gen_strdup(b.data);
    sb_free(&b);
    return r;
}

char *gen_arg_syntax(const arg *a) {
    sb b = {0};
    sb_put(&b, "");
    syntax_arg(&b, a);
    char *r = gen_strdup(b.data);
    sb_free(&b);
    return r;
}

char *gen_comment_text(const char *s, size_t max) {
    sb b = {0};
    sb_put(&b, "");
    size_t n = strlen(s);
    for (size_t i = 0; i < n && i < max; i++) {
        sb_putn(&b, &s[i], 1);
        /* never open or close a comment inside one */
        if ((s[i] == '*' && s[i + 1] == '/') || (s[i] == '/' && s[i + 1] == '*')) sb_put(&b, " ");
    }
    if (n > max) sb_put(&b, "...");
    char *r = gen_strdup(b.data);
    sb_free(&b);
    return r;
}

/* The parameters after the first '(' of `line`, `col` columns in on each
 * continuation line; with `hang`, the first parameter starts a new line too. */
static char *wrap_params(const char *line, const char *open, size_t col, bool hang, size_t width) {
    sb b = {0};
    sb_putn(&b, line, (size_t)(open - line) + 1);
    size_t cur = hang ? width + 1 : (size_t)(open - line) + 1; /* hang: break before the first */
    const char *p = open + 1;
    bool first = true;
    while (*p) {
        /* next parameter: up to ", " at depth 0, or the closing ')' */
        const char *q = p;
        int depth = 0;
        while (*q && !(depth == 0 && (q[0] == ',' || q[0] == ')'))) {
            if (*q == '(') depth++;
            if (*q == ')') depth--;
            q++;
        }
        size_t len = (size_t)(q - p) + (*q ? 1 : 0); /* with ',' or ')' */
        size_t tail = q[0] == ')' ? strlen(q + 1) : 0;
        if ((!first || hang) && cur + 1 + len + tail > width) {
            sb_put(&b, "\n");
            for (size_t i = 0; i < col; i++) sb_put(&b, " ");
            cur = col;
        } else if (!first) {
            sb_put(&b, " ");
            cur++;
        }
        first = false;
        sb_putn(&b, p, len);
        cur += len;
        p = q + (*q ? 1 : 0);
        if (q[0] == ')') {
            sb_put(&b, p); /* the tail after the parameter list */
            break;
        }
        while (*p == ' ') p++;
    }
    char *r = gen_strdup(b.data);
    sb_free(&b);
    return r;
}

static bool fits(const char *text, size_t width) {
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        if (n > width) return false;
        p += n + (p[n] == '\n');
    }
    return true;
}

char *gen_wrap(const char *lead, const char *proto, const char *tail, size_t width) {
    char *line = gen_printf("%s%s%s", lead, proto, tail);
    if (strlen(line) <= width) return line;
    const char *open = strchr(line + strlen(lead), '(');
    if (open == NULL) return line;
    /* aligned after the '(' when that fits, else a hanging indent of 4 */
    char *aligned = wrap_params(line, open, (size_t)(open - line) + 1, false, width);
    if (fits(aligned, width)) return aligned;
    return wrap_params(line, open, 4, true, width);
}
