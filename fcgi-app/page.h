/* page.h: the browser page (/app/), compiled in from fcgi-app/page/. */
#ifndef APITOKEN_PAGE_H
#define APITOKEN_PAGE_H

#include <stddef.h>

/* Generated into page_assets.c by fcgi-app/page/embed.awk. */
extern const char page_index_html[];
extern const size_t page_index_html_len;
extern const char page_app_js[];
extern const size_t page_app_js_len;
extern const char page_app_css[];
extern const size_t page_app_css_len;

#endif
