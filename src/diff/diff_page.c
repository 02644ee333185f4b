/* The page of a diff (gomapviz diff A B -o FILE.html): its picture as the
 * overview, and its JSON (gmv_diff_render_json) as the data of the page's
 * lists of what moved, was added, removed or changed. */
#include <stdio.h>

#include "diff/diff_impl.h"

/* What the parts of a diff's page need (gmv_page_part's ctx). */
typedef struct diff_page {
    const gmv_diff *d;
    const gmv_origin *before, *after;
} diff_page;

static int diff_page_svg(FILE *f, void *ctx)
{
    const diff_page *p = ctx;
    return diff_impl_of(p->d)->render_graph(f, p->d, p->before, p->after, GMV_GRAPH_SVG);
}

/* The diff's JSON, wrapped as the page's data. */
static int diff_page_data(FILE *f, void *ctx)
{
    const diff_page *p = ctx;
    fprintf(f, "{\"version\": 1, \"kind\": \"diff\", \"implementation\": \"%s\", \"input\": \"\", \"diff\": ",
            gmv_map_impl_name(gmv_model_layout(p->d->after)->impl));
    int rc = gmv_diff_render_json(f, p->d, p->before, p->after);
    fputs("}\n", f);
    return rc;
}

int gmv_diff_render_html(FILE *out, const gmv_diff *d, const gmv_origin *before, const gmv_origin *after)
{
    char title[1024];
    snprintf(title, sizeof title, "diff of %.300s %.300s", after && after->variable[0] ? after->variable : "map",
             gmv_model_layout(d->after)->map_type);
    diff_page p = {.d = d, .before = before, .after = after};
    return gmv_render_html_page(out, "diff", title, diff_page_svg, diff_page_data, &p);
}
