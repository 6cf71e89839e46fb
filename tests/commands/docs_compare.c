/* Spec (metadata) versus COMMAND DOCS / COMMAND INFO, and the allow-list of
 * explained differences. */
#include <ctype.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "docs_compare.h"
#include "minimal.h"

typedef struct dc {
    dc_result *r;
    const char *cmd;
    const char *version;
} dc;

static void diff(dc *d, const char *fmt, ...) {
    if (d->r->ndiffs == DC_MAX_DIFFS) return;
    char *line = d->r->diffs[d->r->ndiffs++];
    int n = snprintf(line, DC_LINE, "%s: ", d->cmd);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && n < DC_LINE) vsnprintf(line + n, DC_LINE - (size_t)n, fmt, ap);
    va_end(ap);
}

/* ---- reply helpers (RESP2 flat arrays and RESP3 maps alike) --------------- */

static const char *str_of(const rsdk_reply *r) {
    if (r == NULL) return NULL;
    switch (r->type) {
    case RSDK_REPLY_STRING:
    case RSDK_REPLY_STATUS:
    case RSDK_REPLY_VERB: return r->str;
    default: return NULL;
    }
}

static const char *get_str(const rsdk_reply *map, const char *key) {
    return str_of(rsdk_reply_map_get(map, key));
}

static bool is_list(const rsdk_reply *r) {
    return r && (r->type == RSDK_REPLY_ARRAY || r->type == RSDK_REPLY_SET || r->type == RSDK_REPLY_MAP);
}

/* True when the list `r` (array or set of strings) holds `s`. */
static bool list_has(const rsdk_reply *r, const char *s) {
    if (!is_list(r)) return false;
    for (size_t i = 0; i < r->elements; i++) {
        const char *e = str_of(&r->element[i]);
        if (e && strcasecmp(e, s) == 0) return true;
    }
    return false;
}

/* A map's entry by key, case-insensitively ("client|list"). */
static const rsdk_reply *map_get_ci(const rsdk_reply *m, const char *key) {
    if (m == NULL || (m->type != RSDK_REPLY_MAP && m->type != RSDK_REPLY_ARRAY)) return NULL;
    for (size_t i = 0; i + 1 < m->elements; i += 2) {
        const char *k = str_of(&m->element[i]);
        if (k && strcasecmp(k, key) == 0) return &m->element[i + 1];
    }
    return NULL;
}

/* "CLIENT LIST" -> docs["client"]["subcommands"]["client|list"]. */
static const rsdk_reply *docs_find(const rsdk_reply *docs, const char *name) {
    char top[64], sub[128];
    const char *sp = strchr(name, ' ');
    if (sp == NULL) return map_get_ci(docs, name);
    snprintf(top, sizeof top, "%.*s", (int)(sp - name), name);
    snprintf(sub, sizeof sub, "%s|%s", top, sp + 1);
    return map_get_ci(rsdk_reply_map_get(map_get_ci(docs, top), "subcommands"), sub);
}

/* COMMAND INFO entry: [name, arity, flags, first, last, step, acl, tips,
 * key specs, subcommands]. */
static const rsdk_reply *info_in(const rsdk_reply *list, const char *name) {
    if (!is_list(list)) return NULL;
    for (size_t i = 0; i < list->elements; i++) {
        const rsdk_reply *e = &list->element[i];
        if (e->type != RSDK_REPLY_ARRAY || e->elements < 3) continue;
        const char *n = str_of(&e->element[0]);
        if (n && strcasecmp(n, name) == 0) return e;
    }
    return NULL;
}

static const rsdk_reply *info_find(const rsdk_reply *info, const char *name) {
    char top[64], sub[128];
    const char *sp = strchr(name, ' ');
    if (sp == NULL) return info_in(info, name);
    snprintf(top, sizeof top, "%.*s", (int)(sp - name), name);
    snprintf(sub, sizeof sub, "%s|%s", top, sp + 1);
    const rsdk_reply *t = info_in(info, top);
    return t && t->elements >= 10 ? info_in(&t->element[9], sub) : NULL;
}

