/* Reads what the client needs from an access token: the username claim and
 * the expiry. The signature is not checked here on purpose: the token is
 * not trusted by this client but presented to Redis, which verifies it
 * against the IdP's keys; the client only needs to know when to refresh
 * and whom to log in as. */
#include <jansson.h>
#include <string.h>

#include "entra.h"

#define MALFORMED "identity provider returned a malformed token"

static const char *segment_end(const char *p, const char *end) {
    const char *dot = memchr(p, '.', (size_t)(end - p));
    return dot ? dot : end;
}

/* Decodes the payload (second segment) of a compact JWS into JSON. */
static rsdk_status payload_json(const char *token, size_t len, json_t **out, rsdk_error *err) {
    const char *end = token + len;
    const char *p = segment_end(token, end);
    if (p == end) return rsdk_error_set(err, RSDK_ERR_CREDENTIALS, 0, MALFORMED " (not a JWT)");
    const char *q = segment_end(p + 1, end);
    if (q == end) return rsdk_error_set(err, RSDK_ERR_CREDENTIALS, 0, MALFORMED " (not a JWT)");
    rentra__buf raw = {0};
    rsdk_status st = rentra__b64url_decode(p + 1, (size_t)(q - p - 1), &raw);
    if (st == RSDK_ERR_NOMEM) {
        rentra__buf_free(&raw);
        return rsdk_error_set(err, st, 0, "out of memory decoding the token");
    }
    json_error_t je;
    json_t *j = st ? NULL : json_loadb(raw.p, raw.len, JSON_REJECT_DUPLICATES, &je);
    rentra__buf_free(&raw);
    if (!json_is_object(j)) {
        json_decref(j);
        return rsdk_error_set(err, RSDK_ERR_CREDENTIALS, 0, MALFORMED " (payload is not a JSON object)");
    }
    *out = j;
    return RSDK_OK;
}

rsdk_status rentra__jwt_credentials(const char *token, size_t len, const char *claim,
                                    int64_t fallback_exp_ms, rsdk_credentials *out,
                                    rsdk_error *err) {
    json_t *j = NULL;
    rsdk_status st = payload_json(token, len, &j, err);
    if (st) return st;
    json_t *user = json_object_get(j, claim);
    json_t *exp = json_object_get(j, "exp");
    int64_t exp_ms = fallback_exp_ms;
    if (json_is_number(exp)) {
        double s = json_number_value(exp);
        exp_ms = s > 0 && s < 9.0e12 ? (int64_t)(s * 1000.0) : -1;
    } else if (exp) {
        exp_ms = -1;
    }
    if (!json_is_string(user) || json_string_length(user) == 0) {
        st = rsdk_error_set(err, RSDK_ERR_CREDENTIALS, 0, "token has no '%.64s' claim (string)", claim);
    } else if (exp_ms < 0) {
        st = rsdk_error_set(err, RSDK_ERR_CREDENTIALS, 0, MALFORMED " ('exp' is not a valid time)");
    } else if (exp_ms == 0) {
        st = rsdk_error_set(err, RSDK_ERR_CREDENTIALS, 0, "token has no 'exp' and the answer no 'expires_in'");
    } else if (exp_ms <= rentra__wall_ms()) {
        st = rsdk_error_set(err, RSDK_ERR_CREDENTIALS, 0, "identity provider returned an expired token");
    } else {
        st = rsdk_credentials_set(out, rsdk_str_n(json_string_value(user), json_string_length(user)),
                                  rsdk_str_n(token, len), exp_ms);
        if (st) rsdk_error_set(err, st, 0, "out of memory storing the token");
    }
    json_decref(j);
    return st;
}
