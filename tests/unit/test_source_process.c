/* Tests for the live-process source: reads, freezing, errors, tracer death.
 * Each test forks a child that shares this program's memory layout, so a
 * global here sits at the same address in the child. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gomapviz/source.h"
#include "source/process_core.h"

#define KNOWN_LEN (3 * 4096)
#define BIG_LEN ((size_t)40 << 20)
#define REGION_PAGES 3
#define CHILD_THREADS 3 /* main + spinner + sleeper */
#define SIGNAL_ROUNDS 500

/* Known bytes, filled before any fork. */
static unsigned char known[KNOWN_LEN];
/* REGION_PAGES pages; the child unmaps the middle one. */
static uint8_t *region;
/* A 40 MB block, the size of a big bucket array. */
static uint8_t *big;
static size_t page;

/* Written by the child only. */
static volatile uint64_t spin_counter;
static uint64_t signals_received; /* updated atomically by the child's handler */

typedef struct child {
    pid_t pid;
    int go_fd; /* closing it makes the child exit */
} child;

/* ---- The child ----------------------------------------------------------- */

static void count_signal(int sig)
{
    (void)sig;
    __atomic_fetch_add(&signals_received, 1, __ATOMIC_SEQ_CST);
}

static void *spin(void *arg)
{
    (void)arg;
    for (;;)
        spin_counter = spin_counter + 1;
    return NULL;
}

static void *sleep_forever(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

/* The child: unmaps the middle region page, starts two threads, says ready
 * on `ready_fd`, and exits when `go_fd` reaches end of file. */
static void child_main(int ready_fd, int go_fd)
{
    struct sigaction sa = {.sa_handler = count_signal, .sa_flags = SA_RESTART};
    sigaction(SIGRTMIN, &sa, NULL);
    munmap(region + page, page);
    pthread_t t1, t2;
    if (pthread_create(&t1, NULL, spin, NULL) != 0 || pthread_create(&t2, NULL, sleep_forever, NULL) != 0)
        _exit(2);
    if (write(ready_fd, "r", 1) != 1)
        _exit(3);
    char c;
    while (read(go_fd, &c, 1) != 0)
        ;
    _exit(0);
}

/* ---- Helpers ------------------------------------------------------------- */

/* Fork a child; returns it or fails the test. */
static child *child_start(void)
{
    int ready[2], go[2];
    assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
    assert_int_equal(pipe2(go, O_CLOEXEC), 0);
    child *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->pid = fork();
    assert_true(c->pid >= 0);
    if (c->pid == 0) {
        close(ready[0]);
        close(go[1]);
        child_main(ready[1], go[0]);
    }
    close(ready[1]);
    close(go[0]);
    char b;
    assert_int_equal(read(ready[0], &b, 1), 1);
    close(ready[0]);
    c->go_fd = go[1];
    return c;
}

/* Lets the child exit, kills it if it does not within 2 s, reaps it, frees c. */
static void child_stop(child *c)
{
    if (c->go_fd >= 0)
        close(c->go_fd);
    for (int i = 0; c->pid > 0 && i < 200; i++) {
        if (waitpid(c->pid, NULL, WNOHANG) == c->pid) {
            c->pid = 0;
            break;
        }
        usleep(10000);
    }
    if (c->pid > 0) {
        kill(c->pid, SIGKILL);
        waitpid(c->pid, NULL, 0);
    }
    free(c);
}

static int setup_child(void **state)
{
    *state = child_start();
    return 0;
}

static int teardown_child(void **state)
{
    child_stop(*state);
    return 0;
}

/* Collects the state letters of every thread of `pid` into `states` (NUL
 * terminated, at most `max - 1`). Returns the thread count. */
static size_t thread_states(pid_t pid, char *states, size_t max)
{
    char path[320], buf[512];
    size_t n = 0;
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *dir = opendir(path);
    struct dirent *de;
    while (dir && (de = readdir(dir)) != NULL && n + 1 < max) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/%d/task/%s/stat", (int)pid, de->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        const char *paren = strrchr(buf, ')');
        if (paren && paren[1] == ' ')
            states[n++] = paren[2];
    }
    if (dir)
        closedir(dir);
    states[n] = '\0';
    return n;
}