/* ---- arguments ----------------------------------------------------------------- */

static bool newer(const dc *d, const char *since) {
    return since != NULL && mc_version_cmp(since, d->version) > 0;
}

static void cmp_args(dc *d, const char *path, const rsdk_arg_meta *spec, size_t nspec,
                     const rsdk_reply *srv);

static const char *or_dash(const char *s) { return s ? s : "-"; }

static void cmp_flag(dc *d, const char *path, const char *flag, bool spec, const rsdk_reply *sflags) {
    bool server = list_has(sflags, flag);
    if (spec != server)
        diff(d, "arg %s: %s: server %s, spec %s", path, flag, server ? "yes" : "no", spec ? "yes" : "no");
}

static void cmp_arg(dc *d, const char *path, const rsdk_arg_meta *a, const rsdk_reply *s) {
    const char *sname = get_str(s, "name");
    if (sname == NULL || strcasecmp(sname, a->name) != 0)
        diff(d, "arg %s: name: server \"%s\"", path, or_dash(sname));
    const char *stype = get_str(s, "type");
    const char *type = rsdk_arg_type_name(a->type);
    if (stype == NULL || strcmp(stype, type) != 0)
        diff(d, "arg %s: type: server %s, spec %s", path, or_dash(stype), type);
    const char *stoken = get_str(s, "token");
    if ((stoken == NULL) != (a->token == NULL) || (stoken && strcmp(stoken, a->token) != 0))
        diff(d, "arg %s: token: server \"%s\", spec \"%s\"", path, or_dash(stoken), or_dash(a->token));
    const char *ssince = get_str(s, "since");
    if ((ssince == NULL) != (a->since == NULL) || (ssince && strcmp(ssince, a->since) != 0))
        diff(d, "arg %s: since: server %s, spec %s", path, or_dash(ssince), or_dash(a->since));
    const rsdk_reply *sflags = rsdk_reply_map_get(s, "flags");
    cmp_flag(d, path, "optional", (a->flags & RSDK_ARGF_OPTIONAL) != 0, sflags);
    cmp_flag(d, path, "multiple", (a->flags & RSDK_ARGF_MULTIPLE) != 0, sflags);
    cmp_flag(d, path, "multiple_token", (a->flags & RSDK_ARGF_MULTIPLE_TOKEN) != 0, sflags);
    cmp_args(d, path, a->children, a->nchildren, rsdk_reply_map_get(s, "arguments"));
}

/* Siblings: pairwise when the counts agree (a renamed argument is then one
 * difference), by name otherwise. Spec arguments newer than the server are
 * left out first. */
static void cmp_args(dc *d, const char *path, const rsdk_arg_meta *spec, size_t nspec,
                     const rsdk_reply *srv) {
    const rsdk_arg_meta *keep[64];
    size_t nkeep = 0;
    size_t nsrv = is_list(srv) ? srv->elements : 0;
    char sub[DC_LINE];
    for (size_t i = 0; i < nspec && nkeep < 64; i++) {
        if (!newer(d, spec[i].since)) {
            keep[nkeep++] = &spec[i];
            continue;
        }
        d->r->newer_args++;
        for (size_t j = 0; j < nsrv; j++) {
            const char *n = get_str(&srv->element[j], "name");
            if (n && strcasecmp(n, spec[i].name) == 0)
                diff(d, "arg %s/%s: in server docs although since %s", path, spec[i].name, spec[i].since);
        }
    }
    if (nkeep == nsrv) {
        for (size_t i = 0; i < nkeep; i++) {
            snprintf(sub, sizeof sub, "%s/%s", path, keep[i]->name);
            cmp_arg(d, sub, keep[i], &srv->element[i]);
        }
        return;
    }
    bool used[64] = {false};
    for (size_t i = 0; i < nkeep; i++) {
        snprintf(sub, sizeof sub, "%s/%s", path, keep[i]->name);
        size_t j = 0;
        for (; j < nsrv && j < 64; j++) {
            const char *n = get_str(&srv->element[j], "name");
            if (!used[j] && n && strcasecmp(n, keep[i]->name) == 0) break;
        }
        if (j < nsrv && j < 64) {
            used[j] = true;
            cmp_arg(d, sub, keep[i], &srv->element[j]);
        } else {
            diff(d, "arg %s: missing from server docs", sub);
        }
    }
    for (size_t j = 0; j < nsrv && j < 64; j++)
        if (!used[j]) diff(d, "arg %s/%s: only in server docs", path, or_dash(get_str(&srv->element[j], "name")));
}

