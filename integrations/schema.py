from drf_spectacular.extensions import OpenApiAuthenticationExtension


class InstitutionTokenScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.authentication.InstitutionTokenAuthentication"
    name = "institutionToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "기관 API 키 (obp_…)"}
