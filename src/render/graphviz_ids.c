/* A cgraph ID discipline that numbers objects in creation order.
 *
 * cgraph's default discipline uses the address of a name's interned string
 * as the object's ID, and writes subgraphs in ID order: the DOT output then
 * depends on where malloc put the strings. Numbering names as they are first
 * seen makes the same graph always print the same way. */
#include <stdlib.h>
#include <string.h>

#include "common/grow.h"
#include "render/graphviz_ids.h"

typedef struct id_table {
    Agraph_t *graph; /* owns the interned names */
    char **names;    /* names[i] has ID 2 * (i + 1); anonymous objects get odd IDs */
    size_t count, cap;
    IDTYPE next_anonymous;
} id_table;

static void *ids_open(Agraph_t *g, Agdisc_t *disc)
{
    (void)disc;
    id_table *t = calloc(1, sizeof *t);
    if (t) {
        t->graph = g;
        t->next_anonymous = 1;
    }
    return t;
}

/* Index of `name` in the table, or -1. */
static long find_name(const id_table *t, const char *name)
{
    for (size_t i = t->count; i-- > 0;) {
        if (strcmp(t->names[i], name) == 0)
            return (long)i;
    }
    return -1;
}

/* Adds `name`, interned in the graph's string table (cgraph reads flags
 * stored with interned strings); returns its index or -1. */
static long add_name(id_table *t, const char *name)
{
    char **grown = gmv_grow(t->names, &t->cap, t->count, sizeof *grown, 64);
    if (!grown)
        return -1;
    t->names = grown;
    char *copy = agstrdup(t->graph, (char *)name);
    if (!copy)
        return -1;
    t->names[t->count] = copy;
    return (long)t->count++;
}

static long ids_map(void *state, int objtype, char *name, IDTYPE *id, int create)
{
    (void)objtype;
    id_table *t = state;
    if (!name) {
        *id = t->next_anonymous;
        t->next_anonymous += 2;
        return 1;
    }
    long index = find_name(t, name);
    if (index < 0 && create)
        index = add_name(t, name);
    *id = index < 0 ? 0 : (IDTYPE)(2 * (index + 1));
    return index >= 0 || !create;
}

static long ids_alloc(void *state, int objtype, IDTYPE id)
{
    (void)state;
    (void)objtype;
    (void)id;
    return 0;
}

static void ids_free(void *state, int objtype, IDTYPE id)
{
    (void)state;
    (void)objtype;
    (void)id;
}

static char *ids_print(void *state, int objtype, IDTYPE id)
{
    (void)objtype;
    const id_table *t = state;
    if (id == 0 || id % 2 != 0 || id / 2 > t->count)
        return NULL;
    return t->names[id / 2 - 1];
}

static void ids_close(void *state)
{
    id_table *t = state; /* the names go with the graph's string table */
    free(t->names);
    free(t);
}

static void ids_register(void *state, int objtype, void *obj)
{
    (void)state;
    (void)objtype;
    (void)obj;
}

static Agiddisc_t sequential_ids = {ids_open, ids_map, ids_alloc, ids_free, ids_print, ids_close, ids_register};

Agdisc_t *gva_discipline(void)
{
    static Agdisc_t disc;
    disc.mem = &AgMemDisc;
    disc.id = &sequential_ids;
    disc.io = &AgIoDisc;
    return &disc;
}
