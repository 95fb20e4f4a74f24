"""The legal track of a case: proposal, summons, judgment, attachment.

:class:`CaseLegal` is part of :class:`~faircasso.domain.case.Case`, kept
apart to keep each module readable. The guards live here: a time-barred
claim is never taken to court, a balance below the client's threshold is
not proposed, and attachment needs a served judgment or court leave for
prejudgment attachment (arts. 430 and 700 Rv).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from faircasso.domain import case_events as ev
from faircasso.domain import rules
from faircasso.domain.books import InvoiceBook
from faircasso.domain.errors import (
    AttachmentNotAllowedError,
    CommandNotAllowedError,
    TimeBarredError,
)
from faircasso.domain.lifecycle import Guard, Phase
from faircasso.domain.money import Money
from faircasso.domain.values import (
    Agreement,
    CloseReason,
    require_positive,
    require_text,
)


class CaseLegal:
    """Commands of the legal track, with the guards the law sets."""

    agreement: Agreement
    books: dict[str, InvoiceBook]
    state: str
    court_leave: bool

    if TYPE_CHECKING:

        @property
        def phase(self) -> Phase: ...

        @property
        def step(self) -> str: ...

        @property
        def label(self) -> str: ...

        def balance_on(self, day: date) -> Money: ...

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

        def _decide(
            self, trigger: str, on: date, *, guards: dict[str, Guard] | None = None
        ) -> str: ...

        def _record_close(self, on: date, state: str, reason: CloseReason) -> None: ...

        def _interrupt_limitation(self, on: date) -> None: ...

        def _charge(
            self, on: date, kind: str, amount: Money, records: tuple[Any, ...]
        ) -> None: ...

    # -- legal -----------------------------------------------------------------

    def propose_legal(self, on: date) -> None:
        """Propose court proceedings to the client, with a cost estimate.

        Refused for a time-barred claim and for a balance below the
        client's threshold for the legal track.
        """
        state = self._decide(
            "propose_legal", on, guards={"propose_legal": lambda: self._legal_guard(on)}
        )
        claim_value = self.balance_on(on)
        estimate = rules.legal_estimate(
            claim_value, private_individual=self.agreement.private_individual, on=on
        )
        self.trigger_event(
            ev.LegalTrackProposed,
            on=on,
            state=state,
            claim_value=claim_value,
            estimated_costs=_estimated_total(estimate),
            rules=(estimate.record,),
        )

    def _legal_guard(self, on: date) -> None:
        barred = [b for b in self.books.values() if self._is_barred(b, on)]
        if barred:
            book = barred[0]
            since = book.limitation_date.isoformat() if book.limitation_date else "?"
            raise TimeBarredError(
                self.label,
                "propose legal",
                self.phase.value,
                self.step,
                reason=f"invoice {book.number} is time-barred since {since}; "
                "a time-barred claim is never taken to court",
            )
        balance = self.balance_on(on)
        if balance < self.agreement.legal_threshold:
            raise CommandNotAllowedError(
                self.label,
                "propose legal",
                self.phase.value,
                self.step,
                reason=f"the balance {balance} is below the client's legal "
                f"threshold {self.agreement.legal_threshold}",
            )

    @staticmethod
    def _is_barred(book: InvoiceBook, on: date) -> bool:
        if book.principal_open.is_zero():
            return False
        limit = book.limitation_date
        return book.time_barred or (limit is not None and limit <= on)

    def approve_legal(self, on: date) -> None:
        """Record the client's approval of the legal track."""
        state = self._decide("approve_legal", on)
        self.trigger_event(ev.LegalTrackApproved, on=on, state=state)

    def decline_legal(self, on: date) -> None:
        """Record that the client declined the legal track; the case closes."""
        state = self._decide("decline_legal", on)
        self._record_close(on, state, CloseReason.CLIENT_DECLINED_LEGAL)

    def record_summons_served(self, on: date) -> None:
        """Record that the bailiff served the summons (a court claim, 3:316 BW)."""
        state = self._decide("serve_summons", on)
        self.trigger_event(ev.SummonsServed, on=on, state=state)
        self._interrupt_limitation(on)

    def record_judgment(self, on: date, awarded_costs: Money | None = None) -> None:
        """Record the judgment; costs the court awarded are added to the claim."""
        state = self._decide("obtain_judgment", on)
        costs = (
            None if awarded_costs is None or awarded_costs.is_zero() else awarded_costs
        )
        if costs is not None:
            require_positive(costs, "The costs awarded")
        self.trigger_event(ev.JudgmentObtained, on=on, state=state)
        if costs is not None:
            self._charge(on, "legal", costs, ())

    def record_judgment_served(self, on: date) -> None:
        """Record that the judgment was served: attachment may follow."""
        state = self._decide("serve_judgment", on)
        self.trigger_event(ev.JudgmentServed, on=on, state=state)

    def grant_court_leave(self, on: date, main_action_by: date | None = None) -> None:
        """Record leave for prejudgment attachment (art. 700 Rv)."""
        self._decide("grant_court_leave", on)
        self.trigger_event(ev.CourtLeaveGranted, on=on, main_action_by=main_action_by)

    def lay_attachment(self, on: date, kind: str = "bank account") -> None:
        """Record an attachment; needs a served judgment or court leave."""
        guards = {"lay_attachment": self._attachment_guard}
        state = self._decide("lay_attachment", on, guards=guards)
        kind = require_text("attachment kind", kind, max_length=80)
        self.trigger_event(ev.AttachmentLaid, on=on, state=state, kind=kind)

    def _attachment_guard(self) -> None:
        served = self.state in ("legal.judgment_served", "legal.attachment")
        if not served and not self.court_leave:
            raise AttachmentNotAllowedError(
                self.label,
                "lay attachment",
                self.phase.value,
                self.step,
                reason="there is no served judgment and no court leave for "
                "prejudgment attachment",
            )


def _estimated_total(estimate: Any) -> Money:
    """The estimate's total; above the kanton limit, the bailiff part only."""
    total: Money | None = estimate.total
    if total is None:
        return Money(estimate.summons_fee.amount + estimate.service_fee.amount)
    return total
