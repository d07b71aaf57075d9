from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "openbanking_portal.admin_site.PortalAdminSite"
