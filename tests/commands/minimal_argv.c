/* The minimal argv of a command, built from the public metadata alone (the
 * rule docs/codegen.md states under "Metadata"). */
#include <stdio.h>
#include <string.h>

#include "minimal.h"

typedef struct walk {
    mc_ctx *v;
    mc_argv *out;
    bool ok;
} walk;

static void push(walk *w, const char *s) {
    if (!w->ok) return;
    if (w->out->argc == MC_MAX_ARGS) {
        snprintf(w->v->problem, sizeof w->v->problem, "%s: more than %d arguments", w->v->cmd->name,
                 MC_MAX_ARGS);
        w->ok = false;
        return;
    }
    /* The spec token "" (MIGRATE) stands for an empty argument. */
    if (strcmp(s, "\"\"") == 0) s = "";
    w->out->argv[w->out->argc] = s;
    w->out->len[w->out->argc] = strlen(s);
    w->out->argc++;
}

static void value(walk *w, const rsdk_arg_meta *a, const char *path);

/* One required (or chosen) argument. `next` is its next sibling or NULL. */
static void arg(walk *w, const rsdk_arg_meta *a, const rsdk_arg_meta *next, const char *path) {
    if (a->type == RSDK_ARG_PURE_TOKEN) {
        push(w, a->token);
        return;
    }
    if (a->token) push(w, a->token);
    if (a->flags & RSDK_ARGF_COUNT) {
        /* The count of the array that follows: one element, or none when
         * that array is optional and so left out (EVAL script 0). */
        push(w, next != NULL && (next->flags & RSDK_ARGF_OPTIONAL) ? "0" : "1");
        return;
    }
    value(w, a, path); /* MULTIPLE: one value */
}

static void value(walk *w, const rsdk_arg_meta *a, const char *path) {
    char sub[256];
    switch (a->type) {
    case RSDK_ARG_ONEOF: {
        size_t i = mc_choice(w->v, path);
        if (i >= a->nchildren) {
            snprintf(w->v->problem, sizeof w->v->problem, "%s: %s: choice %zu out of range",
                     w->v->cmd->name, path, i);
            w->ok = false;
            return;
        }
        snprintf(sub, sizeof sub, "%s.%s", path, a->children[i].name);
        arg(w, &a->children[i], NULL, sub); /* chosen: sent even when marked optional */
        return;
    }
    case RSDK_ARG_BLOCK:
        for (size_t i = 0; i < a->nchildren; i++) {
            if (a->children[i].flags & RSDK_ARGF_OPTIONAL) continue;
            snprintf(sub, sizeof sub, "%s.%s", path, a->children[i].name);
            arg(w, &a->children[i], i + 1 < a->nchildren ? &a->children[i + 1] : NULL, sub);
        }
        return;
    default: push(w, mc_value(w->v, path, a->type)); return;
    }
}

bool mc_build_argv(mc_ctx *v, mc_argv *out) {
    walk w = {v, out, true};
    out->argc = 0;
    /* "CLIENT LIST" is two words; the metadata keeps the name with a space. */
    char (*words)[64] = out->words;
    const char *name = v->cmd->name;
    const char *sp = strchr(name, ' ');
    if (sp == NULL) {
        push(&w, name);
    } else {
        snprintf(words[0], sizeof out->words[0], "%.*s", (int)(sp - name), name);
        snprintf(words[1], sizeof out->words[1], "%s", sp + 1);
        push(&w, words[0]);
        push(&w, words[1]);
    }
    for (size_t i = 0; i < v->cmd->nargs; i++) {
        const rsdk_arg_meta *a = &v->cmd->args[i];
        if (a->flags & RSDK_ARGF_OPTIONAL) continue;
        arg(&w, a, i + 1 < v->cmd->nargs ? &v->cmd->args[i + 1] : NULL, a->name);
    }
    return w.ok && v->problem[0] == '\0';
}
