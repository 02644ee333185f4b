/* "Did you mean ...?": the few known names closest to a misspelt one, and a
 * canonical spelling of Go type names so that "map[int32]struct{}" finds
 * DWARF's "map[int32]struct {}". */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "layout/binary_impl.h"

#define NAME_MAX_COMPARED 160 /* longer names are never suggested */

/* Returns the smaller of a and b. */
static unsigned min2(unsigned a, unsigned b)
{
    return a < b ? a : b;
}

/* Returns the edit distance between `a` (`n` bytes) and `b` (`m` bytes),
 * both at most NAME_MAX_COMPARED: insertions, deletions, substitutions and
 * swaps of adjacent characters cost 1 (optimal string alignment). */
static unsigned edit_distance(const char *a, size_t n, const char *b, size_t m)
{
    unsigned rows[3][NAME_MAX_COMPARED + 1];
    unsigned *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = (unsigned)i;
        for (size_t j = 1; j <= m; j++) {
            unsigned cost = a[i - 1] != b[j - 1];
            unsigned best = min2(min2(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                best = min2(best, before[j - 2] + 1);
            cur[j] = best;
        }
        unsigned *spare = before;
        before = prev;
        prev = cur;
        cur = spare;
    }
    return prev[m];
}

/* Returns the distance from `query` to `candidate`; a query without a
 * package ("cache") is also compared with the candidate's last part
 * ("main.cache" -> "cache"), plus one for the missing package. */
static unsigned name_distance(const char *query, const char *candidate)
{
    size_t n = strlen(query), m = strlen(candidate);
    if (n > NAME_MAX_COMPARED || m > NAME_MAX_COMPARED)
        return (unsigned)-1;
    unsigned d = edit_distance(query, n, candidate, m);
    const char *dot = strrchr(candidate, '.');
    if (!strchr(query, '.') && dot) {
        const char *tail = dot + 1;
        d = min2(d, edit_distance(query, n, tail, strlen(tail)) + 1);
    }
    return d;
}

void gmv_suggest_init(gmv_suggest *s, const char *query, bool types)
{
    memset(s, 0, sizeof *s);
    s->normalize_types = types;
    if (types)
        gmv_normalize_type_name(query, s->query, sizeof s->query);
    else
        snprintf(s->query, sizeof s->query, "%s", query);
}

/* Returns true when `name` already is one of the suggestions. */
static bool already_offered(const gmv_suggest *s, const char *name)
{
    for (size_t i = 0; i < s->count; i++) {
        if (strcmp(s->best[i], name) == 0)
            return true;
    }
    return false;
}

/* Returns true when (d, name) ranks before suggestion `i`: closer, or as
 * close and alphabetically first. */
static bool ranks_before(const gmv_suggest *s, unsigned d, const char *name, size_t i)
{
    return d < s->dist[i] || (d == s->dist[i] && strcmp(name, s->best[i]) < 0);
}

/* Inserts (d, name) into the sorted suggestions, dropping the last if full. */
static void insert_ranked(gmv_suggest *s, unsigned d, const char *name)
{
    size_t at = s->count;
    while (at > 0 && ranks_before(s, d, name, at - 1))
        at--;
    if (at >= GMV_SUGGEST_MAX)
        return;
    size_t last = s->count < GMV_SUGGEST_MAX ? s->count : GMV_SUGGEST_MAX - 1;
    for (size_t i = last; i > at; i--) {
        s->best[i] = s->best[i - 1];
        s->dist[i] = s->dist[i - 1];
    }
    s->best[at] = name;
    s->dist[at] = d;
    if (s->count < GMV_SUGGEST_MAX)
        s->count++;
}

void gmv_suggest_offer(gmv_suggest *s, const char *candidate)
{
    char normalized[GMV_TYPE_NAME_MAX];
    const char *compared = candidate;
    if (s->normalize_types) {
        gmv_normalize_type_name(candidate, normalized, sizeof normalized);
        compared = normalized;
    }
    size_t len = strlen(s->query);
    unsigned limit = len / 3 > 2 ? (unsigned)(len / 3) : 2;
    unsigned d = name_distance(s->query, compared);
    if (d > limit || already_offered(s, candidate))
        return;
    insert_ranked(s, d, candidate);
}

void gmv_suggest_format(const gmv_suggest *s, char *out, size_t out_size)
{
    size_t shown = 0; /* those no more than one edit worse than the best */
    while (shown < s->count && s->dist[shown] <= s->dist[0] + 1)
        shown++;
    switch (shown) {
    case 0:
        snprintf(out, out_size, "%s", "");
        break;
    case 1:
        snprintf(out, out_size, "; did you mean %s?", s->best[0]);
        break;
    case 2:
        snprintf(out, out_size, "; did you mean %s or %s?", s->best[0], s->best[1]);
        break;
    default:
        snprintf(out, out_size, "; did you mean %s, %s or %s?", s->best[0], s->best[1],
                 s->best[2]);
        break;
    }
}

/* Returns true for characters that may appear in a Go identifier or a
 * qualified type name ("example.com/pkg.T"). */
static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '/';
}

/* Returns the canonical spelling of the identifier `word` (`len` bytes):
 * the aliases byte, rune and any become what Go's DWARF writes. */
static const char *canonical_word(const char *word, size_t len)
{
    static const struct {
        const char *alias, *canonical;
    } aliases[] = {{"byte", "uint8"}, {"rune", "int32"}, {"any", "interface{}"}};
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (strlen(aliases[i].alias) == len && memcmp(word, aliases[i].alias, len) == 0)
            return aliases[i].canonical;
    }
    return NULL;
}

/* Appends `len` bytes of `text` to out[*at], keeping room for the
 * terminator; returns false when they do not fit. */
static bool append(char *out, size_t out_size, size_t *at, const char *text, size_t len)
{
    if (*at + len >= out_size)
        return false;
    memcpy(out + *at, text, len);
    *at += len;
    return true;
}

bool gmv_normalize_type_name(const char *name, char *out, size_t out_size)
{
    size_t at = 0;
    bool fits = out_size > 0;
    for (const char *p = name; *p && fits;) {
        if (*p == ' ') {
            while (*p == ' ')
                p++;
            /* A space is kept only between two words: "chan int". */
            if (at > 0 && ident_char(out[at - 1]) && ident_char(*p))
                fits = append(out, out_size, &at, " ", 1);
            continue;
        }
        size_t len = 1;
        if (ident_char(*p)) {
            while (ident_char(p[len]))
                len++;
        }
        const char *canonical = canonical_word(p, len);
        fits = canonical ? append(out, out_size, &at, canonical, strlen(canonical))
                         : append(out, out_size, &at, p, len);
        p += len;
    }
    if (out_size > 0)
        out[at] = '\0';
    return fits;
}
