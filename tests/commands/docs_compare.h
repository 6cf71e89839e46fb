/* tests/commands/docs_compare.h — the core specs (as compiled into
 * rcore_commands[]) against a server's own COMMAND DOCS and COMMAND INFO.
 *
 * Differences come out as one line each, in a stable form the allow-list
 * (docs_diff_allow.txt) can name:
 *   "SET: arity: server -3, spec -3"
 *   "CLIENT LIST: arg /client-type: name: server \"normal_master_replica_pubsub\""
 * Arguments and deprecations whose version is newer than the server's are
 * expected to be absent and are only counted. */
#ifndef RSDK_TEST_DOCS_COMPARE_H
#define RSDK_TEST_DOCS_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "rsdk/command_meta.h"
#include "rsdk/reply.h"

#define DC_MAX_DIFFS 1024
#define DC_LINE 320

typedef struct dc_result {
    size_t compared;        /* commands the server documents */
    size_t unknown;         /* generated commands the server does not document */
    size_t newer_args;      /* spec arguments newer than the server: not compared */
    size_t newer_deprecations; /* deprecated_since newer than the server */
    size_t ndiffs;
    char diffs[DC_MAX_DIFFS][DC_LINE];
} dc_result;

/* Compares every command of `table` with `docs` (the reply of COMMAND DOCS)
 * and `info` (COMMAND INFO), for a server of version `server_version`.
 * Works on RESP2 and RESP3 replies alike. */
void dc_compare(const rsdk_command_meta *table, size_t n, const rsdk_reply *docs,
                const rsdk_reply *info, const char *server_version, dc_result *out);

/* ---- allow-list ------------------------------------------------------------ */

typedef struct dc_allow {
    char scope[16];    /* "*" or "<7.2.0" */
    char pattern[DC_LINE];
    char reason[256];
    size_t hits;
} dc_allow;

/* Reads `path`: lines "scope | pattern | reason", '#' comments. Returns the
 * number of entries (at most `cap`), or -1 when the file cannot be read or
 * a line is malformed (the message says which, in `why`). */
int dc_allow_load(const char *path, dc_allow *out, size_t cap, char *why, size_t whylen);

/* The entry that explains `diff` on a server of `server_version`, or NULL. */
dc_allow *dc_allow_match(dc_allow *list, size_t n, const char *diff, const char *server_version);

#endif
