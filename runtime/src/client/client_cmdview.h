/* client_cmdview.h — what the client reads of the encoded commands it
 * sends (client_cmdview.c). */
#ifndef RSDK_SRC_CLIENT_CMDVIEW_H
#define RSDK_SRC_CLIENT_CMDVIEW_H

#include <stdbool.h>
#include <stddef.h>

/* One argument of an encoded command (client_cmdview.c). */
typedef struct rsdk__arg {
    const char *p;
    size_t len;
} rsdk__arg;

/* What the client reads of a command it sends: its first arguments (the
 * name first), their count and the last one. */
#define RSDK__CMD_VIEW_ARGS 16
typedef struct rsdk__cmd_view {
    rsdk__arg arg[RSDK__CMD_VIEW_ARGS]; /* arg[0..min(argc, 16)) */
    size_t argc;                        /* every argument, name included */
    rsdk__arg last;                     /* the last argument */
} rsdk__cmd_view;

/* Reads the command at *pos of p[0..len) (a RESP array of bulk strings, as
 * the writer makes them) and moves past it. False when the bytes are not
 * that shape (hand-made input): the caller then assumes the worst. */
bool rsdk__cmd_next(const char *p, size_t len, size_t *pos, rsdk__cmd_view *v);

/* The first command's name alone, cheaply (a pipeline's commit). */
bool rsdk__cmd_peek_name(const char *p, size_t len, rsdk__arg *name);

/* The first command's name and first argument only (arg[0], arg[1] when
 * argc > 1; `last` is not set): what session tracking needs of a lone
 * command, without walking the rest of it. */
bool rsdk__cmd_head(const char *p, size_t len, rsdk__cmd_view *v);

/* The one command in p[0..len): its argument count and argument `index`
 * (arg->p NULL when it has none). False unless the bytes are exactly one
 * command of the writer's shape (a cluster pipeline's note of a command
 * a generated _queue call wrote). */
bool rsdk__cmd_arg_at(const char *p, size_t len, size_t index, rsdk__arg *arg, size_t *argc);

#endif
