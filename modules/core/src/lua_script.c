/* EVALSHA with an EVAL fallback, and the SHA-1 (FIPS 180-4) it needs: the
 * server names cached scripts by the SHA-1 of their body. */
#include "rsdk/core_lua.h"

typedef struct sha1_ctx {
    uint32_t h[5];
    uint64_t bytes;
    unsigned char block[64];
    size_t fill;
} sha1_ctx;

static uint32_t rol(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(sha1_ctx *c, const unsigned char *p) {
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
               (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) {
            f = (b & cc) | (~b & d);
            k = 0x5A827999u;
        } else if (i < 40) {
            f = b ^ cc ^ d;
            k = 0x6ED9EBA1u;
        } else if (i < 60) {
            f = (b & cc) | (b & d) | (cc & d);
            k = 0x8F1BBCDCu;
        } else {
            f = b ^ cc ^ d;
            k = 0xCA62C1D6u;
        }
        uint32_t t = rol(a, 5) + f + e + k + w[i];
        e = d;
        d = cc;
        cc = rol(b, 30);
        b = a;
        a = t;
    }
    c->h[0] += a;
    c->h[1] += b;
    c->h[2] += cc;
    c->h[3] += d;
    c->h[4] += e;
}

static void sha1_update(sha1_ctx *c, const unsigned char *p, size_t n) {
    c->bytes += n;
    while (n > 0) {
        size_t take = 64 - c->fill < n ? 64 - c->fill : n;
        memcpy(c->block + c->fill, p, take);
        c->fill += take;
        p += take;
        n -= take;
        if (c->fill == 64) {
            sha1_block(c, c->block);
            c->fill = 0;
        }
    }
}

static void sha1_hex(const unsigned char *p, size_t n, char out[41]) {
    sha1_ctx c = {{0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u}, 0, {0}, 0};
    sha1_update(&c, p, n);
    uint64_t bits = c.bytes * 8;
    unsigned char pad[72] = {0x80};
    size_t padlen = (c.fill < 56 ? 56 : 120) - c.fill;
    for (int i = 0; i < 8; i++) pad[padlen + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
    sha1_update(&c, pad, padlen + 8);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 20; i++) {
        unsigned byte = (c.h[i / 4] >> (24 - 8 * (i % 4))) & 0xffu;
        out[2 * i] = hex[byte >> 4];
        out[2 * i + 1] = hex[byte & 15];
    }
    out[40] = '\0';
}

void rcore_lua_script_init(rcore_lua_script *s, rsdk_str body) {
    s->body = body;
    sha1_hex((const unsigned char *)(body.ptr ? body.ptr : ""), body.ptr ? body.len : 0, s->sha1);
}

rsdk_status rcore_lua_script_run(rsdk_client *c, const rcore_lua_script *s, const rsdk_str *keys,
                                 size_t nkeys, const rsdk_str *args, size_t nargs, rsdk_reply **out) {
    if (s == NULL) {
        rsdk_error e;
        rsdk_error_set(&e, RSDK_ERR_INVALID_ARG, 0, "rcore_lua_script_run: NULL script");
        return c ? rsdk_client_set_error(c, &e) : RSDK_ERR_INVALID_ARG;
    }
    rcore_evalsha_opts o = {keys, nkeys, args, nargs};
    rsdk_status st = rcore_evalsha(c, rsdk_str_n(s->sha1, 40), &o, out);
    if (st != RSDK_ERR_NOSCRIPT) return st;
    /* NOSCRIPT: nothing ran; EVAL runs it and caches it for next time. */
    rcore_eval_opts eo = {keys, nkeys, args, nargs};
    return rcore_eval(c, s->body, &eo, out);
}
