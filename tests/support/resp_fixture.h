/* Shared helpers for the reply reader tests: captured sample files, a
 * compact text dump of reply trees, deep comparison and feeding in pieces.
 * Allocation counting and refusal: support/fail_alloc.h. */
#ifndef RSDK_TESTS_RESP_FIXTURE_H
#define RSDK_TESTS_RESP_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "rsdk/reader.h"
#include "rsdk/reply.h"

/* Reads a runfile such as "tests/data/resp3_map.bin" (relative to the
 * runfiles root). Returns a malloc'ed buffer (caller frees) and its length;
 * fails the current test when the file is missing. */
char *fx_load(const char *rel, size_t *len);

/* Writes a one-line text form of `r` into `out` (NUL-terminated, cut at
 * `cap`). Strings are quoted with C escapes; types by their RESP3 byte:
 * "abc" +"OK" -"ERR x" :12 ,3.14 _ #t (123 =txt:"x" *[..] %{k:v} ~[..] >[..],
 * and an attribute as |%{..} before its node. Returns out. */
char *fx_dump(const rsdk_reply *r, char *out, size_t cap);

/* True when both trees have the same types, values, bytes and shape. */
bool fx_tree_equal(const rsdk_reply *a, const rsdk_reply *b);

/* Feeds `len` bytes into a new default reader in pieces of `chunk` bytes (0:
 * all at once), or, when `split` is non-zero, in two pieces cut at `split`.
 * Collects up to `max` replies into out[] after each piece. Returns the
 * number of replies; asserts that no call failed and nothing is left over
 * when `complete` is true. */
size_t fx_parse(const char *data, size_t len, size_t chunk, size_t split, rsdk_reply **out, size_t max,
                bool complete);

/* Frees n replies. */
void fx_free_all(rsdk_reply **r, size_t n);

/* Feeds `text` into `r` and returns the status of one rsdk_reader_get. */
rsdk_status fx_feed_get(rsdk_reader *r, const char *text, size_t len, rsdk_reply **out);

#endif
