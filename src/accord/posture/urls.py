from django.urls import path

from accord.posture import views

app_name = "posture"
urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.compare, name="compare"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/import/", views.catalogue_import, name="catalogue_import"),
    path("benchmarks/", views.benchmarks, name="benchmarks"),
    path("benchmarks/import/", views.benchmark_import, name="benchmark_import"),
    path("assessments/new/", views.assessment_new, name="assessment_new"),
    path("assessments/import/", views.results_import, name="results_import"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/oscal.json", views.assessment_oscal, name="assessment_oscal"),
    path("assessments/<int:pk>/score/<str:subcategory>/", views.score_edit, name="score"),
]
