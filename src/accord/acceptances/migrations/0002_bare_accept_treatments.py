"""Scenarios whose treatment is "accept" without an acceptance record (possible before acceptances
existed, with no expiry) each get a *requested* acceptance by the system user, expiring in 90 days,
so that they land on the steering committee's agenda to be approved, renewed or withdrawn. Their
treatment is left as it is until then. The daily review freezes their figures and asks the
approvers (a migration cannot call services). See docs/acceptances.md, "Migrated treatments"."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import migrations
from django.utils import timezone

SYSTEM_USERNAME = "accord-system"  # accord.accounts.services.SYSTEM_USERNAME
DAYS = 90
JUSTIFICATION = ("Migrated: the scenario's treatment was set to 'accept' before risk acceptances existed, with no "
                 "record, approvers or expiry. Approve it to keep the treatment, or withdraw it (the treatment then "
                 "becomes 'mitigate').")


def migrate_bare_accept(apps, schema_editor):
    scenario_model = apps.get_model("risks", "RiskScenario")
    acceptance_model = apps.get_model("acceptances", "RiskAcceptance")
    user_model = apps.get_model("accounts", "User")
    bare = [s for s in scenario_model.objects.filter(treatment="accept").order_by("pk")
            if not acceptance_model.objects.filter(scenario_id=s.pk, status__in=("requested", "granted")).exists()]
    if not bare:
        return
    system, created = user_model.objects.get_or_create(username=SYSTEM_USERNAME,
                                                       defaults={"display_name": "Accord (scheduled work)"})
    if created:
        system.password = make_password(None)
        system.save(update_fields=["password"])
    now = timezone.now()
    for scenario in bare:
        acceptance_model.objects.create(
            subject_kind="scenario", scenario_id=scenario.pk, subject_label=f"risk scenario {scenario.name}"[:300],
            justification=JUSTIFICATION, expires_on=timezone.localdate(now) + timedelta(days=DAYS),
            status="requested", frozen={}, dual_approval=True, threshold=100_000.0, requested_by_id=system.pk,
            requested_at=now, migrated=True)


class Migration(migrations.Migration):
    dependencies = [
        ("acceptances", "0001_initial"),
        ("accounts", "0002_rolegrant"),
        ("risks", "0001_initial"),
    ]

    operations = [migrations.RunPython(migrate_bare_accept, migrations.RunPython.noop)]
