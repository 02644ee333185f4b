/* One self-contained HTML page: the Graphviz SVG of the overview, the data
 * the viewer draws its views from, the viewer and the pan-zoom library, all
 * inline (the page reaches no network). The page runs only its two
 * bundled scripts: its Content-Security-Policy names them by hash, and
 * nothing from the map is ever markup (the SVG escapes it, the data is a
 * JSON script block that is not run, with every '<' escaped). */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "gomapviz/render.h"
#include "render/html_assets.h"
#include "render/text.h"

/* Writes `s` with &, <, >, " escaped (for the page's title). */
static void put_escaped(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out); break;
        }
    }
}

/* Writes the JSON `data` with every '<' as \u003c (only strings hold one),
 * so that no "</script" or "<!--" can end or change the script block. */
static void put_json(FILE *out, const char *data, size_t len)
{
    const char *end = data + len;
    while (data < end) {
        const char *lt = memchr(data, '<', (size_t)(end - data));
        size_t run = lt ? (size_t)(lt - data) : (size_t)(end - data);
        fwrite(data, 1, run, out);
        if (!lt)
            break;
        fputs("\\u003c", out);
        data = lt + 1;
    }
}

/* The SVG from its <svg element on (Graphviz writes an XML declaration
 * and a DOCTYPE first, which have no place inside HTML). */
static const char *svg_element(const char *svg, size_t len, size_t *rest)
{
    const char *at = NULL;
    for (size_t i = 0; i + 4 <= len; i++)
        if (memcmp(svg + i, "<svg", 4) == 0) {
            at = svg + i;
            break;
        }
    *rest = at ? len - (size_t)(at - svg) : 0;
    return at;
}

/* Runs `part` into memory: *text (malloc'd; the caller frees it) and *len. */
static int part_in_memory(gmv_page_part part, void *ctx, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    FILE *f = open_memstream(text, len);
    if (!f)
        return gmv_fail(GMV_ERR_NOMEM, "out of memory writing the page");
    int rc = part(f, ctx);
    if (fclose(f) != 0 && rc == 0)
        rc = gmv_fail(GMV_ERR_NOMEM, "out of memory writing the page");
    return rc;
}

/* Writes the page around the SVG and the data, both in memory. */
static int write_page(FILE *out, const char *kind, const char *title, const char *svg, size_t svg_len,
                      const char *data, size_t data_len)
{
    size_t svg_rest = 0;
    const char *svg_at = svg_element(svg, svg_len, &svg_rest);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"", out);
    fputs(gmv_asset_csp, out);
    fputs("\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", out);
    put_escaped(out, title);
    fputs("</title>\n<style>", out);
    fputs(gmv_asset_viewer_css, out);
    fprintf(out, "</style>\n</head>\n<body data-kind=\"%s\">\n", kind);
    fputs("<header id=\"bar\"><h1 id=\"title\"></h1>"
          "<form id=\"search\" role=\"search\"><input id=\"query\" type=\"search\" "
          "placeholder=\"find a key, as Go prints it\" aria-label=\"find a key\" autocomplete=\"off\">"
          "<button type=\"submit\">find</button></form>"
          "<button id=\"legend-toggle\" type=\"button\" aria-expanded=\"false\">legend</button>"
          "<nav id=\"crumbs\" aria-label=\"where you are\"></nav></header>\n"
          "<main><section id=\"overview\" aria-label=\"overview\"><div id=\"zoom\">", out);
    if (svg_at)
        fwrite(svg_at, 1, svg_rest, out);
    fputs("</div><div id=\"zoom-help\">drag to pan, wheel to zoom, double-click to reset</div></section>\n"
          "<section id=\"detail\" aria-live=\"polite\"></section></main>\n"
          "<aside id=\"legend\" hidden></aside><div id=\"tip\" role=\"tooltip\" hidden></div>\n"
          "<script type=\"application/json\" id=\"gmv-data\">", out);
    put_json(out, data, data_len);
    fputs("</script>\n<script>", out);
    fputs(gmv_asset_panzoom_js, out);
    fputs("</script>\n<script>", out);
    fputs(gmv_asset_viewer_js, out);
    fputs("</script>\n</body>\n</html>\n", out);
    return ferror(out) ? gmv_fail(GMV_ERR_IO, "cannot write the page") : 0;
}

int gmv_render_html_page(FILE *out, const char *kind, const char *title, gmv_page_part svg, gmv_page_part data,
                         void *ctx)
{
    char *svg_text = NULL, *data_text = NULL;
    size_t svg_len = 0, data_len = 0;
    int rc = part_in_memory(svg, ctx, &svg_text, &svg_len);
    if (rc == 0)
        rc = part_in_memory(data, ctx, &data_text, &data_len);
    if (rc == 0)
        rc = write_page(out, kind, title, svg_text, svg_len, data_text, data_len);
    free(svg_text);
    free(data_text);
    return rc;
}
