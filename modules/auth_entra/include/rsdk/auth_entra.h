/* rsdk/auth_entra.h — Microsoft Entra ID tokens as Redis credentials.
 *
 * A credentials provider that fetches OAuth2 access tokens (JWTs) over
 * HTTPS with libcurl and keeps them fresh with the runtime's token manager
 * (rsdk/credentials.h). The token is the password; the username is a claim
 * of the token (`oid` by default), as Azure Cache for Redis expects.
 *
 * Flows: a service principal with a client secret or with a certificate
 * (OAuth2 client-credentials grant, so any standards-compliant token
 * endpoint works), a managed identity (the instance metadata endpoint or
 * App Service's IDENTITY_ENDPOINT), and a default chain that picks one of
 * these from the environment variables Azure's SDKs read.
 *
 * This is the only rsdk target that links libcurl. libcurl's process-wide
 * initialisation (curl_global_init) is done once, thread-safely, on the
 * first rentra_provider_new; it is the module's only global state.
 *
 * Secrets (client secrets, assertions, tokens) are wiped from memory after
 * use and never appear in errors, events or logs. See docs/credentials.md. */
#ifndef RSDK_AUTH_ENTRA_H
#define RSDK_AUTH_ENTRA_H

#include "rsdk/credentials.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the token comes from. */
typedef enum rentra_flow {
    RENTRA_FLOW_DEFAULT = 0,        /* chosen from the environment at _new */
    RENTRA_FLOW_CLIENT_SECRET,      /* tenant_id, client_id, client_secret */
    RENTRA_FLOW_CLIENT_CERTIFICATE, /* tenant_id, client_id, certificate_path */
    RENTRA_FLOW_MANAGED_IDENTITY,   /* instance metadata or App Service */
} rentra_flow;

/* Which managed identity: the system-assigned one, or a user-assigned one
 * named by mi_id in one of three ways. */
typedef enum rentra_mi_kind {
    RENTRA_MI_SYSTEM = 0,
    RENTRA_MI_CLIENT_ID,
    RENTRA_MI_OBJECT_ID,
    RENTRA_MI_RESOURCE_ID,
} rentra_mi_kind;

/* Provider configuration. Initialise with rentra_opts_init(); fields are
 * appended, never reordered. Strings are borrowed during rentra_provider_new
 * and copied (secrets into wiped memory); NULL means the default. */
typedef struct rentra_opts {
    rentra_flow flow;
    /* service principal */
    const char *authority;          /* default "https://login.microsoftonline.com";
                                     * the token endpoint is
                                     * {authority}/{tenant_id}/oauth2/v2.0/token */
    const char *token_endpoint;     /* full URL; overrides authority/tenant (any
                                     * OAuth2 token endpoint) */
    const char *tenant_id;
    const char *client_id;
    const char *client_secret;      /* RENTRA_FLOW_CLIENT_SECRET */
    const char *certificate_path;   /* PEM holding the certificate and, unless
                                     * private_key_path is set, the key */
    const char *private_key_path;   /* PEM private key (unencrypted); may be NULL */
    const char *scope;              /* default "https://redis.azure.com/.default" */
    /* managed identity */
    rentra_mi_kind mi_kind;
    const char *mi_id;              /* client id, object id or resource id */
    const char *resource;           /* default "https://redis.azure.com" */
    const char *imds_endpoint;      /* default
                                     * "http://169.254.169.254/metadata/identity/oauth2/token" */
    const char *imds_api_version;   /* default "2018-02-01" */
    const char *identity_endpoint;  /* App Service's IDENTITY_ENDPOINT; NULL: IMDS */
    const char *identity_header;    /* App Service's IDENTITY_HEADER (a secret) */
    /* tokens */
    const char *username_claim;     /* default "oid" */
    /* HTTP */
    const char *ca_file;            /* CA bundle for the IdP; NULL: system store */
    const char *ca_path;            /* CA directory; NULL: system default */
    int connect_timeout_ms;         /* default 5000; must be > 0 (docs/abi.md) */
    int timeout_ms;                 /* whole request; default 15000; must be > 0 */
    size_t max_response_bytes;      /* default 65536; larger answers are refused */
    /* refresh (passed to the token manager, see rsdk_token_opts) */
    double refresh_ratio;           /* default 0.7 */
    uint32_t min_lead_ms;           /* default 10000 */
    int max_retries;                /* default -1: retry retryable failures forever */
    rsdk_backoff_opts retry_backoff; /* default {RSDK_BACKOFF_EQUAL_JITTER, 100, 10000} */
    rsdk_events *events;            /* borrowed, may be NULL: TOKEN_REFRESHED /
                                     * TOKEN_REFRESH_FAILED (with the IdP's text) */
    uint64_t seed;                  /* backoff seed; 0 = automatic */
} rentra_opts;

/* Sets every default (flow RENTRA_FLOW_DEFAULT, nothing named). */
RSDK_API void rentra_opts_init(rentra_opts *o);

/* Name of a flow ("client_secret", ...); "unknown" otherwise. */
RSDK_API const char *rentra_flow_str(rentra_flow f);

/* Creates a provider for `o`: resolves RENTRA_FLOW_DEFAULT from the
 * environment, fetches the first token on the calling thread (so a wrong
 * secret or an unreachable IdP shows here), then keeps the token fresh on a
 * background thread. Give *out to clients and pools as their credentials;
 * free it with rsdk_credentials_provider_free() after them.
 *
 * Failure leaves *out untouched and `err` (may be NULL) says why:
 * RSDK_ERR_INVALID_ARG (a missing or malformed option, named), RSDK_ERR_NOMEM,
 * RSDK_ERR_CREDENTIALS (the IdP refused: its error and error_description;
 * or an unusable token), RSDK_ERR_CONNECT / RSDK_ERR_TIMEOUT / RSDK_ERR_TLS /
 * RSDK_ERR_IO (the IdP could not be reached). Thread-safe. */
RSDK_API rsdk_status rentra_provider_new(const rentra_opts *o, rsdk_credentials_provider **out,
                                         rsdk_error *err);

#ifdef __cplusplus
}
#endif
#endif
