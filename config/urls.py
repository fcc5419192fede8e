import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import Http404
from django.urls import include, path, re_path
from django.views.defaults import page_not_found
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.views import serve as wagtail_serve

from home.views import favicon, robots_txt, sitemap, sitemap_index, switch_language
from knowledge.api import api_router
from knowledge.feeds import latest_items_feed, search_feed
from knowledge.oai.views import oai_pmh
from knowledge.publishing import media
from knowledge.publishing import tags as partner_tags
from knowledge.views import permalink, search_feed_page
from search import export as search_export
from search import views as search_views

CHECKED_MEDIA = re.escape(settings.CHECKED_MEDIA_URL.lstrip("/"))

urlpatterns = [
    # Before Wagtail's own, which answered every tag in the site to any admin user.
    path("admin/tag-autocomplete/", partner_tags.autocomplete, name="wagtailadmin_tag_autocomplete"),
    path(
        "admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/",
        partner_tags.autocomplete,
        name="wagtailadmin_tag_model_autocomplete",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", switch_language, name="set_language"),
    path("k/<int:item_id>/", permalink, name="knowledge_permalink"),
    path("api/search/", search_views.search_api, name="search_api"),
    path("api/search/autocomplete/", search_views.autocomplete_api, name="search_autocomplete"),
    path("api/v2/", api_router.urls),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap, name="sitemap_section"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("feeds/latest.atom", latest_items_feed, name="feed_latest"),
    path("feeds/search.atom", search_feed, name="feed_search"),
    path("oai/", oai_pmh, name="oai_pmh"),
]

# Original images and the renditions of images not yet public: always through the checking
# views, which serve them only to those who may see the image (a web server in front sends these
# paths here, never to the folder).
urlpatterns += [
    re_path(rf"^{CHECKED_MEDIA}original_images/(?P<name>.+)$", media.original_image, name="original_image"),
    re_path(
        rf"^{CHECKED_MEDIA}protected_images/(?P<image_id>[0-9]+)/(?P<name>[^/]+)$",
        media.protected_rendition,
        name="protected_rendition",
    ),
]

if settings.SERVE_MEDIA:
    # Public renditions served by Django itself: for one machine with no web server or object
    # storage in front. Documents never go this way (WAGTAILDOCS_SERVE_METHOD), nor originals.
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>images/.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

if settings.DEBUG:
    # DEBUG answers a missing page with Django's technical page: here is the readers' 404 page, in
    # each language, to look at and to check (tests/e2e/test_accessibility.py).
    urlpatterns += i18n_patterns(
        path("errors/404/", page_not_found, {"exception": Http404()}), prefix_default_language=False
    )

# Pages answer in English at / and in French, Portuguese and Spanish at /fr/, /pt/ and /es/.
urlpatterns += i18n_patterns(
    path("search/export/<str:format>/", search_export.export_results, name="search_export"),
    path("search/feed/", search_feed_page, name="search_feed_page"),
    path("search/", search_views.search_page, name="search"),
    # Wagtail's own pattern serves only paths ending in "/"; this lets the library's
    # in-numbers route answer at .../in-numbers/figures.csv too.
    re_path(r"^((?:[\w\-]+/)+in-numbers/figures\.csv)$", wagtail_serve),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
