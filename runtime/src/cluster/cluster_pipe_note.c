/* The cluster pipeline's routing at queue time: each command's slot is
 * found as it is queued, from its name and one key, so the exec does not
 * read the queue back. A name's route is worked out once from its metadata
 * and kept while the commands that follow bear the same name; what this
 * cannot route (no metadata, several keys, fan-out, pub/sub, MULTI ...
 * EXEC) marks the queue for the general exec, which routes as before. */
#include <strings.h>

#include "alloc.h"
#include "client_cmdview.h"
#include "client_blocking.h"
#include "client_call.h"
#include "cluster_pipe_types.h"
#include "cluster_slot.h"

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

/* Names of up to 8 bytes as one word: their first, middle and last bytes
 * up to 3, two 4-byte words (overlapping) up to 8; with the length, it
 * tells the name. */
static inline uint64_t short_name(const char *a, size_t n) {
    if (n <= 3) {
        const unsigned char *u = (const unsigned char *)a;
        return n == 0 ? 0 : (uint64_t)u[0] | (uint64_t)u[n / 2] << 8 | (uint64_t)u[n - 1] << 16;
    }
    uint32_t x, y;
    memcpy(&x, a, 4);
    memcpy(&y, a + n - 4, 4);
    return (uint64_t)x | (uint64_t)y << 32;
}

/* Whether `name` is the last one looked up: in place up to 8 bytes (a
 * library call costs more than the few bytes of a usual name). */
static inline bool same_name(const rsdk__cpipe *cp, const rsdk__arg *name) {
    size_t n = name->len;
    if (n != cp->namelen || n == 0) return false;
    if (n <= 8) return short_name(name->p, n) == cp->name8;
    return memcmp(name->p, cp->name, n) == 0;
}

/* Looks `name` up (by the name alone, as the general exec finds it first)
 * into the cache: its route, whether it may block or leave session state. */
static void look_up(rsdk__cpipe *cp, const rsdk__arg *name) {
    rsdk__ccmd one = {.argc = 1};
    one.inline_argv[0] = (rsdk__carg){name->p, name->len};
    one.argv = one.inline_argv;
    const rsdk_command_meta *m = rsdk__cindex_find(&cp->cl->index, &one);
    cp->key = route_of_meta(m);
    cp->only_reads = cp->key >= 1 && (m->flags & RSDK_CMD(READONLY));
    cp->blocks = rsdk__name_may_block(name);
    cp->tracks = rsdk__name_may_change_state(name);
    cp->namelen = 0;
    if (name->len <= sizeof cp->name) {
        memcpy(cp->name, name->p, name->len);
        cp->namelen = name->len;
        cp->name8 = name->len <= 8 ? short_name(name->p, name->len) : 0;
    }
}

static bool grow_notes(rsdk__cpipe *cp) {
    size_t cap = cp->capnotes ? cp->capnotes * 2 : 64;
    if (cap > SIZE_MAX / sizeof *cp->off) return false;
    /* One more offset: the exec puts the queue's end after the last. */
    size_t *off = rsdk__realloc(cp->off, (cap + 1) * sizeof *off);
    if (off == NULL) return false;
    cp->off = off;
    int *slot = rsdk__realloc(cp->slot, cap * sizeof *slot);
    if (slot == NULL) return false;
    cp->slot = slot;
    unsigned char *reads = rsdk__realloc(cp->reads, cap);
    if (reads == NULL) return false;
    cp->reads = reads;
    cp->capnotes = cap;
    return true;
}

void rsdk__cpipe_free_notes(rsdk__cpipe *cp) {
    rsdk__free(cp->off);
    rsdk__free(cp->slot);
    rsdk__free(cp->reads);
}

void rsdk__cpipe_forget(rsdk__cpipe *cp) {
    cp->nnotes = 0;
    cp->end = 0;
    cp->slow = false;
}

/* The key of the command whose bytes were just queued, named `name` (the
 * commit read it; len 0: none), key->p NULL when it has none: false when
 * the bytes are not one command. */