/* Returns true if every thread of `pid` is in a ptrace stop ('t'). */
static bool all_traced(pid_t pid)
{
    char states[64];
    size_t n = thread_states(pid, states, sizeof states);
    return n == CHILD_THREADS && strspn(states, "t") == n;
}

/* Returns true if no thread of `pid` is stopped ('t' or 'T'). */
static bool none_stopped(pid_t pid)
{
    char states[64];
    size_t n = thread_states(pid, states, sizeof states);
    return n == CHILD_THREADS && strpbrk(states, "tT") == NULL;
}

/* Polls `check(pid)` every 10 ms for up to `ms` milliseconds. */
static bool wait_for(bool (*check)(pid_t), pid_t pid, int ms)
{
    for (int waited = 0; waited <= ms; waited += 10) {
        if (check(pid))
            return true;
        usleep(10000);
    }
    return false;
}

/* Reads the child's spin counter through `src`. */
static uint64_t read_counter(gmv_source *src)
{
    uint64_t v = 0;
    assert_int_equal(gmv_source_read_exact(src, (uint64_t)(uintptr_t)&spin_counter, &v, sizeof v), 0);
    return v;
}

/* Opens the child as a source or fails the test. */
static gmv_source *open_child(const child *c, bool no_freeze)
{
    gmv_source *src = NULL;
    gmv_process_options opts = {.no_freeze = no_freeze};
    int rc = gmv_source_open_process(&src, c->pid, &opts);
    if (rc != 0)
        fail_msg("open pid %d: %s", (int)c->pid, gmv_error_last());
    return src;
}

/* Returns true if `sig` is blocked in this thread. */
static bool signal_blocked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig);
}

/* ---- Reads --------------------------------------------------------------- */

/* Exact reads, short reads at an unmapped page and 0 at one, through `src`. */
static void check_reads(gmv_source *src)
{
    uint8_t buf[KNOWN_LEN];
    uint64_t at = (uint64_t)(uintptr_t)known;
    assert_int_equal(gmv_source_read(src, at, buf, KNOWN_LEN), KNOWN_LEN);
    assert_memory_equal(buf, known, KNOWN_LEN);
    assert_int_equal(gmv_source_read(src, at + 123, buf, 1000), 1000);
    assert_memory_equal(buf, known + 123, 1000);
    assert_int_equal(gmv_source_read_exact(src, at + 7, buf, 9), 0);
    assert_memory_equal(buf, known + 7, 9);

    uint64_t r = (uint64_t)(uintptr_t)region;
    assert_int_equal(gmv_source_read(src, r + 100, buf, 2 * page), page - 100);
    assert_memory_equal(buf, region + 100, page - 100);
    assert_int_equal(gmv_source_read(src, r + page, buf, 16), 0);
    assert_int_equal(gmv_source_read(src, r + page + page / 2, buf, 16), 0);
    assert_int_equal(gmv_source_read(src, r + 2 * page, buf, page), page);
    assert_memory_equal(buf, region + 2 * page, page);
    assert_int_equal(gmv_source_read_exact(src, r, buf, 2 * page), GMV_ERR_IO);
    assert_int_equal(gmv_source_read(src, 0, buf, 16), 0);
    assert_int_equal(gmv_source_read(src, UINT64_MAX - 7, buf, 16), 0);
}

/* A 40 MB read in one call returns every byte. */
static void check_big_read(gmv_source *src)
{
    uint8_t *buf = malloc(BIG_LEN);
    assert_non_null(buf);
    assert_int_equal(gmv_source_read(src, (uint64_t)(uintptr_t)big, buf, BIG_LEN), (int64_t)BIG_LEN);
    assert_true(memcmp(buf, big, BIG_LEN) == 0);
    free(buf);
}

static void reads_exact_short_and_unmapped(void **state)
{
    gmv_source *src = open_child(*state, false);
    check_reads(src);
    gmv_source_free(src);
}

static void reads_40mb_in_one_call(void **state)
{
    gmv_source *src = open_child(*state, false);
    check_big_read(src);
    gmv_source_free(src);
}

