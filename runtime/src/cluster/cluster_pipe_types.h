/* cluster_pipe_types.h — the cluster's pipeline object's state, shared by
 * its files and owned by none of them. Each command's route is noted as it
 * is queued (cluster_pipe_note.c); an exec whose every command was routed
 * so goes the fast way (cluster_pipe_send.c), any other through
 * rsdk__cluster_send_spared (cluster_pipeline.c), which reads the queue
 * back. */
#ifndef RSDK_SRC_CLUSTER_PIPE_TYPES_H
#define RSDK_SRC_CLUSTER_PIPE_TYPES_H

#include "cluster_types.h"
#include "pipeline.h"

/* What the last name routed by says (rsdk__cpipe.key). */
#define RSDK__CP_SLOW (-2) /* not by its name and one key: the general exec */
#define RSDK__CP_ANY (-1)  /* keyless: any primary */

typedef struct rsdk__cpipe {
    rsdk_cluster *cl;
    /* Per noted command: where it starts in the queue (off[nnotes] is room
     * for the queue's end, set by the exec) and its slot (-1: any primary). */
    size_t *off;
    int *slot;
    unsigned char *reads; /* 1: a command with a key that only reads */
    size_t nnotes, capnotes;
    size_t end; /* the queue's length after the last noted command */
    bool slow;  /* a command was not noted: the general exec */
    /* The last name looked up (namelen 0: none), its route (its key's argv
     * index, RSDK__CP_ANY or RSDK__CP_SLOW), whether it may block or leave
     * session state, and whether it only reads (READONLY, with a key). */
    char name[32];
    size_t namelen;
    uint64_t name8; /* the name as one word when it has up to 8 bytes */
    int key;
    bool blocks, tracks, only_reads;
    /* The fast exec's work, kept for the next exec: per command its shard,
     * group and reply from its group; the groups' bytes. */
    uint16_t *shard;
    unsigned char *group;
    rsdk_reply **got;
    size_t capwork;
    char *bytes;
    size_t capbytes;
} rsdk__cpipe;

/* The pipeline's note_hook (cluster_pipe_note.c): notes the command queued
 * at `start` with its slot (of `key` when its encoder gave it), or marks
 * the queue slow. */
void rsdk__cpipe_note(rsdk_pipeline *p, const rsdk__arg *name, size_t start, size_t argc,
                      const char *const *argv, const size_t *argvlen, const rsdk__arg *key);

/* Forgets the notes (the queue was emptied) (cluster_pipe_note.c). */
void rsdk__cpipe_forget(rsdk__cpipe *cp);

/* Frees the notes (cluster_pipe_note.c). */
void rsdk__cpipe_free_notes(rsdk__cpipe *cp);

/* Sends the queue of `p` the fast way when every command was noted and
 * has a node: replies into p->slots (n = p->count of them), the last
 * exec's old[0..nold) recycled, *out the call's status. False, with
 * nothing sent and old untouched, when it cannot (cluster_pipe_send.c). */
bool rsdk__cpipe_send_fast(rsdk__cpipe *cp, rsdk_pipeline *p, rsdk_reply **old, size_t nold,
                           rsdk_status *out);

/* Frees what the fast exec keeps (cluster_pipe_send.c). */
void rsdk__cpipe_free_work(rsdk__cpipe *cp);

#endif
