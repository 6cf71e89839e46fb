/* The certificate flow's client assertion (RFC 7523, as Entra wants it):
 * an RS256 JWT with the certificate's SHA-1 and SHA-256 thumbprints in
 * `x5t` / `x5t#S256`, aud = the token endpoint, iss = sub = the client id,
 * a random jti, valid from now for ten minutes. A new one per request. */
#include <jansson.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entra.h"

#define ASSERTION_LIFETIME_S 600

static rsdk_status add_json_b64(rentra__buf *out, json_t *j) {
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!s) return RSDK_ERR_NOMEM;
    rsdk_status st = rentra__buf_add_b64url(out, (const unsigned char *)s, strlen(s));
    free(s); /* Jansson's allocation; holds no secret */
    return st;
}

static rsdk_status add_signature(const rentra__cfg *c, rentra__buf *out, rsdk_error *err) {
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t n = 0;
    unsigned char *sig = NULL;
    bool ok = md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, c->key) == 1 &&
              EVP_DigestSign(md, NULL, &n, (const unsigned char *)out->p, out->len) == 1;
    sig = ok ? OPENSSL_malloc(n) : NULL;
    ok = sig && EVP_DigestSign(md, sig, &n, (const unsigned char *)out->p, out->len) == 1;
    EVP_MD_CTX_free(md);
    rsdk_status st = ok ? rentra__buf_adds(out, ".") : RSDK_ERR_CREDENTIALS;
    if (!st) st = rentra__buf_add_b64url(out, sig, n);
    OPENSSL_free(sig);
    if (st == RSDK_ERR_CREDENTIALS)
        return rsdk_error_set(err, st, 0, "could not sign the client assertion with the private key");
    return st;
}

rsdk_status rentra__assertion_build(const rentra__cfg *c, rentra__buf *out, rsdk_error *err) {
    unsigned char id[16];
    char jti[33];
    if (RAND_bytes(id, sizeof id) != 1)
        return rsdk_error_set(err, RSDK_ERR_CREDENTIALS, 0, "no randomness for the client assertion");
    for (size_t i = 0; i < sizeof id; i++) snprintf(jti + 2 * i, 3, "%02x", id[i]);
    json_int_t now = (json_int_t)(rentra__wall_ms() / 1000);
    json_t *hdr = json_pack("{s:s, s:s, s:s, s:s}", "alg", "RS256", "typ", "JWT", "x5t", c->x5t,
                            "x5t#S256", c->x5t_s256);
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "aud", c->url, "iss",
                             c->client_id, "sub", c->client_id, "jti", jti, "nbf", now, "iat", now,
                             "exp", now + ASSERTION_LIFETIME_S);
    rsdk_status st = add_json_b64(out, hdr);
    if (!st) st = rentra__buf_adds(out, ".");
    if (!st) st = add_json_b64(out, body);
    else json_decref(body);
    if (st) return rsdk_error_set(err, st, 0, "out of memory building the client assertion");
    return add_signature(c, out, err);
}
