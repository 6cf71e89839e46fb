/* Declarations of ping.c (fixture, never compiled). */
