"""A finished desk is kept per user until the next audited write (and at most DESK_SECONDS)."""

from __future__ import annotations

from accord.desk.selectors import desk_for
from accord.org import services as org
from accord.org.models import Team


def test_the_desk_is_kept_until_the_next_audited_write(admin):
    org.create_team(actor=admin, name="Platform")
    assert desk_for(admin).overview.teams == 1
    Team.objects.create(name="unaudited")  # no audit row: the kept desk stands
    assert desk_for(admin).overview.teams == 1
    org.create_team(actor=admin, name="Network")  # an audited write: computed again
    assert desk_for(admin).overview.teams == 3

