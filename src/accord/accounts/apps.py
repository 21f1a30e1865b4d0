from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accord.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accord.governance.kinds import register

        register("role_grant", "CIO or CISO role granted (a second administrator)", read="user.read",
                 act="user.manage")
