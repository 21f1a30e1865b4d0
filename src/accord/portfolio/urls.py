from django.urls import path

from accord.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("", views.portfolio, name="home"),
    path("best/", views.best, name="best"),
    path("estimate/", views.estimate, name="estimate"),
    path("selections/", views.selection_list, name="selections"),
    path("selections/save/", views.save_selection, name="selection_save"),
    path("selections/<int:pk>/", views.selection_detail, name="selection"),
    path("budgets/new/", views.budget_edit, name="budget_new"),
    path("budgets/<int:pk>/edit/", views.budget_edit, name="budget_edit"),
    path("initiatives/", views.initiatives, name="initiatives"),
    path("initiatives/new/", views.initiative_edit, name="initiative_new"),
    path("initiatives/import/", views.initiative_import, name="initiative_import"),
    path("initiatives/export.csv", views.initiative_export, name="initiative_export"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative"),
    path("initiatives/<int:pk>/edit/", views.initiative_edit, name="initiative_edit"),
    path("initiatives/<int:pk>/delete/", views.initiative_delete, name="initiative_delete"),
    path("initiatives/<int:pk>/estimate/", views.initiative_estimate, name="initiative_estimate"),
    path("initiatives/<int:pk>/effects/new/", views.effect_edit, name="effect_new"),
    path("initiatives/<int:pk>/effects/<int:effect_pk>/edit/", views.effect_edit, name="effect_edit"),
    path("initiatives/<int:pk>/effects/<int:effect_pk>/delete/", views.effect_delete, name="effect_delete"),
]
