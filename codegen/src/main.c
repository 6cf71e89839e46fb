/* rsdkgen: compiles Redis command specs (JSON) into typed C bindings.
 *
 *   rsdkgen --module core --prefix rcore_ --header rsdk/core.h
 *           [--strip JSON.]... [--spec-label spec/core]
 *           [--out-header F] [--out-meta F] [--out-doc F] [--out-src F]...
 *           [--out-base F --group GROUP=F...]
 *           [--check] [--stats] SPEC.json...
 *
 * Passes: load -> validate -> model -> emit. Any spec error is reported as
 * file:COMMAND[:arg/path]: message, and then nothing is written (exit 1). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rsdkgen.h"

#define MAX_SRC 64
#define MAX_GROUPS 64

typedef struct opts {
    const char *module, *prefix, *header, *label;
    const char *out_header, *out_meta, *out_doc;
    const char *out_src[MAX_SRC];
    size_t nsrc;
    const char *strip[16];
    size_t nstrip;
    const char *groups[MAX_GROUPS], *out_groups[MAX_GROUPS], *out_base;
    size_t ngroups;
    bool check, stats, list;
    char **files;
    size_t nfiles;
} opts;

static void usage(void) {
    fputs("usage: rsdkgen --module NAME --prefix PREFIX_ --header rsdk/NAME.h [--strip P]...\n"
          "               [--spec-label TEXT] [--out-header F] [--out-meta F] [--out-doc F]\n"
          "               [--out-src F]... [--out-base F --group GROUP=F...]\n"
          "               [--check] [--stats] [--list] SPEC.json...\n",
          stderr);
}

static bool parse(int argc, char **argv, opts *o) {
    o->files = calloc((size_t)argc, sizeof(char *));
    if (o->files == NULL) return false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **dst = NULL;
        if (strcmp(a, "--check") == 0) { o->check = true; continue; }
        if (strcmp(a, "--stats") == 0) { o->stats = true; continue; }
        if (strcmp(a, "--list") == 0) { o->list = true; continue; }
        if (strncmp(a, "--", 2) != 0) { o->files[o->nfiles++] = argv[i]; continue; }
        if (i + 1 >= argc) {
            fprintf(stderr, "rsdkgen: %s needs a value\n", a);
            return false;
        }
        const char *v = argv[++i];
        if (strcmp(a, "--module") == 0) dst = &o->module;
        else if (strcmp(a, "--prefix") == 0) dst = &o->prefix;
        else if (strcmp(a, "--header") == 0) dst = &o->header;
        else if (strcmp(a, "--spec-label") == 0) dst = &o->label;
        else if (strcmp(a, "--out-header") == 0) dst = &o->out_header;
        else if (strcmp(a, "--out-meta") == 0) dst = &o->out_meta;
        else if (strcmp(a, "--out-doc") == 0) dst = &o->out_doc;
        else if (strcmp(a, "--out-src") == 0 && o->nsrc < MAX_SRC) dst = &o->out_src[o->nsrc++];
        else if (strcmp(a, "--strip") == 0 && o->nstrip < 16) dst = &o->strip[o->nstrip++];
        else if (strcmp(a, "--out-base") == 0) dst = &o->out_base;
        else if (strcmp(a, "--group") == 0 && o->ngroups < MAX_GROUPS && strchr(v, '=')) {
            /* GROUP=FILE: the header of one command group */
            const char *eq = strchr(v, '=');
            o->groups[o->ngroups] = gen_printf("%.*s", (int)(eq - v), v);
            o->out_groups[o->ngroups++] = eq + 1;
            continue;
        }
        if (dst == NULL) {
            fprintf(stderr, "rsdkgen: unknown or repeated option %s\n", a);
            return false;
        }
        *dst = v;
    }
    if ((o->ngroups > 0) != (o->out_base != NULL)) {
        fputs("rsdkgen: --group and --out-base go together\n", stderr);
        return false;
    }
    /* sorted, so that the output does not depend on the order given */
    for (size_t i = 1; i < o->ngroups; i++)
        for (size_t k = i; k > 0 && strcmp(o->groups[k - 1], o->groups[k]) > 0; k--) {
            const char *g = o->groups[k], *f = o->out_groups[k];
            o->groups[k] = o->groups[k - 1];
            o->out_groups[k] = o->out_groups[k - 1];
            o->groups[k - 1] = g;
            o->out_groups[k - 1] = f;
        }
    for (size_t i = 1; i < o->ngroups; i++)
        if (strcmp(o->groups[i - 1], o->groups[i]) == 0) {
            fprintf(stderr, "rsdkgen: --group %s given twice\n", o->groups[i]);
            return false;
        }
    if (o->module == NULL || o->prefix == NULL || o->header == NULL || o->nfiles == 0) {
        usage();
        return false;
    }
    return true;
}

