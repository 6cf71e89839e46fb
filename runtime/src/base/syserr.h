/* syserr.h — the text of an errno value, safe from any thread (strerror(3)
 * may share one buffer between threads; strerror_r does not). */
#ifndef RSDK_SRC_SYSERR_H
#define RSDK_SRC_SYSERR_H

/* Room for one message. */
typedef struct rsdk__errtext {
    char text[96];
} rsdk__errtext;

/* The text of `e`, written into `buf` and returned. */
const char *rsdk__strerror(int e, rsdk__errtext *buf);

/* The same with a buffer that lives until the end of the enclosing full
 * expression's block: RSDK__STRERROR(errno) where strerror(errno) was. */
#define RSDK__STRERROR(e) rsdk__strerror((e), &(rsdk__errtext){{0}})

#endif
