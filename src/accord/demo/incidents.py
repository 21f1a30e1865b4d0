"""The demo's incident room: an open severity-1 ransomware incident on the Warehouse Management
service with three updates and running NIS2 and GDPR clocks (the early warning already sent), a
closed credential-stuffing incident with its post-incident review, and a tabletop exercise.

Times are relative to now, so the clocks are running whenever the demo is loaded. The timeline's
moments in the past are given explicitly (`at=`); updates are written now, in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from accord.incidents import selectors, services
from accord.org import selectors as org_selectors


def _person(actor: Any, username: str) -> Any:
    return org_selectors.people_visible_to(actor).filter(user__username=username).first()


def _open_ransomware(ciso: Any, analyst: Any, now: datetime) -> Any:
    wms = org_selectors.services_visible_to(ciso).filter(name="Warehouse Management").first()
    services_hit = [wms] if wms is not None else list(org_selectors.services_visible_to(ciso)[:1])
    assets = list(org_selectors.assets_visible_to(ciso).filter(hostname__startswith="wms-app-")[:3])
    detected = now - timedelta(hours=7, minutes=20)
    incident = services.open_incident(
        actor=analyst, title="Ransomware on the warehouse management servers", severity=1,
        summary="EDR alerts on three WMS application servers: files renamed with a .lockd extension and a ransom "
                "note. Picking and dispatch stopped in two distribution centres.",
        began_at=detected - timedelta(hours=9), detected_at=detected, reported_at=detected + timedelta(minutes=25),
        services=services_hit, assets=assets, commander=_person(ciso, "ciso"), personal_data=True, nis2_entity=True,
        phase="analyse")
    services.add_note(actor=analyst, incident=incident, at=detected + timedelta(minutes=40),
                      text="WMS network segment isolated at the core firewall; distribution centres switch to paper picking.")
    services.change_phase(actor=analyst, incident=incident, phase="contain", at=detected + timedelta(hours=2),
                          note="Segment isolated, domain admin passwords being reset.")
    services.write_update(
        actor=analyst, incident=incident,
        bottom_line="Ransomware has stopped warehouse management in two of six distribution centres. We have cut the "
                    "service off from the network; dispatch runs on paper at reduced speed.",
        facts=["Three WMS application servers show encrypted files and a ransom note from a known extortion group.",
               "The WMS segment was isolated 40 minutes after the first alert.",
               "The other four distribution centres work normally."],
        judgements=[{"statement": "The attackers copied data out before encrypting.", "likelihood": "roughly_even",
                     "confidence": "low", "basis": "The group usually does; egress logs not reviewed yet."}],
        unknowns=["How the attackers got in.", "Whether customer or employee data was copied out."],
        decisions_needed=["CIO: stop the WMS in all six centres as a precaution (about 4 hours of paper picking)?"],
        records=(0, 120_000), downtime_hours=(12, 60), other_cost=(80_000, 400_000),
        cost_note="forensics, overtime in the warehouses, legal advice",
        actions=[{"text": "Export the firewall egress logs of the last 72 hours", "owner": _person(ciso, "analyst"),
                  "due": now + timedelta(hours=2)}],
        next_update_at=now + timedelta(hours=3))
    services.mark_regulator_notified(actor=ciso, incident=incident, regime="nis2", deadline="early_warning",
                                     at=detected + timedelta(hours=5), authority="National CSIRT",
                                     reference="CSIRT-2026-0412")
    services.record_incident_decision(
        actor=ciso, incident=incident, question="Stop the WMS in all six distribution centres?",
        outcome="No: keep the four unaffected centres running, monitored hourly.",
        rationale="No sign of spread beyond the isolated segment; stopping costs about 4 hours of dispatch.")
    services.write_update(
        actor=analyst, incident=incident,
        bottom_line="Still two distribution centres on paper picking. Restoring the WMS from backups takes one to two "
                    "more days. Customer data was probably copied out, so the GDPR notification is being prepared.",
        facts=["Three WMS application servers show encrypted files and a ransom note from a known extortion group.",
               "The WMS segment is isolated; the four other centres run normally, monitored hourly.",
               "NIS2 early warning sent to the national CSIRT.",
               "Egress logs show 38 GB sent to an unknown host the night before the encryption."],
        judgements=[
            {"statement": "The attackers copied customer delivery data out before encrypting.", "likelihood": "likely",
             "confidence": "moderate", "basis": "38 GB of egress from the WMS database host to an unknown address."},
            {"statement": "The attack spreads to other business services.", "likelihood": "very_unlikely",
             "confidence": "moderate", "basis": "No alert outside the isolated segment in seven hours; "
                                                "privileged passwords reset."}],
        unknowns=["How the attackers got in (the VPN appliance is the main suspect).",
                  "Which customer records the 38 GB contain.", "Whether the backups of the last two days are clean."],
        decisions_needed=["Executives: notify the supervisory authority now with what we know (GDPR allows phased "
                          "information), or wait for the forensic report tomorrow?",
                          "CIO: approve weekend overtime for the restore (two teams)?"],
        records=(20_000, 180_000), downtime_hours=(24, 72), other_cost=(150_000, 600_000),
        cost_note="forensics, overtime, legal advice and customer notification",
        actions=[{"text": "Verify the last clean backup of the WMS database", "owner": _person(ciso, "itops"),
                  "due": now + timedelta(hours=4)},
                 {"text": "Draft the GDPR notification to the supervisory authority", "owner": _person(ciso, "ciso"),
                  "due": now + timedelta(hours=12)}],
        next_update_at=now + timedelta(hours=3, minutes=30))
    return incident


def _closed_with_review(ciso: Any, analyst: Any, now: datetime) -> Any:
    portal = org_selectors.services_visible_to(ciso).filter(name="Customer Portal & API").first()
    detected = now - timedelta(days=38, hours=3)
    incident = services.open_incident(
        actor=analyst, title="Credential stuffing against the customer portal", severity=2,
        summary="A burst of failed logins from residential proxies; 312 customer accounts logged into by the attacker.",
        began_at=detected - timedelta(hours=5), detected_at=detected, reported_at=detected + timedelta(minutes=18),
        services=[portal] if portal is not None else [], commander=_person(ciso, "ciso"), personal_data=True,
        phase="analyse")
    services.change_phase(actor=analyst, incident=incident, phase="contain", at=detected + timedelta(hours=1))
    services.change_phase(actor=analyst, incident=incident, phase="eradicate", at=detected + timedelta(hours=4),
                          note="Rate limits and bot protection on the login page.")
    services.change_phase(actor=analyst, incident=incident, phase="recover", at=detected + timedelta(hours=9))
    services.mark_regulator_notified(actor=ciso, incident=incident, regime="gdpr", deadline="supervisory_authority",
                                     at=detected + timedelta(hours=40), authority="Data protection authority",
                                     reference="DPA-26-1187")
    services.change_phase(actor=analyst, incident=incident, phase="closed", at=detected + timedelta(days=2))
    review = services.save_review(
        actor=ciso, incident=incident, held_on=(detected + timedelta(days=6)).date(),
        summary="Attackers used leaked passwords from other sites against our portal; 312 accounts were taken over "
                "before rate limiting stopped them. The accounts were reset and the customers told.",
        root_cause="No rate limiting or bot protection on the portal login; no multi-factor option for customers.",
        went_well="Detected within five hours; contained within one hour of detection; GDPR notification on time.",
        to_improve="The on-call analyst could not reach the portal team at night; the customer notice took a day to "
                   "agree.")
    services.add_lesson(actor=ciso, review=review, text="Customer logins need bot protection and an MFA option.",
                        actions=[{"text": "Offer customers an authenticator app as a second factor",
                                  "owner": _person(ciso, "owner"), "due": now + timedelta(days=45)}])
    lesson = services.add_lesson(actor=ciso, review=review,
                                 text="The out-of-hours contact list of application teams was out of date.",
                                 actions=[{"text": "Put every tier-1 and tier-2 service's on-call number in the "
                                                   "directory", "owner": _person(ciso, "itops"),
                                           "due": now - timedelta(days=10)}])
    for action in lesson.actions.all():
        services.close_action(actor=ciso, action=action, note="numbers checked by a test call")
    return incident


def build_incidents(context: Any) -> str:
    ciso, analyst = context.users["ciso"], context.users["analyst"]
    now = timezone.now().astimezone(UTC).replace(second=0, microsecond=0)
    ransomware = _open_ransomware(ciso, analyst, now)
    closed = _closed_with_review(ciso, analyst, now)
    exercise = services.start_exercise(actor=ciso, scenario="vendor_breach", commander=_person(ciso, "ciso"))
    clocks = [c for c in selectors.clocks_of(ransomware) if c.met_at is None]
    return (f"incidents: {ransomware.reference} open (severity 1, {len(clocks)} regulatory deadlines running), "
            f"{closed.reference} closed with its review, exercise {exercise.reference}")