/* ---- commands ------------------------------------------------------------------- */

static void lower(char *dst, size_t cap, const char *s) {
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++) dst[i] = (char)tolower((unsigned char)s[i]);
    dst[i] = '\0';
}

/* Flags the server reports for any command: only these can be compared. */
static bool in_vocabulary(const rsdk_reply *info, const char *flag) {
    for (size_t i = 0; is_list(info) && i < info->elements; i++) {
        const rsdk_reply *e = &info->element[i];
        if (e->type != RSDK_REPLY_ARRAY || e->elements < 3) continue;
        if (list_has(&e->element[2], flag)) return true;
        if (e->elements >= 10 && is_list(&e->element[9]))
            for (size_t j = 0; j < e->element[9].elements; j++) {
                const rsdk_reply *s = &e->element[9].element[j];
                if (s->type == RSDK_REPLY_ARRAY && s->elements >= 3 && list_has(&s->element[2], flag))
                    return true;
            }
    }
    return false;
}

static void cmp_flags(dc *d, const rsdk_command_meta *m, const rsdk_reply *entry, const rsdk_reply *info) {
    const rsdk_reply *sflags = &entry->element[2];
    for (unsigned bit = 0; bit < 64; bit++) {
        const char *name = rsdk_cmd_flag_name((uint64_t)1 << bit);
        if (name == NULL) continue;
        char lname[40];
        lower(lname, sizeof lname, name);
        bool spec = (m->flags & ((uint64_t)1 << bit)) != 0;
        bool server = list_has(sflags, lname);
        if (spec == server) continue;
        if (spec && !in_vocabulary(info, lname)) continue; /* this server never reports it */
        diff(d, "flag %s: server %s, spec %s", lname, server ? "yes" : "no", spec ? "yes" : "no");
    }
    /* flags the server has that rsdk does not know at all */
    for (size_t i = 0; is_list(sflags) && i < sflags->elements; i++) {
        const char *f = str_of(&sflags->element[i]);
        if (f == NULL || strcmp(f, "movablekeys") == 0) continue; /* derived, not a spec flag */
        bool known = false;
        for (unsigned bit = 0; bit < 64 && !known; bit++) {
            const char *name = rsdk_cmd_flag_name((uint64_t)1 << bit);
            known = name && strcasecmp(name, f) == 0;
        }
        if (!known) diff(d, "flag %s: server yes, unknown to rsdk", f);
    }
}

static void cmp_command(dc *d, const rsdk_command_meta *m, const rsdk_reply *doc, const rsdk_reply *entry,
                        const rsdk_reply *info) {
    char group[32];
    snprintf(group, sizeof group, "%s", m->group);
    for (char *p = group; *p; p++)
        if (*p == '_') *p = '-'; /* the server prints sorted_set as sorted-set */
    const char *sgroup = get_str(doc, "group");
    if (sgroup == NULL || strcmp(sgroup, group) != 0) diff(d, "group: server %s, spec %s", or_dash(sgroup), group);
    const char *ssince = get_str(doc, "since");
    if (ssince == NULL || strcmp(ssince, m->since) != 0) diff(d, "since: server %s, spec %s", or_dash(ssince), m->since);

    const rsdk_reply *dflags = rsdk_reply_map_get(doc, "doc_flags");
    bool dep_newer = newer(d, m->deprecated_since);
    if (dep_newer) d->r->newer_deprecations++;
    bool spec_dep = (m->flags & RSDK_CMD(DEPRECATED)) != 0 && !dep_newer;
    if (spec_dep != list_has(dflags, "deprecated"))
        diff(d, "doc flag deprecated: server %s, spec %s", spec_dep ? "no" : "yes", spec_dep ? "yes" : "no");
    bool spec_sys = (m->flags & RSDK_CMD(SYSCMD)) != 0;
    if (spec_sys != list_has(dflags, "syscmd"))
        diff(d, "doc flag syscmd: server %s, spec %s", spec_sys ? "no" : "yes", spec_sys ? "yes" : "no");
    const char *sdep = get_str(doc, "deprecated_since");
    const char *pdep = dep_newer ? NULL : m->deprecated_since;
    if ((sdep == NULL) != (pdep == NULL) || (sdep && strcmp(sdep, pdep) != 0))
        diff(d, "deprecated_since: server %s, spec %s", or_dash(sdep), or_dash(pdep));

    cmp_args(d, "", m->args, m->nargs, rsdk_reply_map_get(doc, "arguments"));

    if (entry == NULL) {
        diff(d, "not in COMMAND INFO");
        return;
    }
    int64_t arity = entry->element[1].integer;
    if (entry->element[1].type != RSDK_REPLY_INTEGER || arity != m->arity)
        diff(d, "arity: server %lld, spec %d", (long long)arity, m->arity);
    cmp_flags(d, m, entry, info);
}

