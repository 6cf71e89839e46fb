/* Declarations of pong.c (fixture, never compiled). */
