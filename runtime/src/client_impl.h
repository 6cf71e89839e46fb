/* client_impl.h — the sync client's state and the internal calls shared by
 * client*.c, handshake.c, pipeline.c and, later, the session layer (pool,
 * pub/sub, transactions). */
#ifndef RSDK_SRC_CLIENT_IMPL_H
#define RSDK_SRC_CLIENT_IMPL_H

#include "conn.h"
#include "rsdk/client.h"

/* Bytes asked of the reader per read(2): large enough that a pipelined batch
 * or a big value needs few system calls. */
#define RSDK__READ_CHUNK ((size_t)16 * 1024)

/* A write buffer that grew past this is released after the command, so one
 * huge value does not pin memory for the life of the client. */
#define RSDK__WBUF_KEEP ((size_t)1024 * 1024)

struct rsdk_client {
    rsdk_client_opts opts; /* strings point at the owned copies below */
    char *host, *unix_path, *username, *password, *client_name;
    rsdk__conn_upgrade_fn upgrade; /* transport upgrade (TLS), or NULL */
    void *upgrade_arg;

    rsdk__conn *conn;     /* NULL while broken: a late reply is never read */
    rsdk_reader *reader;  /* one per connection; replaced on reconnect */
    rsdk_buf wbuf;        /* reused for every command's encoding */
    int io_timeout_ms;    /* per-wait limit: connect timeout during the
                           * handshake, command timeout afterwards */
    int protocol;         /* 2 or 3 once connected */
    bool push_as_reply;   /* pub/sub: hand RESP3 pushes to the reader of
                           * replies instead of the push handler */
    bool request_sent;    /* some byte of the last write reached the socket:
                           * false after a failure means the request never
                           * left (the retry layer's "safe to resend") */
    rsdk_client_push_fn push_fn;
    void *push_ud;
    rsdk_error err;

    /* Session layer (txn*.c, pubsub*.c). A pool must not hand out a client
     * with in_multi or watching set (close it, or UNWATCH). Both outlive a
     * broken connection on purpose: while in_multi, rsdk__client_ready
     * refuses to reconnect (the rest would run outside MULTI) until the
     * caller ends the transaction; a WATCH whose connection was replaced
     * (connects != watch_connects) makes the next EXEC abort. */
    bool in_multi;   /* inside MULTI: rsdk_txn_multi, or a transaction
                      * pipeline's exec in progress */
    bool watching;   /* WATCH sent, not yet ended by EXEC/DISCARD/UNWATCH */
    uint64_t connects;       /* successful connects so far: a change tells that
                              * subscriptions, WATCH and tracking were lost */
    uint64_t watch_connects; /* `connects` when the WATCH was sent */
    /* Sees each RESP3 push before push_fn; returns true when it took the
     * push over (pub/sub messages, tracking invalidations). */
    bool (*push_hook)(rsdk_client *c, rsdk_reply *push);
    void *push_hook_ud;  /* the hook's own state (the owning subscriber) */
    void (*inval_fn)(const rsdk_reply *keys, void *ud); /* rsdk_invalidate_fn */
    void *inval_ud;
};

/* A pipeline (pipeline.c); transactions (txn*.c) run through exec_hook. */
struct rsdk_pipeline {
    rsdk_client *c;
    rsdk_buf buf;       /* queued, encoded commands */
    size_t count;       /* commands in buf */
    size_t mark;        /* buf.len before the encode in progress */
    rsdk_reply **slots; /* replies of the last exec */
    size_t nslots, cap;
    /* Set when the pipeline is a transaction: runs instead of the plain
     * exec (slots already freed, queue still full). */
    rsdk_status (*exec_hook)(rsdk_pipeline *p);
    rsdk_reply *slots_owner; /* when set, slots point inside this reply
                              * (EXEC's array) and only it is freed */
};

/* Frees the replies of the last exec (pipeline.c). */
void rsdk__pipeline_free_slots(rsdk_pipeline *p);

/* Empties the queue after an exec (pipeline.c). */
void rsdk__pipeline_reset_queue(rsdk_pipeline *p);

/* Grows the slot array to `n` entries. RSDK_OK or RSDK_ERR_NOMEM (pipeline.c). */
rsdk_status rsdk__pipeline_reserve_slots(rsdk_pipeline *p, size_t n);

/* Connects (if needed) and runs the handshake. RSDK_OK or the failure, with
 * c->err filled and the client left broken. */
rsdk_status rsdk__client_connect(rsdk_client *c);

/* Before a command: RSDK_OK when connected; reconnects a broken client when
 * opts.reconnect, else RSDK_ERR_BROKEN. */
rsdk_status rsdk__client_ready(rsdk_client *c);

/* Closes the connection after a failure so nothing more is read from it.
 * Returns `s`. */
rsdk_status rsdk__client_break(rsdk_client *c, rsdk_status s);

/* Writes `len` bytes; breaks the connection on failure. Sets
 * c->request_sent. */
rsdk_status rsdk__client_write(rsdk_client *c, const char *p, size_t len);

/* Reads the next reply (server errors are RSDK_REPLY_ERROR nodes, not
 * failures). RESP3 pushes go to the push handler unless push_as_reply.
 * Breaks the connection on any failure. */
rsdk_status rsdk__client_read_reply(rsdk_client *c, rsdk_reply **out);

/* The handshake on a fresh connection (handshake.c): HELLO or the RESP2
 * sequence, then SELECT. Sets c->protocol. */
rsdk_status rsdk__handshake(rsdk_client *c);

#endif
