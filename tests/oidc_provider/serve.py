"""Run the test OpenID provider: migrate its SQLite file, add one client and the given users, then
serve on 127.0.0.1 (waitress) and print "listening on PORT" once it accepts connections.

    python serve.py CONFIG.json    (PROVIDER_DB and PROVIDER_KEY_FILE in the environment)

CONFIG: {"client_id", "client_secret", "redirect_uri", "users": [{"username", "password", "groups"}]}
"""

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def provision(config: dict) -> None:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", interactive=False, verbosity=0)
    for spec in config["users"]:
        user = User.objects.create_user(spec["username"], email=spec.get("email", ""), password=spec["password"])
        user.groups.set([Group.objects.get_or_create(name=g)[0] for g in spec.get("groups", [])])
    Application.objects.create(
        name="Accord", client_id=config["client_id"], client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=config["redirect_uri"], algorithm=Application.RS256_ALGORITHM, skip_authorization=True)


def main() -> None:
    sys.path.insert(0, str(HERE))
    os.environ["DJANGO_SETTINGS_MODULE"] = "provider_settings"
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from waitress.server import create_server

    provision(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
    server = create_server(get_wsgi_application(), host="127.0.0.1", port=int(os.environ.get("PROVIDER_PORT", "0")),
                           threads=4)
    print(f"listening on {server.effective_port}", flush=True)
    server.run()


if __name__ == "__main__":
    main()
