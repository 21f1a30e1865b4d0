"""A remediation-policy proposal pending when this runs becomes an open governance sign-off: the
proposer's approval in their role's slot, the other leader's slot open (as `propose_sla_policy`
makes them from now on)."""

import hashlib
import json

from django.db import migrations


def _digest(inputs):
    canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def proposals_to_signoffs(apps, schema_editor):
    SlaPolicy = apps.get_model("vulns", "SlaPolicy")
    SignOff = apps.get_model("governance", "SignOff")
    Approval = apps.get_model("governance", "Approval")
    for policy in SlaPolicy.objects.filter(status="proposed", signoff__isnull=True):
        role = policy.proposed_role if policy.proposed_role in ("ciso", "cio") else "ciso"
        other = "cio" if role == "ciso" else "ciso"
        inputs = {"days": {"act": policy.act_days, "attend": policy.attend_days, "track*": policy.track_star_days,
                           "track": policy.track_days},
                  "due_soon_days": policy.due_soon_days, "kev_days": policy.kev_days,
                  "bound_by_bod_22_01": policy.bound_by_bod_22_01}
        signoff = SignOff.objects.create(
            kind="sla_policy", subject_type="vulns.slapolicy", subject_id=str(policy.pk),
            subject_label=f"SLA policy #{policy.pk}", subject_url="/vulns/sla/policy/",
            summary=f"Remediation days proposed by the {role.upper()}. {policy.reason}".strip()[:2000],
            figures=inputs, inputs_hash=_digest(inputs), slots=[[role], [other]], distinct_people=True,
            status="open", requested_by_id=policy.proposed_by_id, requested_at=policy.proposed_at)
        Approval.objects.create(signoff=signoff, slot=0, role=role, user_id=policy.proposed_by_id, approved=True,
                                comment="proposed", at=policy.proposed_at)
        policy.signoff = signoff
        policy.save(update_fields=["signoff"])


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0001_initial"),
        ("vulns", "0006_sla_policy_signoff"),
    ]

    operations = [migrations.RunPython(proposals_to_signoffs, migrations.RunPython.noop)]