/* The /proc/PID/mem fallback reads the same way. */
static void mem_file_fallback_reads_the_same(void **state)
{
    gmv_source *src = open_child(*state, false);
    assert_int_equal(gmv_process_source_use_mem_file(src), 0);
    check_reads(src);
    check_big_read(src);
    gmv_source_free(src);
}

static void reads_while_frozen(void **state)
{
    gmv_source *src = open_child(*state, false);
    assert_int_equal(gmv_source_freeze(src), 0);
    check_reads(src);
    assert_int_equal(gmv_source_thaw(src), 0);
    gmv_source_free(src);
}

/* ---- Freezing ------------------------------------------------------------ */

/* After a prefetch of pieces that are readable, cut short by the unmapped
 * page, inside it, or joined across it, every read gives exactly what a
 * direct read gives. */
static void prefetched_reads_are_exact(void **state)
{
    gmv_source *src = open_child(*state, false);
    assert_true(gmv_source_can_prefetch(src));
    assert_int_equal(gmv_source_freeze(src), 0);
    uint64_t k = (uint64_t)(uintptr_t)known, r = (uint64_t)(uintptr_t)region;
    gmv_piece pieces[] = {
        {k + 7, 9}, {k, KNOWN_LEN}, {k + 123, 1000},       /* overlapping: one piece */
        {r + 100, 2 * page},                               /* runs into the hole */
        {r + page, 16}, {r + page + page / 2, 16},         /* in the hole */
        {r + 2 * page, page},                              /* after it */
        {r + page - 8, 8}, {r + page - 40, 8},             /* joined, then readable */
        {0, 16}, {UINT64_MAX - 7, 16},
    };
    assert_int_equal(gmv_source_prefetch(src, pieces, sizeof pieces / sizeof pieces[0]), 0);
    check_reads(src);
    uint8_t buf[64];
    assert_int_equal(gmv_source_read(src, r + page - 40, buf, 40), 40);
    assert_memory_equal(buf, region + page - 40, 40);
    assert_int_equal(gmv_source_thaw(src), 0);
    check_reads(src); /* the prefetched bytes are gone: direct reads again */
    gmv_source_free(src);
}

static void freeze_stops_every_thread_and_thaw_resumes(void **state)
{
    child *c = *state;
    gmv_source *src = open_child(c, false);
    assert_false(signal_blocked(SIGINT));
    assert_int_equal(gmv_source_freeze(src), 0);
    assert_true(gmv_source_is_frozen(src));
    assert_true(all_traced(c->pid));
    assert_true(signal_blocked(SIGINT) && signal_blocked(SIGTERM) && signal_blocked(SIGHUP) &&
                signal_blocked(SIGQUIT));
    uint64_t before = read_counter(src);
    usleep(50000);
    assert_int_equal(read_counter(src), before);

    assert_int_equal(gmv_source_thaw(src), 0);
    assert_false(gmv_source_is_frozen(src));
    assert_false(signal_blocked(SIGINT) || signal_blocked(SIGTERM) || signal_blocked(SIGHUP) ||
                 signal_blocked(SIGQUIT));
    if (!wait_for(none_stopped, c->pid, 2000))
        fail_msg("threads of the child still stopped after thaw");
    usleep(50000);
    assert_true(read_counter(src) != before);

    /* Again, and freeing a frozen source thaws it. */
    assert_int_equal(gmv_source_freeze(src), 0);
    assert_true(all_traced(c->pid));
    gmv_source_free(src);
    assert_true(wait_for(none_stopped, c->pid, 2000));
}

