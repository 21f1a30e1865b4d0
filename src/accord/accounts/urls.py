from django.urls import path

from accord.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("users/", views.users, name="users"),
    path("users/<str:username>/disable/", views.disable, name="disable"),
    path("grants/<int:pk>/<str:decision>/", views.decide_grant, name="decide_grant"),
]
