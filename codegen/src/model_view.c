/* Which typed view (rsdk/typed.h) a tree reply maps to. The reply schema is
 * reduced to a short signature per alternative, and a view is chosen when
 * every alternative is one of the forms that view reads:
 *
 *   s  string (or constant text)      i  integer (or integer constants)
 *   b  the constants 0 and 1 only     d  number
 *   x? x or null                      [x]  array of x
 *   <x,y>  array of exactly x, y      {x}  map of string keys to x
 *   ?  anything else (free-form)
 *
 * e.g. ZRANGE is "[s] | [<s,d>]" (members, or [member, score] pairs). A null
 * alternative is left out of the signature: every view has an empty, nil
 * form. The rules are tried in order; the first whose forms cover every
 * alternative wins. A schema no rule covers keeps the raw tree. An "rsdk":
 * {"reply": "<view>"} override picks the view for schemas that cannot say
 * (the SCAN family's [cursor, [items]] looks like LMPOP's [key,
 * [elements]]); it may narrow a free-form part ("?", "[?]") to the view's
 * items, or a number to an integer, never contradict a typed one: that is
 * a generator error. */
#include <stdlib.h>
#include <string.h>

#include "rsdkgen.h"

static const char *sig(json_t *s, int depth);

/* The alternatives of a oneOf/anyOf as one signature: "x?" for x or null,
 * "i" for integer constants, "b" for constants 0 and 1 only. */
static const char *sig_alt(json_t *alt, int depth) {
    const char *one = NULL;
    bool nil = false, consts = true, bits = true, many = false;
    size_t i;
    json_t *b;
    json_array_foreach(alt, i, b) {
        json_t *k = json_object_get(b, "const");
        if (json_is_integer(k)) {
            bits = bits && (json_integer_value(k) == 0 || json_integer_value(k) == 1);
            continue;
        }
        consts = false;
        const char *t = json_string_value(json_object_get(b, "type"));
        if (t != NULL && strcmp(t, "null") == 0) {
            nil = true;
            continue;
        }
        const char *s = sig(b, depth + 1);
        if (one != NULL && strcmp(one, s) != 0) many = true;
        one = s;
    }
    if (consts && json_array_size(alt) > 0) return bits ? "b" : "i";
    /* integer constants beside integers (HTTL: -2, -1 or a count) */
    if (!bits && !many && one != NULL && strcmp(one, "i") == 0) return nil ? "i?" : "i";
    if (many || one == NULL || !bits) return "?";
    return nil ? gen_printf("%s?", one) : one;
}

static const char *sig(json_t *s, int depth) {
    if (!json_is_object(s) || depth > 8 || json_object_get(s, "$ref")) return "?";
    json_t *k = json_object_get(s, "const");
    if (k != NULL) return json_is_string(k) ? "s" : json_is_integer(k) ? "i" : "?";
    json_t *alt = json_object_get(s, "oneOf");
    if (alt == NULL) alt = json_object_get(s, "anyOf");
    if (json_is_array(alt)) return sig_alt(alt, depth);
    const char *t = json_string_value(json_object_get(s, "type"));
    if (t == NULL) return "?";
    if (strcmp(t, "string") == 0) return "s";
    if (strcmp(t, "integer") == 0) return "i";
    if (strcmp(t, "number") == 0) return "d";
    if (strcmp(t, "boolean") == 0) return "b";
    if (strcmp(t, "array") == 0) {
        json_t *items = json_object_get(s, "items");
        if (json_is_object(items)) return gen_printf("[%s]", sig(items, depth + 1));
        if (!json_is_array(items) || json_is_object(json_object_get(s, "additionalItems"))) return "[?]";
        sb b = {0};
        sb_put(&b, "<");
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) sb_printf(&b, "%s%s", i ? "," : "", sig(it, depth + 1));
        sb_put(&b, ">");
        char *r = gen_strdup(b.data);
        sb_free(&b);
        return r;
    }
    if (strcmp(t, "object") == 0) {
        json_t *ap = json_object_get(s, "additionalProperties");
        if (json_object_get(s, "properties") == NULL && json_is_object(ap))
            return gen_printf("{%s}", sig(ap, depth + 1));
        return "?";
    }
    return "?";
}

/* The forms each view reads, with the rsdk_gen_expect form flag a form
 * needs. Scalars ("s", "i") are lists of one. */
typedef struct form {
    const char *sig;
    unsigned flag;
} form;

/* Shapes that other shapes share (a [key, [flags]] list reads like stream
 * entries, [rank, score] like WAITAOF's two counts) are picked only by an
 * override. */
