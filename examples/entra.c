/* entra — Redis with a Microsoft Entra ID token (modules/auth_entra).
 *
 * The identity comes from the environment, as Azure's SDKs read it:
 *   AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or
 *   AZURE_CLIENT_CERTIFICATE_PATH); else a managed identity (App Service's
 *   IDENTITY_ENDPOINT + IDENTITY_HEADER, or the instance metadata service).
 *   AZURE_AUTHORITY_HOST points at another cloud or a local IdP.
 * The server comes from REDIS_URL (default redis://127.0.0.1:6379).
 *
 *   AZURE_TENANT_ID=... AZURE_CLIENT_ID=... AZURE_CLIENT_SECRET=... \
 *   REDIS_URL=rediss://my-cache.redis.cache.windows.net:6380 ./entra
 */
#include <stdio.h>
#include <stdlib.h>

#include "rsdk/auth_entra.h"
#include "rsdk/rsdk.h"

static int fail(const char *what, rsdk_status st, const rsdk_error *e) {
    fprintf(stderr, "%s: %s: %s\n", what, rsdk_status_name(st), e ? e->message : "");
    return 1;
}

static void on_token_event(const rsdk_event *ev, void *ud) {
    (void)ud;
    if (ev->type == RSDK_EVENT_TOKEN_REFRESH_FAILED)
        fprintf(stderr, "token refresh failed%s: %s\n", ev->token_failed.terminal ? " (terminal)" : "",
                ev->token_failed.message ? ev->token_failed.message : "");
}

/* Logs in through `creds` and writes a key; 0 or 1. */
static int talk_to_redis(const char *url, rsdk_credentials_provider *creds) {
    rsdk_error err;
    rsdk_url u;
    rsdk_status st = rsdk_url_parse(url, &u, &err);
    if (st) return fail("REDIS_URL", st, &err);
    rsdk_client_opts co;
    rsdk_client_opts_init(&co);
    rsdk_client_opts_from_url(&co, &u);
    co.credentials = creds; /* the token is the password, its oid the user */
    rsdk_client *c = NULL;
    st = rsdk_client_open(&co, &c, &err);
    rsdk_url_deinit(&u);
    if (st) return fail("connect", st, &err);

    rsdk_reply *r = NULL;
    st = rsdk_client_command(c, &r, "ACL", "WHOAMI", NULL);
    if (st == RSDK_OK) printf("logged in as %s\n", r->str);
    rsdk_reply_free(r);
    r = NULL;
    if (st == RSDK_OK) st = rsdk_client_command(c, &r, "SET", "entra:greeting", "hello with a token", NULL);
    rsdk_reply_free(r);
    int rc = st ? fail("command", st, rsdk_client_error(c)) : 0;
    if (!rc) printf("SET entra:greeting OK\n");
    rsdk_client_close(c);
    return rc;
}

int main(void) {
    const char *url = getenv("REDIS_URL");
    if (!url || !*url) url = "redis://127.0.0.1:6379";
    rsdk_events *bus = NULL;
    rsdk_status st = rsdk_events_new(&bus);
    if (st) return fail("events", st, NULL);
    rsdk_events_subscribe(bus, RSDK_EVENT_MASK(RSDK_EVENT_TOKEN_REFRESH_FAILED), on_token_event, NULL,
                          NULL);

    /* The token provider: first token fetched here, then kept fresh. */
    rentra_opts eo;
    rentra_opts_init(&eo); /* RENTRA_FLOW_DEFAULT: from the environment */
    eo.events = bus;
    rsdk_credentials_provider *creds = NULL;
    rsdk_error err;
    st = rentra_provider_new(&eo, &creds, &err);
    int rc = st ? fail("entra", st, &err) : talk_to_redis(url, creds);

    rsdk_credentials_provider_free(creds); /* after every client using it */
    rsdk_events_free(bus);
    return rc;
}
