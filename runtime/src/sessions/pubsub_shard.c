/* The subscriber's side of cluster shard channels (pubsub_shard.h). */
#include "pubsub_shard.h"

#include "alloc.h"
#include "pubsub_state.h"

bool rsdk__pubsub_pop_moved(rsdk_pubsub *ps, rsdk_str *out) {
    for (size_t i = 0; i < ps->moved.cap; i++) {
        rsdk__psname *n = &ps->moved.slot[i];
        if (!n->ptr) continue;
        char *copy = rsdk__malloc(n->len + 1);
        if (!copy) return false; /* stays in the set for the next call */
        memcpy(copy, n->ptr, n->len);
        copy[n->len] = '\0';
        *out = rsdk_str_n(copy, n->len);
        rsdk__psset_remove(&ps->moved, copy, n->len);
        return true;
    }
    return false;
}

void rsdk__pubsub_forget_shard(rsdk_pubsub *ps, rsdk_str name) {
    rsdk__psset_remove(&ps->sets[PS_SHARD], name.ptr, name.len);
}

int rsdk__pubsub_fd(const rsdk_pubsub *ps) {
    return rsdk_client_broken(ps->c) ? -1 : rsdk__client_fd(ps->c);
}