static bool key_in_bytes(rsdk__cpipe *cp, const rsdk_pipeline *p, const rsdk__arg *name, size_t start,
                         rsdk__arg *key) {
    if (name->len == 0) return false;
    if (!same_name(cp, name)) look_up(cp, name);
    size_t argc, index = cp->key >= 1 ? (size_t)cp->key : SIZE_MAX;
    /* Exactly one command: bytes past it would be sent unaccounted for. */
    return rsdk__cmd_arg_at(p->buf.data + start, p->buf.len - start, index, key, &argc);
}

/* The key of the command the caller gave as argv (key->p NULL: none). */
static void key_in_argv(rsdk__cpipe *cp, const rsdk__arg *name, size_t argc, const char *const *argv,
                        const size_t *argvlen, rsdk__arg *key) {
    if (!same_name(cp, name)) look_up(cp, name);
    if (cp->key >= 1 && (size_t)cp->key < argc)
        *key = (rsdk__arg){argv[cp->key], argvlen ? argvlen[cp->key] : strlen(argv[cp->key])};
}

/* Any command: the general case of rsdk__cpipe_note, out of line so that
 * the usual one does not pay for its registers. */
static __attribute__((noinline)) void note_any(rsdk_pipeline *p, rsdk__cpipe *cp, const rsdk__arg *name,
                                               size_t start, size_t argc, const char *const *argv,
                                               const size_t *argvlen, const rsdk__arg *given) {
    if (start == 0) rsdk__cpipe_forget(cp); /* a new queue (after an exec or a discard) */
    rsdk__arg key = {NULL, 0};
    if (given != NULL) {
        if (!same_name(cp, name)) look_up(cp, name);
        if (cp->key >= 1) key = *given; /* the encoder's word, where the metadata wants a key */
    } else if (argv != NULL) {
        key_in_argv(cp, name, argc, argv, argvlen, &key);
    } else if (!key_in_bytes(cp, p, name, start, &key)) {
        /* Not the writer's shape: the general exec sees to it (the commit
         * counted it as blocking and stateful when it had no name). */
        if (name->len) {
            p->may_block |= rsdk__name_may_block(name);
            p->may_state |= rsdk__name_may_change_state(name);
        }
        cp->slow = true;
        return;
    }
    p->may_block |= cp->blocks;
    p->may_state |= cp->tracks;
    if (cp->slow || cp->key == RSDK__CP_SLOW || start != cp->end ||
        (cp->nnotes == cp->capnotes && !grow_notes(cp))) {
        cp->slow = true;
        return;
    }
    cp->off[cp->nnotes] = start;
    cp->reads[cp->nnotes] = cp->only_reads && key.p;
    /* No key where one is due: any primary, whose server says so. */
    cp->slot[cp->nnotes++] = key.p ? (int)rsdk_cluster_keyslot(key.p, key.len) : -1;
    cp->end = p->buf.len;
}

void rsdk__cpipe_note(rsdk_pipeline *p, const rsdk__arg *name, size_t start, size_t argc,
                      const char *const *argv, const size_t *argvlen, const rsdk__arg *given) {
    rsdk__cpipe *cp = p->hook_ctx;
    /* The usual command: named as the last one, which has one key, behind
     * the commands noted so far, with room for its note, its key given by
     * its encoder or found where the name says among lengths given. */
    if (!cp->slow && start != 0 && start == cp->end && cp->nnotes < cp->capnotes && same_name(cp, name) &&
        cp->key >= 1 && (given != NULL || (argvlen != NULL && (size_t)cp->key < argc))) {
        rsdk__arg key = given ? *given : (rsdk__arg){argv[cp->key], argvlen[cp->key]};
        size_t i = cp->nnotes++;
        p->may_block |= cp->blocks;
        p->may_state |= cp->tracks;
        cp->off[i] = start;
        cp->reads[i] = cp->only_reads;
        cp->slot[i] = (int)rsdk__keyslot(key.p, key.len);
        cp->end = p->buf.len;
        return;
    }
    note_any(p, cp, name, start, argc, argv, argvlen, given);
}
