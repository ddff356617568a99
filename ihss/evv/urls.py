"""EVV's pages, under /evv/: the phone screen (phone_urls) and the county's (county_urls)."""

from ihss.evv import county_urls, phone_urls

app_name = "evv"

urlpatterns = [*phone_urls.urlpatterns, *county_urls.urlpatterns]