/* The directory of the specs ("spec/core") when they share one, else the
 * file when there is one. (Never a glob: it goes into C comments.) */
static const char *spec_label(char **files, size_t n) {
    if (n == 1) return files[0];
    const char *slash = strrchr(files[0], '/');
    size_t dl = slash ? (size_t)(slash - files[0]) : 0;
    for (size_t i = 1; i < n; i++) {
        const char *s = strrchr(files[i], '/');
        size_t l = s ? (size_t)(s - files[i]) : 0;
        if (l != dl || strncmp(files[i], files[0], dl) != 0) return "several directories";
    }
    return dl ? gen_printf("%.*s", (int)dl, files[0]) : ".";
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool emit_to(const char *path, bool (*fn)(const module *, sb *), const module *m) {
    if (path == NULL) return true;
    sb b = {0};
    bool ok = fn(m, &b) && sb_write_file(&b, path);
    sb_free(&b);
    return ok;
}

static bool run(opts *o) {
    double t0 = now_ms();
    module m = {0};
    m.name = o->module;
    m.prefix = o->prefix;
    m.upper_prefix = gen_upper(o->prefix);
    m.header_path = o->header;
    m.strip = o->strip;
    m.nstrip = o->nstrip;
    m.groups = o->groups;
    m.ngroups = o->ngroups;
    size_t hl = strlen(o->header);
    m.group_dir = gen_printf("%.*s", (int)(hl > 2 && strcmp(o->header + hl - 2, ".h") == 0 ? hl - 2 : hl), o->header);
    m.spec_label = gen_comment_text(o->label ? o->label : spec_label(o->files, o->nfiles), 400);
    bool ok = gen_load(&m, o->files, o->nfiles) && gen_validate(&m) && gen_model(&m) &&
              gen_check_groups(&m);
    if (ok && !o->check) {
        ok = emit_to(o->out_header, gen_emit_header, &m) && emit_to(o->out_meta, gen_emit_meta, &m) &&
             emit_to(o->out_doc, gen_emit_doc, &m) && emit_to(o->out_base, gen_emit_base_header, &m);
        for (size_t i = 0; ok && i < o->ngroups; i++) {
            sb b = {0};
            ok = gen_emit_group_header(&m, o->groups[i], &b) && sb_write_file(&b, o->out_groups[i]);
            sb_free(&b);
        }
        for (size_t i = 0; ok && i < o->nsrc; i++) {
            sb b = {0};
            ok = gen_emit_sources(&m, i, o->nsrc, &b) && sb_write_file(&b, o->out_src[i]);
            sb_free(&b);
        }
    }
    if (!ok && gen_error_count() > 0)
        fprintf(stderr, "rsdkgen: %d error%s; nothing generated\n", gen_error_count(),
                gen_error_count() == 1 ? "" : "s");
    for (size_t i = 0; ok && o->list && i < m.ncmds; i++) {
        const command *c = &m.cmds[i];
        if (gen_is_generated(c))
            printf("%s\t%s\t%s%s%s\t%s\n", c->name, c->fname, gen_result_info(c->result)->kind,
                   c->shapes.root ? "+shape" : "", c->pairs.root ? "+pairs" : "",
                   c->view_sig ? c->view_sig : "");
        else if (c->skip)
            printf("%s\t-\tskipped: %s\n", c->name, c->skip);
    }
    if (ok && o->stats) {
        size_t gen = 0, skipped = 0, containers = 0;
        for (size_t i = 0; i < m.ncmds; i++) {
            if (m.cmds[i].is_container) containers++;
            else if (m.cmds[i].skip) skipped++;
            else gen++;
        }
        fprintf(stderr, "rsdkgen: %s: %zu files, %zu specs: %zu generated, %zu skipped, %zu containers; %.1f ms\n",
                m.name, o->nfiles, m.ncmds, gen, skipped, containers, now_ms() - t0);
    }
    for (size_t i = 0; i < m.nroots; i++) json_decref(m.roots[i]);
    return ok;
}

int main(int argc, char **argv) {
    opts o = {0};
    bool ok = parse(argc, argv, &o) && run(&o);
    free(o.files);
    gen_arena_free();
    return ok ? 0 : 1;
}
