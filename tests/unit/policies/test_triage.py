"""Social triage: the route a debtor's situation calls for."""

from __future__ import annotations

import pytest

from faircasso.domain.money import Money
from faircasso.domain.values import Assessment, ReferralKind
from faircasso.policies.triage import CHECKLIST, Route, triage_route


@pytest.mark.parametrize(
    ("assessment", "route"),
    [
        (Assessment.ABLE, Route.PAY_IN_FULL),
        (Assessment.WILLING_BUT_UNABLE, Route.BUDGET_GUIDANCE),
        (Assessment.UNWILLING, Route.REMINDERS_THEN_LEGAL),
        (Assessment.FRAUD, Route.LEGAL),
        (Assessment.UNREACHABLE, Route.ADDRESS_RESEARCH),
    ],
)
def test_each_assessment_has_its_route(assessment: Assessment, route: Route) -> None:
    result = triage_route(assessment)

    assert result.route is route


def test_an_able_debtor_beyond_one_months_capacity_gets_an_arrangement() -> None:
    result = triage_route(
        Assessment.ABLE, outstanding=Money("900.00"), monthly_capacity=Money("300.00")
    )

    assert result.route is Route.ARRANGEMENT


def test_a_willing_debtor_whose_plan_fits_gets_an_arrangement_and_the_checklist() -> (
    None
):
    result = triage_route(
        Assessment.WILLING_BUT_UNABLE,
        outstanding=Money("900.00"),
        monthly_capacity=Money("50.00"),
    )

    assert result.route is Route.ARRANGEMENT
    assert result.checklist == CHECKLIST
    assert result.referral is None


def test_a_willing_debtor_with_problematic_debts_is_referred_to_debt_help() -> None:
    result = triage_route(Assessment.WILLING_BUT_UNABLE, has_problematic_debts=True)

    assert result.route is Route.DEBT_HELP
    assert result.referral is ReferralKind.DEBT_HELP
    assert result.record.unconfirmed == (
        "that remission (kwijtschelding) never covers private claims",
    )


def test_the_checklist_limits_remission_to_municipal_and_water_board_taxes() -> None:
    result = triage_route(Assessment.WILLING_BUT_UNABLE)

    remission = [item for item in result.checklist if item.startswith("remission")]

    assert remission == [
        "remission (kwijtschelding): only for municipal and water-board taxes and "
        "charges; ask whether the debtor has such debts and applied in time"
    ]


def test_a_time_barred_claim_is_never_taken_to_court() -> None:
    result = triage_route(Assessment.FRAUD, time_barred=True)

    assert result.route is Route.VOLUNTARY_ONLY
