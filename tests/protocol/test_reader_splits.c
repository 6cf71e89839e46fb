/* The reader gives identical trees however the input is cut: whole, byte
 * by byte, at every two- and three-part split, through the zero-copy
 * space/commit path, and with replies straddling buffer refills. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "support/resp_fixture.h"
#include "support/fail_alloc.h"
#include "rsdk/reader.h"

#define MAX_REPLIES 4

typedef struct {
    char name[320];
    char *data;
    size_t len;
} capture;

/* Loads every .bin under tests/data (and tests/data/redisearch, whose files
 * lost their last "\n" when captured: it is put back). */
static size_t load_all(capture *out, size_t max) {
    static const char *const dirs[] = {"tests/data", "tests/data/redisearch"};
    size_t n = 0;
    for (size_t d = 0; d < 2; d++) {
        DIR *dir = opendir(dirs[d]);
        if (!dir) fail_msg("cannot list %s", dirs[d]);
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            size_t l = strlen(e->d_name);
            if (l < 5 || strcmp(e->d_name + l - 4, ".bin") != 0) continue;
            assert_true(n < max);
            snprintf(out[n].name, sizeof out[n].name, "%s/%s", dirs[d], e->d_name);
            out[n].data = fx_load(out[n].name, &out[n].len);
            if (d == 1 && out[n].data[out[n].len - 1] == '\r') {
                out[n].data = realloc(out[n].data, out[n].len + 1);
                out[n].data[out[n].len++] = '\n';
            }
            n++;
        }
        closedir(dir);
    }
    assert_true(n >= 60);
    return n;
}

static void free_all(capture *c, size_t n) {
    for (size_t i = 0; i < n; i++) free(c[i].data);
}

static void same_trees(const capture *c, rsdk_reply **ref, size_t nref, rsdk_reply **got, size_t ngot,
                       const char *how, size_t at) {
    if (ngot != nref) fail_msg("%s (%s %zu): %zu replies, expected %zu", c->name, how, at, ngot, nref);
    for (size_t i = 0; i < ngot; i++) {
        if (!fx_tree_equal(ref[i], got[i])) {
            char a[1024], b[1024];
            fail_msg("%s (%s %zu) reply %zu differs:\n %s\n %s", c->name, how, at, i, fx_dump(ref[i], a, sizeof a),
                     fx_dump(got[i], b, sizeof b));
        }
    }
    fx_free_all(got, ngot);
}

static void every_sample_same_tree_whole_bytewise_and_at_every_split(void **st) {
    (void)st;
    capture caps[80];
    size_t n = load_all(caps, 80);
    for (size_t i = 0; i < n; i++) {
        const capture *c = &caps[i];
        const bool done = true;
        rsdk_reply *ref[MAX_REPLIES], *got[MAX_REPLIES];
        size_t nref = fx_parse(c->data, c->len, 0, 0, ref, MAX_REPLIES, done);
        assert_int_equal(nref, strstr(c->name, "resp3_push") ? 2 : 1);

        size_t ngot = fx_parse(c->data, c->len, 1, 0, got, MAX_REPLIES, done);
        same_trees(c, ref, nref, got, ngot, "byte by byte", 1);
        for (size_t chunk = 2; chunk < 9; chunk++) {
            ngot = fx_parse(c->data, c->len, chunk, 0, got, MAX_REPLIES, done);
            same_trees(c, ref, nref, got, ngot, "chunks of", chunk);
        }
        for (size_t at = 1; at < c->len; at++) {
            ngot = fx_parse(c->data, c->len, 0, at, got, MAX_REPLIES, done);
            same_trees(c, ref, nref, got, ngot, "split at", at);
        }
        fx_free_all(ref, nref);
    }
    free_all(caps, n);
}

