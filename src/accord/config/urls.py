from django.urls import include, path

from accord.config.api import api
from accord.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("accounts/", include("accord.accounts.urls")),
    path("org/", include("accord.org.urls")),
    path("risks/", include("accord.risks.urls")),
    path("vulns/", include("accord.vulns.urls")),
    path("patching/", include("accord.patching.urls")),
    path("portfolio/", include("accord.portfolio.urls")),
    path("", include("accord.governance.urls")),
    path("", include("accord.notifications.urls")),
    path("jobs/", include("accord.jobs.urls")),
    path("reviews/", include("accord.reviews.urls")),
    path("incidents/", include("accord.incidents.urls")),
    path("steering/acceptances/", include("accord.acceptances.urls")),
    path("steering/", include("accord.steering.urls")),
    path("scorecard/", include("accord.metrics.urls")),
    path("reports/", include("accord.packs.urls")),
    path("posture/", include("accord.posture.urls")),
    path("vendors/", include("accord.vendors.urls")),
    path("culture/", include("accord.culture.urls")),
    path("leadership/", include("accord.leadership.urls")),
    path("", include("accord.desk.urls")),
    path("", include("accord.core.urls")),
]

