/* async_pubsub.h — the async client's subscriptions, messages and pushes
 * (async_pubsub.c). */
#ifndef RSDK_SRC_ASYNC_PUBSUB_H
#define RSDK_SRC_ASYNC_PUBSUB_H

#include "async_state.h"

/* What a reply is to pub/sub. */
typedef enum rsdk__pushkind {
    RSDK__PUSH_NONE = 0, /* an ordinary reply or another push */
    RSDK__PUSH_MESSAGE,  /* a message of a subscription */
    RSDK__PUSH_CONFIRM,  /* the server's confirmation of one (un)subscribed name */
} rsdk__pushkind;

/* Classifies `r`: a RESP3 push, or on RESP2 an array shaped like one. */
rsdk__pushkind rsdk__asub_classify(const rsdk_async *a, const rsdk_reply *r);

/* True when confirmation `r` (RSDK__PUSH_CONFIRM) is of an unsubscribe. */
bool rsdk__asub_is_unsub(const rsdk_reply *r);

/* True when confirmation `r`, which answers no command at the head, is
 * the server's own (a push, or on RESP2 a subscribed connection's
 * array); an unsubscribe's name (a shard channel whose slot moved) is
 * then forgotten, so a reconnect does not restore it. */
bool rsdk__asub_unsolicited(rsdk_async *a, const rsdk_reply *r);

/* Hands a message to the message callback; takes `r`. */
void rsdk__asub_deliver(rsdk_async *a, rsdk_reply *r);

/* Hands another push to the push callback; takes `r`. */
void rsdk__asub_push(rsdk_async *a, rsdk_reply *r);

/* Encodes one (UN)(P|S)SUBSCRIBE of `n` names into `b`. */
rsdk_status rsdk__asub_encode(rsdk_buf *b, rsdk_pubsub_kind kind, bool unsub, const rsdk_str *names,
                              size_t n);

/* Encodes the commands that restore every subscription into `b`; returns
 * the confirmations they bring (0: nothing to restore). */
size_t rsdk__asub_encode_all(const rsdk_async *a, rsdk_buf *b);

/* Records names as subscribed (RSDK_ERR_NOMEM leaves nothing added), or
 * forgets them. */
rsdk_status rsdk__asub_add(rsdk_async *a, rsdk_pubsub_kind kind, const rsdk_str *names, size_t n);
void rsdk__asub_remove(rsdk_async *a, rsdk_pubsub_kind kind, const rsdk_str *names, size_t n);

/* Frees the registry. */
void rsdk__asub_free(rsdk_async *a);

#endif