/* Three pieces: every pair of cut points (the small captures only). */
static void small_samples_same_tree_at_every_three_part_split(void **st) {
    (void)st;
    capture caps[80];
    size_t n = load_all(caps, 80);
    for (size_t i = 0; i < n; i++) {
        const capture *c = &caps[i];
        if (c->len > 160) continue;
        rsdk_reply *ref[MAX_REPLIES];
        size_t nref = fx_parse(c->data, c->len, 0, 0, ref, MAX_REPLIES, true);
        for (size_t a = 1; a < c->len; a++) {
            for (size_t b = a + 1; b < c->len; b++) {
                rsdk_reader *rd = NULL;
                assert_int_equal(rsdk_reader_new(NULL, &rd), RSDK_OK);
                rsdk_reply *got[MAX_REPLIES];
                size_t ngot = 0;
                const size_t cut[4] = {0, a, b, c->len};
                for (size_t k = 0; k < 3; k++) {
                    assert_int_equal(rsdk_reader_feed(rd, c->data + cut[k], cut[k + 1] - cut[k]), RSDK_OK);
                    rsdk_reply *r;
                    while (rsdk_reader_get(rd, &r) == RSDK_OK && r) {
                        assert_true(ngot < MAX_REPLIES);
                        got[ngot++] = r;
                    }
                }
                assert_int_equal(rsdk_reader_error(rd)->code, RSDK_OK);
                assert_int_equal(rsdk_reader_pending(rd), 0);
                rsdk_reader_free(rd);
                same_trees(c, ref, nref, got, ngot, "three-part split at", a * 1000 + b);
            }
        }
        fx_free_all(ref, nref);
    }
    free_all(caps, n);
}

/* All captures back to back, as one pipelined stream, fed in uneven
 * pieces through the zero-copy path. */
static void pipelined_stream_through_space_and_commit(void **st) {
    (void)st;
    capture caps[80];
    size_t n = load_all(caps, 80);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += caps[i].len;
    char *stream = malloc(total);
    size_t off = 0, expect = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(stream + off, caps[i].data, caps[i].len);
        off += caps[i].len;
        expect += strstr(caps[i].name, "resp3_push") ? 2 : 1;
    }
    for (size_t piece = 1; piece <= 29; piece += 7) {
        rsdk_reader *rd = NULL;
        assert_int_equal(rsdk_reader_new(NULL, &rd), RSDK_OK);
        size_t got = 0, pos = 0, turn = 0;
        while (pos < total) {
            char *area = NULL;
            size_t avail = 0;
            /* Vary the request: tiny, exact and zero (reader's choice). */
            size_t want = turn % 3 == 0 ? 1 : turn % 3 == 1 ? piece : 0;
            assert_int_equal(rsdk_reader_space(rd, want, &area, &avail), RSDK_OK);
            assert_true(avail >= (want ? want : 1));
            size_t k = piece + turn % 5;
            if (k > total - pos) k = total - pos;
            if (k > avail) k = avail;
            memcpy(area, stream + pos, k);
            rsdk_reader_commit(rd, k);
            pos += k;
            turn++;
            rsdk_reply *r;
            while (rsdk_reader_get(rd, &r) == RSDK_OK && r) {
                got++;
                rsdk_reply_free(r);
            }
        }
        assert_int_equal(rsdk_reader_error(rd)->code, RSDK_OK);
        assert_int_equal(got, expect);
        assert_int_equal(rsdk_reader_pending(rd), 0);
        rsdk_reader_free(rd);
    }
    free(stream);
    free_all(caps, n);
}

/* Thousands of small replies crossing every refill boundary: the buffer
 * compacts and the count and contents stay right. */
static void replies_straddling_refills_survive_compaction(void **st) {
    (void)st;
    enum { N = 5000 };
    size_t cap = (size_t)N * 40, len = 0;
    char *stream = malloc(cap);
    for (int i = 0; i < N; i++)
        len += (size_t)snprintf(stream + len, cap - len, "*2\r\n:%d\r\n$%d\r\n%0*d\r\n", i, i % 9 + 1, i % 9 + 1, 7);
    rsdk_reader *rd = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &rd), RSDK_OK);
    int next = 0;
    for (size_t off = 0; off < len; off += 4093) {
        size_t k = len - off < 4093 ? len - off : 4093;
        assert_int_equal(rsdk_reader_feed(rd, stream + off, k), RSDK_OK);
        rsdk_reply *r;
        while (rsdk_reader_get(rd, &r) == RSDK_OK && r) {
            assert_int_equal(r->type, RSDK_REPLY_ARRAY);
            assert_int_equal(r->element[0].integer, next);
            assert_int_equal(r->element[1].len, (size_t)(next % 9 + 1));
            assert_int_equal(r->element[1].str[r->element[1].len - 1], '7');
            next++;
            rsdk_reply_free(r);
        }
        assert_true(rsdk_reader_pending(rd) < 40);
    }
    assert_int_equal(next, N);
    rsdk_reader_free(rd);
    free(stream);
}

