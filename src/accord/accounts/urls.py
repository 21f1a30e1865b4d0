from django.urls import path

from accord.accounts import views, views_passwords, views_sso, views_two_factor

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/disable/", views.disable, name="disable"),  # by id: a stored username may hold any character
    path("grants/<int:pk>/<str:decision>/", views.decide_grant, name="decide_grant"),
    # Passwords (docs/sign-in.md); the reset pages sit under login/, open to signed-out visitors.
    path("profile/password/", views_passwords.change_password, name="password_change"),
    path("login/forgot/", views_passwords.request_reset, name="password_reset"),
    path("login/reset/<str:uidb64>/<str:token>/", views_passwords.reset_link, name="password_reset_link"),
    # Second factor and single sign-on (docs/sign-in.md); the login/ prefix keeps them open to signed-out visitors.
    path("login/code/", views_two_factor.second_factor_step, name="second_factor"),
    path("login/sso/", views_sso.start, name="sso_start"),
    path("login/sso/callback/", views_sso.callback, name="sso_callback"),
    path("login/sso/refused/", views_sso.refused, name="sso_refused"),
    path("two-factor/", views_two_factor.enrol, name="two_factor"),
    path("two-factor/disable/", views_two_factor.disable, name="two_factor_disable"),
    path("two-factor/policy/", views_two_factor.policy, name="two_factor_policy"),
]
