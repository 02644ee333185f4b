/* A progress line on stderr for long operations, when stderr is a terminal. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

typedef struct progress_line {
    struct timespec start;
    bool shown; /* a line is on the terminal and must be cleared */
} progress_line;

static progress_line line;

/* Seconds since the command started. */
static double elapsed(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - line.start.tv_sec) + (double)(now.tv_nsec - line.start.tv_nsec) / 1e9;
}

static void show(void *ctx, const char *stage, uint64_t done, uint64_t total)
{
    (void)ctx;
    if (elapsed() < 1.0)
        return; /* only operations longer than a second get a line */
    fprintf(stderr, "\rgomapviz: %s %llu of %llu (%.0f%%)   ", stage, (unsigned long long)done,
            (unsigned long long)total, total ? 100.0 * (double)done / (double)total : 100.0);
    line.shown = true;
}

void cli_progress_start(void)
{
    if (!isatty(STDERR_FILENO))
        return;
    clock_gettime(CLOCK_MONOTONIC, &line.start);
    gmv_set_progress(show, NULL);
}

void cli_progress_clear(void)
{
    if (line.shown)
        fputs("\r\033[K", stderr); /* clear the line so errors and results start clean */
    line.shown = false;
}

void cli_progress_end(void)
{
    gmv_set_progress(NULL, NULL);
    cli_progress_clear();
}
