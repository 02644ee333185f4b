/* Internal: what the HTML page bundles, generated at build time by
 * cmake/embed_assets.cmake: the pan-zoom library (@panzoom/panzoom, from
 * the npm package scripts/install-npm.sh installs), the page's own viewer
 * (src/render/html/viewer.js, viewer.css), and the Content-Security-Policy
 * that lets run only those exact scripts and styles. */
#ifndef GMV_RENDER_HTML_ASSETS_H
#define GMV_RENDER_HTML_ASSETS_H

extern const char gmv_asset_panzoom_js[];
extern const char gmv_asset_viewer_js[];
extern const char gmv_asset_viewer_css[];
extern const char gmv_asset_csp[];

#endif