/* A signal the caller blocked before freezing stays blocked after thaw. */
static void thaw_keeps_signals_blocked_before(void **state)
{
    sigset_t hup, old;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    sigprocmask(SIG_BLOCK, &hup, &old);
    gmv_source *src = open_child(*state, false);
    assert_int_equal(gmv_source_freeze(src), 0);
    assert_int_equal(gmv_source_thaw(src), 0);
    assert_true(signal_blocked(SIGHUP));
    assert_false(signal_blocked(SIGINT));
    gmv_source_free(src);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* A thread of the test that queues real-time signals to a child until told
 * to stop, counting those the kernel accepted. */
typedef struct signal_sender {
    pid_t target;
    volatile bool stop;
    uint64_t sent;
} signal_sender;

static void *send_signals(void *arg)
{
    signal_sender *s = arg;
    union sigval val = {.sival_int = 0};
    while (!s->stop) {
        if (sigqueue(s->target, SIGRTMIN, val) == 0)
            s->sent++;
        else
            usleep(100); /* queue full (EAGAIN): let the child drain it */
    }
    return NULL;
}

/* Queued real-time signals sent without pause during freeze/thaw rounds all
 * reach the child: a signal that arrives between PTRACE_SEIZE and the
 * interrupt stops the thread in a signal-delivery-stop, and must be re-sent
 * at detach rather than dropped. */
static void freeze_loses_no_signal(void **state)
{
    child *c = *state;
    gmv_source *src = open_child(c, false);
    signal_sender sender = {.target = c->pid};
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, send_signals, &sender), 0);
    for (int round = 0; round < SIGNAL_ROUNDS; round++) {
        assert_int_equal(gmv_source_freeze(src), 0);
        assert_true(all_traced(c->pid));
        assert_int_equal(gmv_source_thaw(src), 0);
    }
    sender.stop = true;
    pthread_join(thread, NULL);
    uint64_t got = 0, at = (uint64_t)(uintptr_t)&signals_received;
    for (int i = 0; i < 1000 && got != sender.sent; i++) {
        assert_int_equal(gmv_source_read_exact(src, at, &got, sizeof got), 0);
        usleep(10000);
    }
    assert_true(sender.sent > 0);
    assert_int_equal(got, sender.sent);
    gmv_source_free(src);
}

static void no_freeze_stops_nothing(void **state)
{
    child *c = *state;
    gmv_source *src = open_child(c, true);
    assert_int_equal(gmv_source_freeze(src), 0);
    assert_true(none_stopped(c->pid));
    assert_false(signal_blocked(SIGINT));
    check_reads(src);
    assert_int_equal(gmv_source_thaw(src), 0);
    gmv_source_free(src);
}

/* A helper freezes the child and is killed with SIGKILL: the kernel detaches
 * and the child runs again. */
static void tracer_killed_resumes_target(void **state)
{
    child *c = *state;
    int frozen[2];
    assert_int_equal(pipe2(frozen, O_CLOEXEC), 0);
    pid_t helper = fork();
    assert_true(helper >= 0);
    if (helper == 0) {
        close(frozen[0]);
        close(c->go_fd);
        gmv_source *src = NULL;
        if (gmv_source_open_process(&src, c->pid, NULL) != 0 || gmv_source_freeze(src) != 0)
            _exit(1);
        if (write(frozen[1], "f", 1) != 1)
            _exit(2);
        for (;;)
            pause();
    }
    close(frozen[1]);
    char b;
    assert_int_equal(read(frozen[0], &b, 1), 1);
    close(frozen[0]);
    assert_true(all_traced(c->pid));

    assert_int_equal(kill(helper, SIGKILL), 0);
    assert_int_equal(waitpid(helper, NULL, 0), helper);
    if (!wait_for(none_stopped, c->pid, 5000))
        fail_msg("child %d still stopped 5 s after its tracer was killed", (int)c->pid);
    gmv_source *src = open_child(c, true);
    uint64_t before = read_counter(src);
    usleep(50000);
    assert_true(read_counter(src) != before);
    gmv_source_free(src);
}

/* ---- Entry point and errors ---------------------------------------------- */

static void entry_point_is_at_entry(void **state)
{
    gmv_source *src = open_child(*state, false);
    uint64_t entry = 0;
    assert_int_equal(gmv_source_entry_point(src, &entry), 0);
    assert_int_equal(entry, getauxval(AT_ENTRY));
    gmv_source_free(src);
}

static void no_such_pid_is_not_found(void **state)
{
    (void)state;
    gmv_source *src = (gmv_source *)1;
    long pid_max = 4194304;
    FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
    if (f) {
        assert_int_equal(fscanf(f, "%ld", &pid_max), 1);
        fclose(f);
    }
    assert_int_equal(gmv_source_open_process(&src, (int)pid_max + 1, NULL), GMV_ERR_NOT_FOUND);
    assert_null(src);
    char expect[64];
    snprintf(expect, sizeof expect, "no process with pid %ld", pid_max + 1);
    assert_string_equal(gmv_error_last(), expect);
    assert_int_equal(gmv_source_open_process(&src, 0, NULL), GMV_ERR_NOT_FOUND);
    assert_int_equal(gmv_source_open_process(&src, -5, NULL), GMV_ERR_NOT_FOUND);
}