void dc_compare(const rsdk_command_meta *table, size_t n, const rsdk_reply *docs,
                const rsdk_reply *info, const char *server_version, dc_result *out) {
    memset(out, 0, sizeof *out);
    dc d = {out, NULL, server_version};
    for (size_t i = 0; i < n; i++) {
        const rsdk_command_meta *m = &table[i];
        d.cmd = m->name;
        const rsdk_reply *doc = docs_find(docs, m->name);
        if (doc == NULL) {
            out->unknown++;
            if (!newer(&d, m->since)) diff(&d, "not in server docs although since %s", m->since);
            continue;
        }
        out->compared++;
        cmp_command(&d, m, doc, info_find(info, m->name), info);
    }
}

/* ---- allow-list -------------------------------------------------------------------- */

static char *trim(char *s) {
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
    return s;
}

int dc_allow_load(const char *path, dc_allow *out, size_t cap, char *why, size_t whylen) {
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(why, whylen, "%s: cannot open", path);
        return -1;
    }
    char line[1024];
    int n = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (*s == '\0' || *s == '#') continue;
        char *bar1 = strstr(s, " | ");
        char *bar2 = bar1 ? strstr(bar1 + 3, " | ") : NULL;
        if (bar2 == NULL || (size_t)n == cap) {
            snprintf(why, whylen, "%s:%d: expected \"servers | difference | reason\"", path, lineno);
            fclose(f);
            return -1;
        }
        *bar1 = '\0';
        *bar2 = '\0';
        dc_allow *a = &out[n];
        memset(a, 0, sizeof *a);
        snprintf(a->scope, sizeof a->scope, "%s", trim(s));
        snprintf(a->pattern, sizeof a->pattern, "%s", trim(bar1 + 3));
        snprintf(a->reason, sizeof a->reason, "%s", trim(bar2 + 3));
        if (a->scope[0] == '\0' || a->pattern[0] == '\0' || a->reason[0] == '\0') {
            snprintf(why, whylen, "%s:%d: empty servers, difference or reason", path, lineno);
            fclose(f);
            return -1;
        }
        n++;
    }
    fclose(f);
    return n;
}

bool dc_allow_in_scope(const dc_allow *a, const char *server_key) {
    const char *p = a->scope;
    while (*p) {
        size_t n = strcspn(p, " ");
        char word[sizeof a->scope];
        snprintf(word, sizeof word, "%.*s", (int)n, p);
        if (n > 0 && fnmatch(word, server_key, 0) == 0) return true;
        p += n;
        p += strspn(p, " ");
    }
    return false;
}

dc_allow *dc_allow_match(dc_allow *list, size_t n, const char *diff_line, const char *server_key) {
    for (size_t i = 0; i < n; i++)
        if (dc_allow_in_scope(&list[i], server_key) && fnmatch(list[i].pattern, diff_line, 0) == 0) {
            list[i].hits++;
            return &list[i];
        }
    return NULL;
}
