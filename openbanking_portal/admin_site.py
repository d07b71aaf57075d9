from django.contrib import admin
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("오픈뱅킹센터 이용기관 관리")
    site_title = _("오픈뱅킹센터")
    index_title = _("이용기관 심사·계약 관리")
    # The breadcrumbs, the index and the staff dashboard lead everywhere; the sidebar cost every
    # admin page the whole app list.
    enable_nav_sidebar = False

    def each_context(self, request):
        # Django builds `available_apps` (every model's permissions and URLs, 5-8 ms here) for
        # every admin page although only the sidebar reads it: build it only if read.
        request._admin_app_list_lazy = True
        try:
            return super().each_context(request)
        finally:
            del request._admin_app_list_lazy

    def get_app_list(self, request, app_label=None):
        if getattr(request, "_admin_app_list_lazy", False):
            return SimpleLazyObject(lambda: super(PortalAdminSite, self).get_app_list(request))
        return super().get_app_list(request, app_label)