/* Returns true once the whole child is a zombie (exited, not reaped): the
 * leader alone is 'Z' before the other threads have let go of the memory. */
static bool is_zombie(pid_t pid)
{
    char states[64];
    size_t n = thread_states(pid, states, sizeof states);
    return n >= 1 && strspn(states, "Z") == n;
}

/* Reads `len` bytes of `known` through `src` until the read fails, for at
 * most 2 s, and returns that result. The address space of a process that
 * has just exited is freed when the last user lets go of it, and a reader
 * holding /proc/PID/mem open may still get its bytes for that moment (seen
 * once in 16 loaded builds): they must then be the process's real bytes. */
static int64_t read_until_gone(gmv_source *src, uint8_t *buf, size_t len)
{
    int64_t n = gmv_source_read(src, (uint64_t)(uintptr_t)known, buf, len);
    for (int i = 0; i < 200 && n == (int64_t)len; i++) {
        assert_memory_equal(buf, known, len);
        usleep(10000);
        n = gmv_source_read(src, (uint64_t)(uintptr_t)known, buf, len);
    }
    return n;
}

/* Reads through both readers fail with GMV_ERR_GONE and name the pid. */
static void check_gone(gmv_source *vm, gmv_source *mem, pid_t pid)
{
    uint8_t buf[16];
    char expect[64];
    snprintf(expect, sizeof expect, "process %d exited", (int)pid);
    assert_int_equal(read_until_gone(vm, buf, sizeof buf), GMV_ERR_GONE);
    assert_non_null(strstr(gmv_error_last(), expect));
    assert_int_equal(read_until_gone(mem, buf, sizeof buf), GMV_ERR_GONE);
    assert_non_null(strstr(gmv_error_last(), expect));
    assert_int_equal(gmv_source_freeze(vm), GMV_ERR_GONE);
    assert_non_null(strstr(gmv_error_last(), expect));
    assert_false(gmv_source_is_frozen(vm));
    assert_false(signal_blocked(SIGINT));
}

static void read_after_exit_is_gone(void **state)
{
    child *c = *state;
    gmv_source *vm = open_child(c, false), *mem = open_child(c, false);
    assert_int_equal(gmv_process_source_use_mem_file(mem), 0);
    close(c->go_fd);
    c->go_fd = -1;
    assert_true(wait_for(is_zombie, c->pid, 2000));
    check_gone(vm, mem, c->pid);
    assert_int_equal(waitpid(c->pid, NULL, 0), c->pid);
    pid_t pid = c->pid;
    c->pid = 0;
    check_gone(vm, mem, pid);
    gmv_source_free(vm);
    gmv_source_free(mem);
}

/* What a helper that dropped its privileges saw. */
typedef struct denied_report {
    int read_rc, freeze_rc, open_rc;
    char read_msg[400], freeze_msg[400], open_msg[400];
} denied_report;

/* In a helper: opens the child as root, becomes nobody, then reads, freezes
 * and opens again; reports the results on `fd`. */
static void run_denied_helper(const child *c, int fd)
{
    denied_report r = {0};
    gmv_source *src = NULL;
    uint8_t buf[8];
    if (gmv_source_open_process(&src, c->pid, NULL) != 0)
        _exit(1);
    if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
        _exit(2);
    r.read_rc = (int)gmv_source_read(src, (uint64_t)(uintptr_t)known, buf, sizeof buf);
    snprintf(r.read_msg, sizeof r.read_msg, "%s", gmv_error_last());
    r.freeze_rc = gmv_source_freeze(src);
    snprintf(r.freeze_msg, sizeof r.freeze_msg, "%s", gmv_error_last());
    gmv_source *again = NULL;
    r.open_rc = gmv_source_open_process(&again, c->pid, NULL);
    snprintf(r.open_msg, sizeof r.open_msg, "%s", gmv_error_last());
    _exit(write(fd, &r, sizeof r) == (ssize_t)sizeof r ? 0 : 3);
}

