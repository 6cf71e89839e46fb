/* The default chain: which flow the environment describes, in the order
 * Azure's DefaultAzureCredential tries them — a service principal from
 * AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET (or
 * AZURE_CLIENT_CERTIFICATE_PATH), then App Service's managed identity
 * (IDENTITY_ENDPOINT + IDENTITY_HEADER), then the instance metadata
 * service (user-assigned when AZURE_CLIENT_ID is set). Unlike the Azure
 * SDKs, the choice is made once, from the variables, without probing
 * endpoints: what the environment says is what is used, and a failure of
 * that flow is reported rather than hidden by a fallback. Fields the caller
 * set in the options win over the environment. */
#include <stdlib.h>

#include "entra.h"

static const char *pick(const char *set, const char *var) {
    if (set) return set;
    const char *v = getenv(var);
    return v && *v ? v : NULL;
}

void rentra__env_resolve(const rentra_opts *o, rentra_opts *r) {
    *r = *o;
    const char *tenant = pick(o->tenant_id, "AZURE_TENANT_ID");
    const char *client = pick(o->client_id, "AZURE_CLIENT_ID");
    const char *secret = pick(o->client_secret, "AZURE_CLIENT_SECRET");
    const char *cert = pick(o->certificate_path, "AZURE_CLIENT_CERTIFICATE_PATH");
    r->authority = pick(o->authority, "AZURE_AUTHORITY_HOST");
    if (tenant && client && (secret || cert)) {
        r->flow = secret ? RENTRA_FLOW_CLIENT_SECRET : RENTRA_FLOW_CLIENT_CERTIFICATE;
        r->tenant_id = tenant;
        r->client_id = client;
        r->client_secret = secret;
        r->certificate_path = cert;
        return;
    }
    r->flow = RENTRA_FLOW_MANAGED_IDENTITY;
    r->identity_endpoint = pick(o->identity_endpoint, "IDENTITY_ENDPOINT");
    r->identity_header = pick(o->identity_header, "IDENTITY_HEADER");
    if (!r->identity_endpoint) r->identity_header = NULL;
    if (o->mi_kind == RENTRA_MI_SYSTEM && client) {
        r->mi_kind = RENTRA_MI_CLIENT_ID;
        r->mi_id = client;
    }
}
