/* Pass 1: load spec files. Two layouts are accepted, both a JSON object
 * mapping command names to descriptors:
 *   - Redis core: one command per file; a subcommand's key is only its own
 *     word and "container" names the parent ("LIST" + "CLIENT").
 *   - modules: one file maps every full name ("JSON.SET", "FT.SEARCH") to its
 *     descriptor. A full name with a space ("JSON.DEBUG MEMORY") is a
 *     subcommand: its container is the name before the last space (a
 *     container spec of that name, if present, gets no binding), and the two
 *     parts are sent as two words. */
#include <stdlib.h>
#include <string.h>

#include "rsdkgen.h"

static int by_name(const void *a, const void *b) {
    const command *x = a, *y = b;
    return strcmp(x->name, y->name);
}

bool gen_load(module *m, char **files, size_t nfiles) {
    size_t cap = 0;
    m->roots = gen_alloc(sizeof(json_t *) * (nfiles ? nfiles : 1));
    for (size_t i = 0; i < nfiles; i++) {
        json_error_t je;
        json_t *root = json_load_file(files[i], JSON_REJECT_DUPLICATES, &je);
        if (root == NULL) {
            gen_error(files[i], NULL, NULL, "line %d: %s", je.line, je.text);
            continue;
        }
        m->roots[m->nroots++] = root;
        if (!json_is_object(root) || json_object_size(root) == 0) {
            gen_error(files[i], NULL, NULL, "expected an object mapping command names to descriptors");
            continue;
        }
        const char *key;
        json_t *desc;
        bool several = json_object_size(root) > 1;
        json_object_foreach(root, key, desc) {
            if (m->ncmds == cap) {
                cap = cap ? cap * 2 : 512;
                command *n = gen_alloc(sizeof(command) * cap);
                if (m->ncmds) memcpy(n, m->cmds, sizeof(command) * m->ncmds);
                m->cmds = n;
            }
            command *c = &m->cmds[m->ncmds++];
            memset(c, 0, sizeof *c);
            c->file = files[i];
            c->key = key;
            c->j = desc;
            c->name = gen_upper(key);
            json_t *ct = json_is_object(desc) ? json_object_get(desc, "container") : NULL;
            c->module_layout = several && ct == NULL;
            if (json_is_string(ct)) {
                c->container = gen_upper(json_string_value(ct));
                c->name = gen_printf("%s %s", c->container, c->name);
            } else if (c->module_layout && strrchr(key, ' ') != NULL) {
                const char *sp = strrchr(key, ' ');
                c->container = gen_upper(gen_printf("%.*s", (int)(sp - key), key));
                c->key = sp + 1;
            }
        }
    }
    if (m->ncmds > 1) qsort(m->cmds, m->ncmds, sizeof(command), by_name);
    for (size_t i = 1; i < m->ncmds; i++)
        if (strcmp(m->cmds[i].name, m->cmds[i - 1].name) == 0)
            gen_error(m->cmds[i].file, &m->cmds[i], NULL, "defined twice (also in %s)",
                      m->cmds[i - 1].file);
    /* Containers: their subcommands name them. A container is not a command
     * of its own here (it needs a subcommand word). */
    for (size_t i = 0; i < m->ncmds; i++) {
        command *c = &m->cmds[i];
        if (c->container == NULL) continue;
        command key = {.name = c->container};
        command *parent = bsearch(&key, m->cmds, m->ncmds, sizeof(command), by_name);
        if (parent != NULL)
            parent->is_container = true;
        else if (!c->module_layout)
            gen_error(c->file, c, NULL, "container %s has no spec", c->container);
    }
    return gen_error_count() == 0;
}
