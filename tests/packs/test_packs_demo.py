"""The demo builder prints the board pack of the last complete quarter."""

from __future__ import annotations

from accord.demo.accounts import create_demo_accounts
from accord.demo.packs import build_packs
from accord.packs.models import BoardPack
from accord.packs.periods import last_complete_quarter


def test_the_demo_has_a_board_pack_of_the_last_quarter(db):
    context = create_demo_accounts()
    summary = build_packs(context)
    pack = BoardPack.objects.get()
    assert pack.period == str(last_complete_quarter()) and pack.status == "ready"
    assert pack.requested_by.username == "ciso" and bytes(pack.pdf).startswith(b"%PDF-")
    assert summary == f"a board pack for {pack.period} ({pack.pages} pages)"
