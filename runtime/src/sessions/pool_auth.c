/* Credential rotation for pooled connections: when the provider announces
 * new credentials, every idle connection re-AUTHs at once, on the thread
 * that announced them (the token manager's, or the application's). In-use
 * connections are handled when they are released (pool.c), and a client
 * re-AUTHs by itself before its next command anyway, so nothing depends on
 * this pass winning a race; it only keeps the cost off the request path. */
#include "pool_auth.h"

#include "client_session.h"
#include "pool_slot.h"
#include "pool_state.h"

/* Takes one idle connection whose credentials are older than `gen` and not
 * yet tried in this pass; NULL when none is left. Under the lock. */
static rsdk__pool_slot *take_stale_locked(rsdk_pool *p, uint64_t gen) {
    for (rsdk__pool_slot **pp = &p->idle; *pp; pp = &(*pp)->next) {
        rsdk__pool_slot *sl = *pp;
        if (!rsdk__client_creds_stale(sl->c, gen)) continue;
        *pp = sl->next;
        p->nidle--;
        sl->out = true;
        return sl;
    }
    return NULL;
}

void rsdk__pool_on_credentials(const rsdk_event *ev, void *ud) {
    rsdk_pool *p = ud;
    (void)ev;
    for (;;) {
        /* Re-read: a newer change may have come while this pass ran. */
        uint64_t gen = rsdk_credentials_provider_generation(p->copts.credentials);
        pthread_mutex_lock(&p->mu);
        rsdk__pool_slot *sl = p->closed ? NULL : take_stale_locked(p, gen);
        if (sl) p->st.reauths++;
        pthread_mutex_unlock(&p->mu);
        if (!sl) return;
        bool ok = rsdk__client_idle_ok(sl->c) && rsdk__client_reauth_if_stale(sl->c) == RSDK_OK &&
                  !rsdk_client_broken(sl->c);
        if (ok && rsdk__client_creds_stale(sl->c, gen)) {
            /* Neither moved nor failed (e.g. could not run): do not spin. */
            rsdk__client_creds_failed(sl->c, gen);
        }
        if (!ok) {
            rsdk__pool_close_slot(p, sl, true);
            continue;
        }
        pthread_mutex_lock(&p->mu);
        sl->out = false;
        sl->next = p->idle; /* since_ms kept: a re-AUTH is not use */
        p->idle = sl;
        p->nidle++;
        pthread_cond_signal(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
}
