/* What an identity provider's answer means: a token, a refusal that
 * retrying cannot fix, or a passing trouble worth retrying.
 *
 * Status mapping, as Azure's SDKs do it: 200 is a token; 429, 5xx and 408
 * are retried (honouring Retry-After); for managed identity 404 and 410 are
 * retried too (the metadata service answers them while an identity is being
 * assigned); everything else — 400 invalid_client, 401, 403 — is terminal
 * and reported with the IdP's `error` and `error_description`. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "entra.h"

static bool retryable_status(const rentra__cfg *c, long status) {
    if (status == 408 || status == 429 || (status >= 500 && status <= 599)) return true;
    return c->flow == RENTRA_FLOW_MANAGED_IDENTITY && (status == 404 || status == 410);
}

static bool b64url_char(char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_';
}

/* The IdP's error text, reduced to printable ASCII so nothing odd reaches
 * logs. Azure's texts name the problem (AADSTS codes), never a secret; as a
 * guard against an endpoint that echoes what it was sent, the client secret
 * and anything shaped like a JWT ("eyJ" and its base64url/dot run) become
 * "[redacted]". */
static void printable(char *dst, size_t cap, const char *src, const char *secret) {
    static const char R[] = "[redacted]";
    size_t n = 0, slen = secret ? strlen(secret) : 0;
    while (src && *src && n + 1 < cap) {
        size_t skip = 0;
        if (slen && strncmp(src, secret, slen) == 0) skip = slen;
        if (strncmp(src, "eyJ", 3) == 0)
            while (src[skip] && (b64url_char(src[skip]) || src[skip] == '.')) skip++;
        if (skip) {
            for (size_t i = 0; R[i] && n + 1 < cap; i++) dst[n++] = R[i];
            src += skip;
            continue;
        }
        dst[n++] = (*src >= 0x20 && *src < 0x7f) ? *src : '?';
        src++;
    }
    dst[n] = '\0';
}

static const char *string_of(json_t *j, const char *key) {
    json_t *v = json_object_get(j, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static rsdk_status refused(const rentra__cfg *c, json_t *j, long status, bool retry,
                           rsdk_error *err) {
    char code[64], text[200];
    printable(code, sizeof code, string_of(j, "error"), c->client_secret);
    /* App Service and IMDS put the text in "message" or "error_description". */
    const char *desc = string_of(j, "error_description");
    printable(text, sizeof text, desc ? desc : string_of(j, "message"), c->client_secret);
    return rsdk_error_set(err, RSDK_ERR_CREDENTIALS, 0, "identity provider %s (HTTP %ld)%s%s%s%s",
                          retry ? "failed" : "refused", status, code[0] ? ": " : "", code,
                          text[0] ? ": " : "", text);
}

/* expires_in is a number (Entra) or a numeric string (IMDS, App Service). */
static int64_t expires_in_ms(json_t *j) {
    json_t *v = json_object_get(j, "expires_in");
    double s = 0;
    if (json_is_number(v)) {
        s = json_number_value(v);
    } else if (json_is_string(v)) {
        char *end = NULL;
        s = strtod(json_string_value(v), &end);
        if (!end || *end) s = 0;
    }
    return s > 0 && s < 1.0e10 ? rentra__wall_ms() + (int64_t)(s * 1000.0) : 0;
}

/* Jansson frees with its own allocator and does not wipe: the token's copy
 * inside the parsed tree is overwritten here before the tree is released. */
static void wipe_token(json_t *j) {
    json_t *t = json_object_get(j, "access_token");
    if (json_is_string(t)) memset((char *)json_string_value(t), 0, json_string_length(t));
}

rsdk_status rentra__response_take(const rentra__cfg *c, rentra__response *resp,
                                  rsdk_credentials *out, rentra__outcome *oc, rsdk_error *err) {
    bool retry = resp->status != 200 && retryable_status(c, resp->status);
    oc->next = retry || resp->status == 200 ? RENTRA_NEXT_RETRY : RENTRA_NEXT_GIVE_UP;
    oc->retry_after_ms = resp->retry_after_ms;
    json_error_t je;
    json_t *j = resp->body.len ? json_loadb(resp->body.p, resp->body.len, 0, &je) : NULL;
    rsdk_status st;
    if (resp->status != 200) {
        st = refused(c, json_is_object(j) ? j : NULL, resp->status, retry, err);
    } else if (!json_is_object(j)) {
        st = rsdk_error_set(err, RSDK_ERR_CREDENTIALS, 0, "identity provider answer is not a JSON object");
    } else {
        json_t *t = json_object_get(j, "access_token");
        /* An answer the IdP meant as a token but that cannot be used will be
         * the same next time: terminal. */
        oc->next = RENTRA_NEXT_GIVE_UP;
        if (!json_is_string(t) || json_string_length(t) == 0)
            st = rsdk_error_set(err, RSDK_ERR_CREDENTIALS, 0, "identity provider answer has no access_token");
        else
            st = rentra__jwt_credentials(json_string_value(t), json_string_length(t), c->claim,
                                         expires_in_ms(j), out, err);
        if (st == RSDK_OK || st == RSDK_ERR_NOMEM) oc->next = RENTRA_NEXT_RETRY;
    }
    wipe_token(j);
    json_decref(j);
    return st;
}
