from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from agency import api_guide, audit_views, health, otp_views, views
from agency.api.urls import api_patterns, api_router
from offenders.api.urls import router as offenders_router
from supervision.access import CASE_RECORD_UNIT_PATHS
from supervision.api.urls import router as supervision_router

# The composition root: the only module of the platform app that imports the domain apps.
API_ROUTER = api_router(offenders_router, supervision_router)

# The API docs page runs Swagger UI from local static files with its script served apart (no inline
# script); Swagger UI sets inline styles, so that one page allows them. The schema, the docs page and the
# guide are for signed-in users unless API_DOCS_PUBLIC opens them (agency/api_guide.py).
api_docs = csp_update({"style-src": ["'unsafe-inline'"]})(api_guide.ApiDocsView.as_view(url_name="api-schema"))

# Sign-in and password change; no e-mailed password reset (administrators set passwords in the admin).
accounts = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", otp_views.AuditedPasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("two-factor/", otp_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", otp_views.two_factor_setup, name="two_factor_setup"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    path("accounts/session/", include("agency.session_urls")),
    path("audit/", include((audit_views.patterns(case_records=CASE_RECORD_UNIT_PATHS), "audit"))),
    path("api/v1/", include(api_patterns(API_ROUTER))),
    # The schema's description links to the guide's "Getting started" (shown at the top of /api/docs/).
    path(
        "api/schema/",
        api_guide.ApiSchemaView.as_view(custom_settings={"DESCRIPTION": api_guide.API_DESCRIPTION}),
        name="api-schema",
    ),
    path("api/docs/", api_docs, name="api-docs"),
    path("api/guide/", api_guide.api_guide, name="api-guide"),
    path("dashboard/", include("supervision.dashboard.urls")),
    path("inbox/", include("supervision.inbox.urls")),
    path("notifications/", include("supervision.notifications.urls")),
    path("", include("supervision.workspace.urls")),
]

handler404 = "agency.views.page_not_found"
