/* The HTTP request each flow sends for a token. */
#include "entra.h"

#define ASSERTION_TYPE "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

static rsdk_status add_header(rentra__buf *h, const char *name, const char *value) {
    rsdk_status st = rentra__buf_adds(h, name);
    if (!st) st = rentra__buf_adds(h, ": ");
    if (!st) st = rentra__buf_adds(h, value);
    return st ? st : rentra__buf_add(h, "", 1); /* keeps the NUL separator */
}

/* OAuth2 client-credentials grant (RFC 6749 4.4), the secret or the
 * assertion (RFC 7523) in the form body, never in the URL. */
static rsdk_status service_principal(const rentra__cfg *c, rentra__request *r, rsdk_error *err) {
    rentra__buf *b = &r->body;
    rsdk_status st = rentra__buf_add_param(b, "grant_type", "client_credentials");
    if (!st) st = rentra__buf_add_param(b, "client_id", c->client_id);
    if (!st) st = rentra__buf_add_param(b, "scope", c->scope);
    if (!st && c->flow == RENTRA_FLOW_CLIENT_SECRET)
        st = rentra__buf_add_param(b, "client_secret", c->client_secret);
    if (!st && c->flow == RENTRA_FLOW_CLIENT_CERTIFICATE) {
        rentra__buf a = {0};
        st = rentra__assertion_build(c, &a, err);
        if (st) {
            rentra__buf_free(&a);
            return st;
        }
        st = rentra__buf_add_param(b, "client_assertion_type", ASSERTION_TYPE);
        if (!st) st = rentra__buf_add_param(b, "client_assertion", a.p);
        rentra__buf_free(&a);
    }
    if (!st) st = add_header(&r->headers, "Content-Type", "application/x-www-form-urlencoded");
    return st;
}

rsdk_status rentra__request_build(const rentra__cfg *c, rentra__request *r, rsdk_error *err) {
    r->url = c->url;
    rsdk_status st;
    if (c->flow != RENTRA_FLOW_MANAGED_IDENTITY) {
        st = service_principal(c, r, err);
        if (st && st != RSDK_ERR_NOMEM) return st;
    } else if (c->app_service) {
        st = add_header(&r->headers, "X-IDENTITY-HEADER", c->identity_header);
    } else {
        st = add_header(&r->headers, "Metadata", "true");
    }
    if (!st) st = add_header(&r->headers, "Accept", "application/json");
    return st ? rsdk_error_set(err, st, 0, "out of memory building the token request") : RSDK_OK;
}

void rentra__request_free(rentra__request *r) {
    rentra__buf_free(&r->body);
    rentra__buf_free(&r->headers);
}
