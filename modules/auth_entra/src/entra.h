/* Internal to modules/auth_entra: the pieces a token fetch is made of.
 * Secrets live only in rentra__buf values and rentra__cfg fields marked
 * secret, which are wiped when released. */
#ifndef RENTRA_SRC_ENTRA_H
#define RENTRA_SRC_ENTRA_H

#include <openssl/evp.h>

#include "rsdk/auth_entra.h"

/* ---- buffers (buf.c) ---------------------------------------------------- */

/* A growable NUL-terminated byte buffer through the rsdk allocator; zeroed
 * value = empty. Everything it ever held is wiped when it grows or is freed. */
typedef struct rentra__buf {
    char *p;
    size_t len, cap;
} rentra__buf;

rsdk_status rentra__buf_add(rentra__buf *b, const void *p, size_t n);
rsdk_status rentra__buf_adds(rentra__buf *b, const char *s);
/* Appends `s` form/query-encoded (RFC 3986 unreserved kept, the rest %XX). */
rsdk_status rentra__buf_add_encoded(rentra__buf *b, const char *s);
/* Appends "&name=value" (no '&' when the buffer is empty or ends in '?'),
 * value encoded. */
rsdk_status rentra__buf_add_param(rentra__buf *b, const char *name, const char *value);
/* Appends base64url (no padding) of n bytes. */
rsdk_status rentra__buf_add_b64url(rentra__buf *b, const unsigned char *p, size_t n);
/* Wipes and frees; leaves an empty value. Accepts NULL. */
void rentra__buf_free(rentra__buf *b);

/* Decodes base64url (padding optional) into a new buffer. RSDK_ERR_CREDENTIALS
 * for a character outside the alphabet or an impossible length. */
rsdk_status rentra__b64url_decode(const char *s, size_t n, rentra__buf *out);

/* A copy of `s` (NULL stays NULL); false only when out of memory. */
bool rentra__dup(const char *s, char **out);
/* Wipes and frees a C string. Accepts NULL. */
void rentra__free_secret(char *s);

/* ---- configuration (config.c, env.c) ----------------------------------- */

/* What a fetch needs, resolved and copied at _new. */
typedef struct rentra__cfg {
    rentra_flow flow;       /* never RENTRA_FLOW_DEFAULT once resolved */
    bool app_service;       /* managed identity through IDENTITY_ENDPOINT */
    char *url;              /* token endpoint, or the full managed-identity URL */
    char *client_id;
    char *client_secret;    /* secret */
    char *identity_header;  /* secret */
    char *scope;
    char *claim;
    char *ca_file, *ca_path;
    EVP_PKEY *key;          /* certificate flow */
    char *x5t, *x5t_s256;   /* certificate thumbprints, base64url */
    int connect_timeout_ms, timeout_ms;
    size_t max_response_bytes;
} rentra__cfg;

/* Fills `c` from `o` (RENTRA_FLOW_DEFAULT resolved from the environment):
 * checks what the flow needs, builds URLs, loads the certificate.
 * RSDK_ERR_INVALID_ARG naming the problem, RSDK_ERR_NOMEM. On failure `c`
 * holds nothing (released). */
rsdk_status rentra__cfg_init(rentra__cfg *c, const rentra_opts *o, rsdk_error *err);
void rentra__cfg_deinit(rentra__cfg *c);

/* The environment's choice for RENTRA_FLOW_DEFAULT: copies `o` into `tmp`
 * with the flow and its fields taken from AZURE_* / IDENTITY_* variables
 * (pointers into the environment, valid while it is not changed). */
void rentra__env_resolve(const rentra_opts *o, rentra_opts *tmp);

/* Loads the certificate and key and computes the thumbprints into `c`. */
rsdk_status rentra__cert_load(rentra__cfg *c, const char *cert_path, const char *key_path,
                              rsdk_error *err);

/* ---- one fetch ---------------------------------------------------------- */

/* How the token manager should go on after a failed fetch. */
typedef enum rentra__next {
    RENTRA_NEXT_RETRY = 0, /* backoff (at least retry_after_ms) */
    RENTRA_NEXT_GIVE_UP,   /* terminal: retrying cannot help */
} rentra__next;

typedef struct rentra__outcome {
    rentra__next next;
    int64_t retry_after_ms; /* from Retry-After; 0 = none */
} rentra__outcome;

/* The request for the configured flow (request.c): URL, body (empty: GET)
 * and headers, NUL-separated in `headers`. */
typedef struct rentra__request {
    const char *url;
    rentra__buf body;    /* secret */
    rentra__buf headers; /* "Name: value\0Name: value\0"; secret */
} rentra__request;

rsdk_status rentra__request_build(const rentra__cfg *c, rentra__request *r, rsdk_error *err);
void rentra__request_free(rentra__request *r);

/* Client assertion JWT for the certificate flow (assertion.c), appended to
 * `out` (secret). */
rsdk_status rentra__assertion_build(const rentra__cfg *c, rentra__buf *out, rsdk_error *err);

/* An HTTP answer (http.c). */
typedef struct rentra__response {
    long status;
    rentra__buf body;       /* secret */
    int64_t retry_after_ms; /* Retry-After, 0 = none */
} rentra__response;

/* Sends `r`. Transport failures: RSDK_ERR_CONNECT, RSDK_ERR_TIMEOUT,
 * RSDK_ERR_TLS, RSDK_ERR_IO, RSDK_ERR_PROTOCOL (answer too large),
 * RSDK_ERR_NOMEM; `oc` says whether to retry. Any HTTP status is RSDK_OK. */
rsdk_status rentra__http_send(const rentra__cfg *c, const rentra__request *r,
                              rentra__response *resp, rentra__outcome *oc, rsdk_error *err);

/* Turns an answer into credentials (response.c): status mapping, the JSON
 * body, the token's claims. */
rsdk_status rentra__response_take(const rentra__cfg *c, rentra__response *resp,
                                  rsdk_credentials *out, rentra__outcome *oc, rsdk_error *err);

/* Reads the username claim and expiry of a JWT (jwt.c) into `out` as
 * the credentials, with `fallback_exp_ms` when the token has no exp.
 * RSDK_ERR_CREDENTIALS for a malformed token, a missing claim, or an
 * expiry in the past. */
rsdk_status rentra__jwt_credentials(const char *token, size_t len, const char *claim,
                                    int64_t fallback_exp_ms, rsdk_credentials *out,
                                    rsdk_error *err);

/* Wall clock ms since the epoch. */
int64_t rentra__wall_ms(void);

#endif