/* Another user's process: reads, freeze and open fail with
 * GMV_ERR_PERMISSION and say what to do. Needs root to drop privileges. */
static void other_users_process_is_permission_error(void **state)
{
    child *c = *state;
    if (geteuid() != 0)
        fail_msg("this test drops privileges from root to nobody; run the tests as root");
    int pipefd[2];
    assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
    pid_t helper = fork();
    assert_true(helper >= 0);
    if (helper == 0) {
        close(pipefd[0]);
        close(c->go_fd);
        run_denied_helper(c, pipefd[1]);
    }
    close(pipefd[1]);
    denied_report r;
    assert_int_equal(read(pipefd[0], &r, sizeof r), (ssize_t)sizeof r);
    close(pipefd[0]);
    int status = 0;
    assert_int_equal(waitpid(helper, &status, 0), helper);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(r.read_rc, GMV_ERR_PERMISSION);
    assert_non_null(strstr(r.read_msg, "cannot read memory of process"));
    assert_non_null(strstr(r.read_msg, "run gomapviz as root"));
    assert_int_equal(r.freeze_rc, GMV_ERR_PERMISSION);
    assert_non_null(strstr(r.freeze_msg, "cannot stop process"));
    assert_non_null(strstr(r.freeze_msg, "run gomapviz as root"));
    assert_int_equal(r.open_rc, GMV_ERR_PERMISSION);
    assert_non_null(strstr(r.open_msg, "permission denied"));
    assert_true(none_stopped(c->pid));
}

/* ---- Fixtures ------------------------------------------------------------ */

static int setup_memory(void **state)
{
    (void)state;
    page = (size_t)sysconf(_SC_PAGESIZE);
    for (size_t i = 0; i < KNOWN_LEN; i++)
        known[i] = (unsigned char)(i * 31 + 7);
    region = mmap(NULL, REGION_PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    big = mmap(NULL, BIG_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED || big == MAP_FAILED)
        return -1;
    for (size_t i = 0; i < REGION_PAGES * page; i++)
        region[i] = (uint8_t)(0xa0 + i / page + i);
    for (size_t i = 0; i < BIG_LEN / sizeof(uint64_t); i++)
        ((uint64_t *)big)[i] = i * 0x9e3779b97f4a7c15u;
    return 0;
}

static int teardown_memory(void **state)
{
    (void)state;
    munmap(region, REGION_PAGES * page);
    munmap(big, BIG_LEN);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(reads_exact_short_and_unmapped, setup_child, teardown_child),
        cmocka_unit_test_setup_teardown(reads_40mb_in_one_call, setup_child, teardown_child),
        cmocka_unit_test_setup_teardown(mem_file_fallback_reads_the_same, setup_child, teardown_child),
        cmocka_unit_test_setup_teardown(reads_while_frozen, setup_child, teardown_child),
        cmocka_unit_test_setup_teardown(prefetched_reads_are_exact, setup_child, teardown_child),
        cmocka_unit_test_setup_teardown(freeze_stops_every_thread_and_thaw_resumes, setup_child, teardown_child),
        cmocka_unit_test_setup_teardown(thaw_keeps_signals_blocked_before, setup_child, teardown_child),
        cmocka_unit_test_setup_teardown(freeze_loses_no_signal, setup_child, teardown_child),
        cmocka_unit_test_setup_teardown(no_freeze_stops_nothing, setup_child, teardown_child),
        cmocka_unit_test_setup_teardown(tracer_killed_resumes_target, setup_child, teardown_child),
        cmocka_unit_test_setup_teardown(entry_point_is_at_entry, setup_child, teardown_child),
        cmocka_unit_test(no_such_pid_is_not_found),
        cmocka_unit_test_setup_teardown(read_after_exit_is_gone, setup_child, teardown_child),
        cmocka_unit_test_setup_teardown(other_users_process_is_permission_error, setup_child, teardown_child),
    };
    return cmocka_run_group_tests(tests, setup_memory, teardown_memory);
}
