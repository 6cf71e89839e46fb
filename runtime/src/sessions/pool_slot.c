/* Closing a pooled connection: unlinks its slot, counts it, wakes a waiter,
 * closes the client. Below pool.c and pool_auth.c, which both discard. */
#include "pool_slot.h"

#include "alloc.h"

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
    p->open--;
    if (discarded) p->st.discarded++;
    pthread_cond_signal(&p->cv); /* room to open a new one */
    pthread_mutex_unlock(&p->mu);
    rsdk_client_close(sl->c);
    rsdk__free(sl);
}
