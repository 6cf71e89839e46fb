/* The subscriber and rotating credentials: a listener on the provider
 * wakes rsdk_pubsub_next through a self-pipe, and the next round re-AUTHs.
 * RESP3 sends AUTH in-band on the subscribed connection (the client's own
 * re-AUTH, pushes meanwhile filed as usual); RESP2 refuses AUTH in
 * subscribed mode, so it hands over to a new connection
 * (pubsub_handover.c). No secret ever reaches a message or event. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "client_session.h"
#include "clock.h"
#include "pubsub_state.h"
#include "syserr.h"

/* Runs on the notifying thread (a token manager's, say): one byte into
 * the pipe. A full pipe already holds a wake-up, so EAGAIN is fine. */
static void on_change(const rsdk_event *ev, void *ud) {
    (void)ev;
    const rsdk_pubsub *ps = ud;
    static const char one = 1;
    ssize_t n = write(ps->wake[1], &one, 1);
    (void)n;
}

static bool set_flags(int fd) {
    int fl = fcntl(fd, F_GETFL);
    int fd_fl = fcntl(fd, F_GETFD);
    return fl >= 0 && fd_fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 &&
           fcntl(fd, F_SETFD, fd_fl | FD_CLOEXEC) == 0;
}

rsdk_status rsdk__ps_cred_watch(rsdk_pubsub *ps) {
    rsdk_credentials_provider *p = rsdk__client_creds_provider(ps->c);
    if (!p) return RSDK_OK;
    int fds[2];
    if (pipe(fds) != 0)
        return rsdk_error_set(&ps->err, RSDK_ERR_IO, errno, "credentials wake-up pipe: %s",
                              RSDK__STRERROR(errno));
    ps->wake[0] = fds[0];
    ps->wake[1] = fds[1];
    if (!set_flags(fds[0]) || !set_flags(fds[1])) {
        rsdk_status s = rsdk_error_set(&ps->err, RSDK_ERR_IO, errno,
                                       "credentials wake-up pipe: %s", RSDK__STRERROR(errno));
        rsdk__ps_cred_unwatch(ps);
        return s;
    }
    rsdk_status s = rsdk_credentials_provider_subscribe(p, on_change, ps, &ps->cred_listener);
    if (s) {
        rsdk__ps_cred_unwatch(ps);
        return rsdk_error_set(&ps->err, s, 0, "subscribing to credential changes");
    }
    return RSDK_OK;
}

void rsdk__ps_cred_unwatch(rsdk_pubsub *ps) {
    if (ps->cred_listener) {
        /* After this returns the listener runs nowhere, so the pipe may go. */
        (void)rsdk_credentials_provider_unsubscribe(rsdk__client_creds_provider(ps->c), ps->cred_listener);
        ps->cred_listener = 0;
    }
    for (int i = 0; i < 2; i++) {
        if (ps->wake[i] >= 0) close(ps->wake[i]);
        ps->wake[i] = -1;
    }
}

/* RESP3: AUTH on the subscribed connection itself. Its reply is told from
 * the pushes around it by type, but a keepalive PONG is a plain reply too,
 * so none may be owed when it goes out. */
static rsdk_status reauth_inband(rsdk_pubsub *ps) {
    rsdk_status s = rsdk__ps_settle(ps);
    if (s) return s;
    rsdk_client *c = ps->c;
    int saved = rsdk__client_set_io_timeout(c, ps->reply_timeout_ms);
    s = rsdk__client_reauth_as(c, ps->events, ps);
    rsdk__client_set_io_timeout(c, saved);
    if (s) {
        ps->err = *rsdk_client_error(c);
        ps->err.code = s;
        /* Out of memory before AUTH went out: the connection is intact and
         * the next round tries again. */
        if (!rsdk_client_broken(c)) return RSDK_OK;
        return s;
    }
    ps->last_io_ms = rsdk__now_ms();
    return RSDK_OK;
}

rsdk_status rsdk__ps_reauth(rsdk_pubsub *ps) {
    rsdk_client *c = ps->c;
    if (!rsdk__client_creds_provider(c) || rsdk_client_broken(c)) return RSDK_OK;
    uint64_t gen = rsdk__client_creds_gen(c);
    if (!rsdk__client_creds_stale(c, gen)) return RSDK_OK;
    return rsdk_client_protocol(c) == 3 ? reauth_inband(ps) : rsdk__ps_handover(ps, gen);
}
