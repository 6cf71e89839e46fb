/* cluster_slot.h — hash slots: CRC16 (XMODEM: polynomial 0x1021, initial
 * 0) of the key or of its hash tag, modulo 16384, as the Redis Cluster
 * specification defines; inline, as every routed command needs one.
 * Eight bytes a step: crc16_tab[n][x] is the CRC of byte x followed by n
 * zero bytes, so the CRC after bytes a, b, c, d is
 * tab[3][(crc >> 8) ^ a] ^ tab[2][(crc & 0xff) ^ b] ^ tab[1][c] ^ tab[0][d]
 * (the CRC is linear over XOR), and likewise with tables 7 to 0 for eight
 * bytes. The tables were printed by running the bitwise CRC over each byte
 * followed by n zero bytes. */
#ifndef RSDK_SRC_CLUSTER_SLOT_H
#define RSDK_SRC_CLUSTER_SLOT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cluster_types.h"

/* crc16_tab[n][x]: the CRC of byte x followed by n zero bytes (cluster_slot.c). */
extern const uint16_t rsdk__crc16_tab[8][256];

/* The CRC stays below 0x10000 (an XOR of table entries), so crc >> 8
 * indexes the tables as it is. */
static inline unsigned rsdk__crc16(const unsigned char *p, size_t len) {
    const uint16_t(*t)[256] = rsdk__crc16_tab;
    unsigned crc = 0;
    for (; len >= 8; p += 8, len -= 8) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        /* One load: byte i of the word is p[i]; the CRC goes into the first two. */
        uint64_t w;
        memcpy(&w, p, 8);
        w ^= (crc >> 8) | (crc & 0xff) << 8;
        crc = t[7][w & 0xff] ^ t[6][w >> 8 & 0xff] ^ t[5][w >> 16 & 0xff] ^ t[4][w >> 24 & 0xff] ^
              t[3][w >> 32 & 0xff] ^ t[2][w >> 40 & 0xff] ^ t[1][w >> 48 & 0xff] ^ t[0][w >> 56];
#else
        crc = t[7][(crc >> 8) ^ p[0]] ^ t[6][(crc & 0xff) ^ p[1]] ^ t[5][p[2]] ^ t[4][p[3]] ^ t[3][p[4]] ^
              t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
#endif
    }
    if (len >= 4) {
        crc = t[3][(crc >> 8) ^ p[0]] ^ t[2][(crc & 0xff) ^ p[1]] ^ t[1][p[2]] ^ t[0][p[3]];
        p += 4;
        len -= 4;
    }
    if (len >= 2) {
        crc = t[1][(crc >> 8) ^ p[0]] ^ t[0][(crc & 0xff) ^ p[1]];
        p += 2;
        len -= 2;
    }
    if (len) crc = ((crc << 8) & 0xffff) ^ t[0][(crc >> 8) ^ p[0]];
    return crc;
}

/* Whether a word of bytes has a zero byte (the classic bit trick). */
#define RSDK__HAS_ZERO(w, ones, highs) ((((w) - (ones)) & ~(w) & (highs)) != 0)

/* Whether p[0..len) holds a '{' (most keys do not): a word at a time, the
 * last word overlapping the one before, no library call for the few bytes
 * of a usual key. */
static inline bool rsdk__has_brace(const unsigned char *p, size_t len) {
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull, pat = ones * '{';
    uint64_t w, v;
    if (len < 8) {
        for (size_t i = 0; i < len; i++)
            if (p[i] == '{') return true;
        return false;
    }
    for (; len > 16; p += 8, len -= 8) {
        memcpy(&w, p, 8);
        if (RSDK__HAS_ZERO(w ^ pat, ones, highs)) return true;
    }
    /* 8 to 16 bytes left: the first and the last 8, overlapping. */
    memcpy(&w, p, 8);
    memcpy(&v, p + len - 8, 8);
    return RSDK__HAS_ZERO(w ^ pat, ones, highs) || RSDK__HAS_ZERO(v ^ pat, ones, highs);
}

/* The slot of a key holding a '{' (cluster_slot.c). */
unsigned rsdk__keyslot_braced(const unsigned char *k, size_t len);

/* rsdk_cluster_keyslot, inline for the paths that route every command. */
static inline unsigned rsdk__keyslot(const char *key, size_t len) {
    if (key == NULL) len = 0;
    const unsigned char *k = (const unsigned char *)key;
    if (rsdk__has_brace(k, len)) return rsdk__keyslot_braced(k, len);
    return rsdk__crc16(k, len) & (RSDK__SLOTS - 1);
}

#endif
