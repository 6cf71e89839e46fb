/* libFuzzer target for the reply reader.
 *
 * The first input byte picks how the rest is fed: bits 0-5 a chunk size
 * (0 = whole), bit 6 the zero-copy space/commit path, bit 7 tight limits.
 * The same bytes are also fed whole to a second reader, and both must give
 * the same replies and the same verdict: a bug in resuming a reply across
 * feeds shows up as a difference, not only as a crash. The split feed hands
 * its copies of the replies back to its reader (as a pipeline does), so
 * later replies are built in reused blocks of every size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsdk/reader.h"
#include "runtime/src/protocol/reader_spare.h"
#include "runtime/src/protocol/reply_arena.h"
#include "tests/fuzz/fuzz_tree.h"

#define MAX_KEEP 64

typedef struct {
    rsdk_reply *kept[MAX_KEEP];
    size_t n;
    rsdk_status verdict;
} run;

static void drain(rsdk_reader *rd, run *out, int recycle) {
    while (out->verdict == RSDK_OK) {
        rsdk_reply *r = NULL;
        out->verdict = rsdk_reader_get(rd, &r);
        if (out->verdict != RSDK_OK || !r) return;
        fuzz_walk(r, 0);
        rsdk_reply *copy = rsdk__reply_copy(r);
        fuzz_check(copy && fuzz_same(copy, r), "copy differs");
        if (recycle) rsdk__reader_recycle(rd, copy);
        else rsdk_reply_free(copy);
        if (out->n < MAX_KEEP) out->kept[out->n++] = r;
        else rsdk_reply_free(r);
    }
}

static void feed(const uint8_t *p, size_t len, size_t chunk, int zero_copy, const rsdk_reader_limits *lim, run *out) {
    rsdk_reader *rd = NULL;
    fuzz_check(rsdk_reader_new(lim, &rd) == RSDK_OK, "reader_new");
    size_t step = chunk ? chunk : (len ? len : 1);
    for (size_t off = 0; off < len && out->verdict == RSDK_OK; off += step) {
        size_t k = len - off < step ? len - off : step;
        if (zero_copy) {
            char *area = NULL;
            size_t avail = 0;
            out->verdict = rsdk_reader_space(rd, k, &area, &avail);
            if (out->verdict) break;
            fuzz_check(avail >= k, "space smaller than asked");
            memcpy(area, p + off, k);
            rsdk_reader_commit(rd, k);
        } else {
            out->verdict = rsdk_reader_feed(rd, (const char *)p + off, k);
        }
        drain(rd, out, chunk != 0 || zero_copy);
    }
    if (out->verdict == RSDK_ERR_PROTOCOL) {
        const rsdk_error *e = rsdk_reader_error(rd);
        fuzz_check(e->code == RSDK_ERR_PROTOCOL && strncmp(e->message, "protocol: ", 10) == 0, "bad error record");
        rsdk_reply *r = NULL;
        fuzz_check(rsdk_reader_feed(rd, "+OK\r\n", 5) == RSDK_ERR_PROTOCOL, "dead reader took input");
        fuzz_check(rsdk_reader_get(rd, &r) == RSDK_ERR_PROTOCOL && r == NULL, "dead reader gave a reply");
    } else {
        fuzz_check(out->verdict == RSDK_OK, "unexpected status");
    }
    rsdk_reader_free(rd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint8_t mode = data[0];
    const uint8_t *p = data + 1;
    size_t len = size - 1;
    rsdk_reader_limits lim;
    rsdk_reader_limits_init(&lim);
    if (mode & 0x80) {
        lim.max_bulk_bytes = 64;
        lim.max_elements = 16;
        lim.max_depth = 8;
        lim.max_reply_bytes = 512;
    }
    run whole, split;
    memset(&whole, 0, sizeof whole);
    memset(&split, 0, sizeof split);
    feed(p, len, 0, 0, &lim, &whole);
    feed(p, len, mode & 0x3f, mode & 0x40, &lim, &split);
    fuzz_check(whole.verdict == split.verdict, "whole and split feeds disagree on the verdict");
    fuzz_check(whole.n == split.n, "whole and split feeds give different reply counts");
    for (size_t i = 0; i < whole.n; i++) fuzz_check(fuzz_same(whole.kept[i], split.kept[i]), "whole and split trees differ");
    for (size_t i = 0; i < whole.n; i++) {
        rsdk_reply_free(whole.kept[i]);
        rsdk_reply_free(split.kept[i]);
    }
    return 0;
}
