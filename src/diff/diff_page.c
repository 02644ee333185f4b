/* The page of a diff (gomapviz diff A B -o FILE.html): its picture as the
 * overview, and its JSON (gmv_diff_render_json) as the data of the page's
 * lists of what moved, was added, removed or changed. */
#include <stdio.h>
#include <stdlib.h>

#include "common/error.h"
#include "diff/diff_impl.h"

int gmv_diff_render_html(FILE *out, const gmv_diff *d, const gmv_origin *before, const gmv_origin *after)
{
    char *svg = NULL, *json = NULL;
    size_t svg_len = 0, json_len = 0;
    FILE *f = open_memstream(&svg, &svg_len);
    if (!f)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory drawing the diff");
    int rc = diff_impl_of(d)->render_graph(f, d, before, after, GMV_GRAPH_SVG);
    if (fclose(f) != 0 && rc == 0)
        rc = gmv_fail(GMV_ERR_NOMEM, "out of memory drawing the diff");
    if (rc == 0 && !(f = open_memstream(&json, &json_len)))
        rc = gmv_fail(GMV_ERR_NOMEM, "out of memory writing the diff");
    if (rc == 0) {
        const gmv_layout *l = gmv_model_layout(d->after);
        fprintf(f, "{\"version\": 1, \"kind\": \"diff\", \"implementation\": \"%s\", \"input\": \"\", \"diff\": ",
                gmv_map_impl_name(l->impl));
        rc = gmv_diff_render_json(f, d, before, after);
        fputs("}\n", f);
        if (fclose(f) != 0 && rc == 0)
            rc = gmv_fail(GMV_ERR_NOMEM, "out of memory writing the diff");
    }
    char title[1024];
    snprintf(title, sizeof title, "diff of %.300s %.300s", after && after->variable[0] ? after->variable : "map",
             gmv_model_layout(d->after)->map_type);
    if (rc == 0)
        rc = gmv_render_html_page(out, "diff", title, svg, svg_len, json, json_len);
    free(svg);
    free(json);
    return rc;
}
