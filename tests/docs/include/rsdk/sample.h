/* A header for the excerpt checks of test_docblocks. */
typedef struct sample {
    int a;           /* the first */
    long b;          /* the second */
} sample;

RSDK_API int sample_get(const sample *s,
                        int which);
