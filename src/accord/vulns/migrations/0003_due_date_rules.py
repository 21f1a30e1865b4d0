# Issue 9, point 5: a due date says which rule set it; the KEV clock needs the day a finding was
# opened (first seen or reopened); the SLA policy gets the KEV days and the BOD 22-01 setting.
# Existing findings get `opened_on` = their clock start; their due dates are recomputed under the new
# rule by the next KEV or EPSS load or SLA policy change (docs/vulnerabilities.md, "Due dates").

from django.db import migrations, models
from django.db.models import F


def opened_on_from_clock_start(apps, schema_editor):
    Finding = apps.get_model("vulns", "Finding")
    Finding.objects.update(opened_on=F("sla_start"))


class Migration(migrations.Migration):

    dependencies = [
        ("vulns", "0002_finding_finding_kev_state_due"),
    ]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="opened_on",
            field=models.DateField(help_text="First seen, or the day it was last reopened.", null=True),
        ),
        migrations.RunPython(opened_on_from_clock_start, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="finding",
            name="opened_on",
            field=models.DateField(help_text="First seen, or the day it was last reopened."),
        ),
        migrations.AddField(
            model_name="finding",
            name="due_rule",
            field=models.CharField(
                choices=[("decision", "the decision's days"), ("kev", "the KEV remediation days"),
                         ("bod_22_01", "CISA's BOD 22-01 due date"),
                         ("kept", "the date before the decision escalated")],
                default="decision", max_length=10),
        ),
        migrations.AddField(
            model_name="finding",
            name="due_reason",
            field=models.TextField(blank=True, default="", help_text="Which rule set the due date, in words."),
        ),
        migrations.AddField(
            model_name="finding",
            name="due_not_after",
            field=models.DateField(
                blank=True, null=True,
                help_text="The due date before the decision last escalated: never extended past it."),
        ),
        migrations.AddField(
            model_name="slapolicy",
            name="kev_days",
            field=models.PositiveIntegerField(
                default=14,
                help_text="Days for a KEV-listed finding, from the later of first seen and the KEV listing."),
        ),
        migrations.AddField(
            model_name="slapolicy",
            name="bound_by_bod_22_01",
            field=models.BooleanField(
                default=False,
                help_text="CISA's KEV due dates bind (US federal civilian agencies); else a reference."),
        ),
    ]