/* A 4 MiB bulk string in 1000-byte pieces: one reply, and building it costs
 * one allocation. */
static void big_bulk_in_small_pieces_is_one_allocation(void **st) {
    (void)st;
    const size_t body = (size_t)4 << 20;
    char head[32];
    int hl = snprintf(head, sizeof head, "$%zu\r\n", body);
    size_t len = (size_t)hl + body + 2;
    char *stream = malloc(len);
    memcpy(stream, head, (size_t)hl);
    for (size_t i = 0; i < body; i++) stream[(size_t)hl + i] = (char)('a' + i % 26);
    memcpy(stream + hl + body, "\r\n", 2);

    rsdk_test_alloc_install();
    rsdk_reader *rd = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &rd), RSDK_OK);
    rsdk_reply *r = NULL;
    size_t off = 0;
    for (; off + 1000 < len; off += 1000) {
        assert_int_equal(fx_feed_get(rd, stream + off, 1000, &r), RSDK_OK);
        assert_null(r);
    }
    assert_int_equal(rsdk_reader_feed(rd, stream + off, len - off), RSDK_OK);
    size_t before = rsdk_test_alloc_stats_get().allocs;
    assert_int_equal(rsdk_reader_get(rd, &r), RSDK_OK);
    assert_non_null(r);
    assert_int_equal(rsdk_test_alloc_stats_get().allocs - before, 1);
    assert_int_equal(r->len, body);
    assert_memory_equal(r->str, stream + hl, body);
    assert_int_equal(r->str[body], '\0');
    rsdk_reply_free(r);
    rsdk_reader_free(rd);
    rsdk_test_alloc_stats s = rsdk_test_alloc_stats_get();
    rsdk_test_alloc_remove();
    assert_int_equal(s.allocs, s.frees);
    free(stream);
}

/* A 1 MiB status line in 1000-byte pieces: the search for its end resumes
 * where it stopped, and the text arrives whole. */
static void long_line_in_small_pieces(void **st) {
    (void)st;
    const size_t body = (size_t)1 << 20;
    size_t len = body + 3;
    char *stream = malloc(len);
    stream[0] = '+';
    for (size_t i = 0; i < body; i++) stream[1 + i] = (char)('A' + i % 26);
    memcpy(stream + 1 + body, "\r\n", 2);
    rsdk_reader_limits lim;
    rsdk_reader_limits_init(&lim);
    lim.max_line_bytes = body; /* far above the default, on purpose */
    rsdk_reader *rd = NULL;
    assert_int_equal(rsdk_reader_new(&lim, &rd), RSDK_OK);
    rsdk_reply *r = NULL;
    for (size_t off = 0; off < len; off += 1000) {
        size_t k = len - off < 1000 ? len - off : 1000;
        assert_int_equal(fx_feed_get(rd, stream + off, k, &r), RSDK_OK);
        if (off + k < len) assert_null(r);
    }
    assert_non_null(r);
    assert_int_equal(r->type, RSDK_REPLY_STATUS);
    assert_int_equal(r->len, body);
    assert_memory_equal(r->str, stream + 1, body);
    rsdk_reply_free(r);
    rsdk_reader_free(rd);
    free(stream);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_sample_same_tree_whole_bytewise_and_at_every_split),
        cmocka_unit_test(small_samples_same_tree_at_every_three_part_split),
        cmocka_unit_test(pipelined_stream_through_space_and_commit),
        cmocka_unit_test(replies_straddling_refills_survive_compaction),
        cmocka_unit_test(big_bulk_in_small_pieces_is_one_allocation),
        cmocka_unit_test(long_line_in_small_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
