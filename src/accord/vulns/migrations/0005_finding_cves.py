# The finding-to-CVE table behind the CVE search, and each finding's fix key (issue 10, triage).
# Existing findings are indexed here; the importer keeps both in step from now on. The table and the
# fix keys are filled before their indexes are built, which is faster than inserting into an index.

import django.db.models.deletion
from django.db import migrations, models

from accord.vulns.fixes import fix_key_of

CHUNK = 2000


def fill(apps, schema_editor):
    Finding = apps.get_model("vulns", "Finding")
    FindingCve = apps.get_model("vulns", "FindingCve")
    quote = schema_editor.connection.ops.quote_name
    update = (f"UPDATE {quote(Finding._meta.db_table)} SET {quote('fix_key')} = %s "  # noqa: S608
              f"WHERE {quote('id')} = %s")
    last = 0
    while True:
        rows = list(Finding.objects.filter(pk__gt=last).order_by("pk")
                    .values_list("pk", "cves", "solution", "rule_id", "title")[:CHUNK])
        if not rows:
            return
        last = rows[-1][0]
        FindingCve.objects.bulk_create([FindingCve(finding_id=pk, cve=cve) for pk, cves, *_ in rows
                                        for cve in sorted(set(cves.split(","))) if cve], batch_size=500)
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(update, [(fix_key_of(solution, rule_id, title), pk)
                                        for pk, _, solution, rule_id, title in rows])


class Migration(migrations.Migration):

    dependencies = [
        ("vulns", "0004_import_summary"),
    ]

    operations = [
        migrations.CreateModel(
            name="FindingCve",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("cve", models.CharField(max_length=24)),
                ("finding", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                              related_name="cve_rows", to="vulns.finding")),
            ],
            options={
                "verbose_name": "finding CVE",
            },
        ),
        migrations.AddField(
            model_name="finding",
            name="fix_key",
            field=models.CharField(default="", max_length=16),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(fields=["fix_key", "due_date"], name="finding_fix_due"),
        ),
        migrations.AddConstraint(
            model_name="findingcve",
            constraint=models.UniqueConstraint(fields=("cve", "finding"), name="finding_cve_unique"),
        ),
    ]
