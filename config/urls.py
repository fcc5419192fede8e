from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.i18n import set_language
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from search import views as search_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/search/", search_views.search_api, name="search_api"),
    path("api/search/autocomplete/", search_views.autocomplete_api, name="search_autocomplete"),
]

if settings.SERVE_MEDIA:
    # Uploaded images served by Django itself: for one machine with no web server or object
    # storage in front. Documents never go this way (WAGTAILDOCS_SERVE_METHOD).
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>(?:original_images|images)/.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

# Pages answer in English at / and in French at /fr/.
urlpatterns += i18n_patterns(
    path("search/", search_views.search_page, name="search"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
