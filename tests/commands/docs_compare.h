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
    char scope[64];    /* server keys or patterns: "redis-7.0 valkey-*", "*" */
    char pattern[DC_LINE];
    char reason[320];
    size_t hits;
} dc_allow;

/* Reads `path`: lines "servers | pattern | reason", '#' comments. Returns
 * the number of entries (at most `cap`), or -1 when the file cannot be read
 * or a line is malformed (the message says which, in `why`). */
int dc_allow_load(const char *path, dc_allow *out, size_t cap, char *why, size_t whylen);

/* True when one of the entry's server patterns matches `server_key`
 * ("redis-7.0", "valkey-9.1": rsdk_test_server_ident.key). */
bool dc_allow_in_scope(const dc_allow *a, const char *server_key);

/* The first entry for `server_key` that explains `diff` (its hits counted),
 * or NULL. */
dc_allow *dc_allow_match(dc_allow *list, size_t n, const char *diff, const char *server_key);

#endif