static const struct {
    rsdk_result_kind kind;
    bool by_override_only;
    form forms[8];
} RULES[] = {
    {RSDK_RESULT_STRINGS, false, {{"s", 0}, {"[s]", 0}, {"[s?]", 0}, {"<s,s>", 0}, {"<s,[s]>", VF_KEYED}}},
    {RSDK_RESULT_PAIRS, false, {{"{s}", 0}, {"s", 0}, {"[s]", 0}, {"[<s,s>]", 0}}},
    {RSDK_RESULT_SCORED,
     false,
     {{"[s]", 0},
      {"[<s,d>]", 0},
      {"s", 0},
      {"<s,d>", VF_ONE_PAIR},
      {"<s,[<s,d>]>", VF_KEYED},
      {"<s,s,d>", VF_KEYED_ONE},
      {"{d}", 0}}},
    {RSDK_RESULT_INTS, false, {{"[i]", 0}, {"[i?]", 0}, {"i", 0}, {"<i,i>", 0}}},
    {RSDK_RESULT_DOUBLES, false, {{"[d?]", 0}, {"[d]", 0}, {"<d,d>", 0}}},
    {RSDK_RESULT_BOOLS, false, {{"[b]", 0}}},
    {RSDK_RESULT_SCAN_PAGE, true, {{"<s,[s]>", 0}}},
    {RSDK_RESULT_RANK, true, {{"i", 0}, {"<i,d>", 0}}},
    {RSDK_RESULT_INT_OR_DOUBLE, true, {{"i", 0}, {"d", 0}}},
    {RSDK_RESULT_STREAM_ENTRIES,
     true,
     {{"[<s,[s]>]", 0}, {"[s]", 0}, {"<s,[<s,[s]>],[s]>", VF_NEXT}, {"<s,[s],[s]>", VF_NEXT}}},
    {RSDK_RESULT_STREAMS, true, {{"{[<s,[s]>]}", 0}, {"{[<s,[s]?>]}", 0}}},
    {RSDK_RESULT_GEO, true, {{"[s]", 0}, {"[[?]]", 0}, {"[<d,d>?]", VF_POSITIONS}}},
    {RSDK_RESULT_PENDING, true, {{"[<s,s,i,i>]", 0}, {"<i,s,s,[<s,s>]>", 0}}},
};

/* `s` read with the schema's numbers as integers ("d" -> "i"): an
 * override may say that a number is a count (WAITAOF). */
static bool same_as_ints(const char *form, const char *s) {
    for (; *form && *s; form++, s++)
        if (*form != *s && !(*form == 'i' && *s == 'd')) return false;
    return *form == *s;
}

/* The index of `s` in the forms of rule `r`, or -1. With `lax` (an
 * override), a free-form alternative counts as the rule's first list. */
static int form_of(size_t r, const char *s, bool lax) {
    for (int i = 0; i < 8 && RULES[r].forms[i].sig; i++)
        if (strcmp(RULES[r].forms[i].sig, s) == 0 || (lax && same_as_ints(RULES[r].forms[i].sig, s))) return i;
    if (lax && (strcmp(s, "?") == 0 || strcmp(s, "[?]") == 0)) return 0;
    return -1;
}

/* The schema's alternatives as signatures, nulls left out. */
static size_t alternatives(json_t *rs, const char **out, size_t max) {
    json_t *alt = json_object_get(rs, "oneOf");
    if (alt == NULL) alt = json_object_get(rs, "anyOf");
    if (!json_is_array(alt)) {
        out[0] = sig(rs, 0);
        return 1;
    }
    size_t n = 0, i;
    json_t *b;
    json_array_foreach(alt, i, b) {
        const char *t = json_string_value(json_object_get(b, "type"));
        if (t != NULL && strcmp(t, "null") == 0) continue;
        const char *s = sig(b, 1);
        bool dup = false;
        for (size_t k = 0; k < n; k++) dup = dup || strcmp(out[k], s) == 0;
        if (!dup && n < max) out[n++] = s;
    }
    return n;
}

/* True when rule `r` reads every alternative; its form flags in *flags. */
static bool covers(size_t r, const char **alts, size_t n, bool lax, unsigned *flags) {
    unsigned f = 0;
    for (size_t i = 0; i < n; i++) {
        int at = form_of(r, alts[i], lax);
        if (at < 0) return false;
        f |= RULES[r].forms[at].flag;
    }
    *flags = f;
    return n > 0;
}

void gen_model_view(command *c, json_t *rs, const char *override) {
    const char *alts[16];
    size_t n = json_object_size(rs) > 0 ? alternatives(rs, alts, 16) : 0;
    sb b = {0};
    sb_put(&b, "");
    for (size_t i = 0; i < n; i++) sb_printf(&b, "%s%s", i ? " | " : "", alts[i]);
    c->view_sig = gen_strdup(b.data);
    sb_free(&b);
    rsdk_result_kind want;
    bool forced = override != NULL && gen_result_named(override, &want);
    if (forced && want == RSDK_RESULT_REPLY) return; /* the raw tree, on purpose */
    for (size_t r = 0; r < sizeof RULES / sizeof RULES[0]; r++) {
        if (forced ? RULES[r].kind != want : RULES[r].by_override_only) continue;
        unsigned flags;
        if (covers(r, alts, n, forced, &flags)) {
            c->result = RULES[r].kind;
            c->view_form = flags;
            return;
        }
        if (forced) break;
    }
    if (!forced) return;
    /* The override names a view that cannot read this reply. */
    sb f = {0};
    for (size_t r = 0; r < sizeof RULES / sizeof RULES[0]; r++)
        for (int i = 0; RULES[r].kind == want && i < 8 && RULES[r].forms[i].sig; i++)
            sb_printf(&f, "%s%s", f.len ? ", " : "", RULES[r].forms[i].sig);
    gen_error(c->file, c, NULL,
              "rsdk reply \"%s\" does not fit the reply_schema: it has %s, the view reads %s",
              override, n ? c->view_sig : "no schema", f.len ? f.data : "no aggregate (not a view)");
    sb_free(&f);
}
