/* Closing a pooled connection: unlinks its slot, counts it, gives the room
 * to the first waiter, closes the client. Below pool.c and pool_auth.c, which both discard. */
#include "pool_slot.h"

#include "alloc.h"
#include "pool_idle.h"
#include "pool_index.h"

static void all_unlink(rsdk_pool *p, rsdk__pool_slot *sl) {
    if (sl->all_prev)
        sl->all_prev->all_next = sl->all_next;
    else
        p->all = sl->all_next;
    if (sl->all_next) sl->all_next->all_prev = sl->all_prev;
    sl->all_prev = sl->all_next = NULL;
}

void rsdk__pool_close_slot(rsdk_pool *p, rsdk__pool_slot *sl, bool discarded) {
    pthread_mutex_lock(&p->mu);
    all_unlink(p, sl);
    rsdk__pool_index_del(p, sl);
    p->open--;
    if (discarded) {
        p->st.discarded++;
        /* Whatever broke this one (a server restart, a network cut) may
         * have broken the idle ones too: probe each before it goes out. */
        if (rsdk_client_broken(sl->c)) p->probe_gen++;
    }
    rsdk__pool_waiter *w = rsdk__pool_room_locked(p); /* to the first waiter */
    pthread_mutex_unlock(&p->mu);
    rsdk__pool_wake(w);
    rsdk_client_close(sl->c);
    rsdk__free(sl);
}
