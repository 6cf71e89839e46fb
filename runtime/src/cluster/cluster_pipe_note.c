/* The cluster pipeline's routing at queue time: each command's slot is
 * found as it is queued, from its name and one key, so the exec does not
 * read the queue back. A name's route is worked out once from its metadata
 * and kept while the commands that follow bear the same name; what this
 * cannot route (no metadata, several keys, fan-out, pub/sub, MULTI ...
 * EXEC) marks the queue for the general exec, which routes as before. */
#include <strings.h>

#include "alloc.h"
#include "client_cmdview.h"
#include "cluster_pipe.h"

static bool is_named(const rsdk_command_meta *m, const char *name) {
    return strcasecmp(m->name, name) == 0;
}

/* The route a command's metadata gives: its one key's argv index, any
 * primary for a keyless command without a request policy, else slow. */
static int route_of_meta(const rsdk_command_meta *m) {
    if (m == NULL || (m->flags & RSDK_CMD(PUBSUB)) || is_named(m, "MULTI") || is_named(m, "EXEC") ||
        is_named(m, "DISCARD"))
        return RSDK__CP_SLOW;
    for (size_t i = 0; i < m->ntips; i++)
        if (strncasecmp(m->tips[i], "REQUEST_POLICY:", 15) == 0) return RSDK__CP_SLOW;
    if (m->nkey_specs == 0) return RSDK__CP_ANY;
    const rsdk_key_spec_meta *ks = &m->key_specs[0];
    if (m->nkey_specs == 1 && !(ks->flags & RSDK_KEY_NOT_KEY) && ks->begin == RSDK_KEY_BEGIN_INDEX &&
        ks->find == RSDK_KEY_FIND_RANGE && ks->lastkey == 0 && ks->index >= 1 &&
        ks->index < RSDK__CMD_VIEW_ARGS)
        return ks->index;
    return RSDK__CP_SLOW;
}

/* The route of the command named `name`: the last one's when named alike,
 * else looked up by the name alone (as the general exec finds it first). */
static int route_of_name(rsdk__cpipe *cp, const rsdk__arg *name) {
    if (name->len == cp->namelen && name->len && memcmp(name->p, cp->name, name->len) == 0) return cp->key;
    rsdk__ccmd one = {.argc = 1};
    one.inline_argv[0] = (rsdk__carg){name->p, name->len};
    one.argv = one.inline_argv;
    int key = route_of_meta(rsdk__cindex_find(&cp->cl->index, &one));
    cp->namelen = 0;
    if (name->len <= sizeof cp->name) {
        memcpy(cp->name, name->p, name->len);
        cp->namelen = name->len;
        cp->key = key;
    }
    return key;
}

static bool grow_notes(rsdk__cpipe *cp) {
    size_t cap = cp->capnotes ? cp->capnotes * 2 : 64;
    if (cap > SIZE_MAX / sizeof *cp->notes) return false;
    rsdk__cpnote *n = rsdk__realloc(cp->notes, cap * sizeof *n);
    if (n == NULL) return false;
    cp->notes = n;
    cp->capnotes = cap;
    return true;
}

void rsdk__cpipe_forget(rsdk__cpipe *cp) {
    cp->nnotes = 0;
    cp->end = 0;
    cp->slow = false;
}

/* The command's slot from the caller's argv, or from the queued bytes
 * (argv NULL); false when it has none to go by, or the bytes are not one
 * command. */
static bool slot_of(rsdk__cpipe *cp, const rsdk_pipeline *p, size_t start, size_t argc,
                    const char *const *argv, const size_t *argvlen, int *slot) {
    rsdk__cmd_view v;
    rsdk__arg name;
    const char *data = p->buf.data + start;
    size_t len = p->buf.len - start;
    if (argv != NULL) {
        name = (rsdk__arg){argv[0], argvlen ? argvlen[0] : strlen(argv[0])};
    } else {
        /* Exactly one command: bytes past it would be sent unaccounted for. */
        size_t pos = 0;
        if (!rsdk__cmd_next(data, len, &pos, &v) || pos != len) return false;
        name = v.arg[0];
        argc = v.argc;
    }
    int key = route_of_name(cp, &name);
    if (key == RSDK__CP_SLOW) return false;
    if (key == RSDK__CP_ANY || (size_t)key >= argc) { /* no key given: the server says so */
        *slot = -1;
        return true;
    }
    rsdk__arg k = argv != NULL ? (rsdk__arg){argv[key], argvlen ? argvlen[key] : strlen(argv[key])}
                               : v.arg[key];
    *slot = (int)rsdk_cluster_keyslot(k.p, k.len);
    return true;
}

void rsdk__cpipe_note(rsdk_pipeline *p, size_t start, size_t argc, const char *const *argv,
                      const size_t *argvlen) {
    rsdk__cpipe *cp = p->hook_ctx;
    if (start == 0) rsdk__cpipe_forget(cp); /* a new queue (after an exec or a discard) */
    int slot;
    if (cp->slow || start != cp->end || (cp->nnotes == cp->capnotes && !grow_notes(cp)) ||
        !slot_of(cp, p, start, argc, argv, argvlen, &slot)) {
        cp->slow = true;
        return;
    }
    cp->notes[cp->nnotes++] = (rsdk__cpnote){start, slot};
    cp->end = p->buf.len;
}
