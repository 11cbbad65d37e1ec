"""What the risk tests share: a small configured instrument and the answers that give a chosen score."""

from offenders.risk import AssessmentInstrument, InstrumentAnswer, InstrumentCutoff, InstrumentItem

# Three items, each answered 0, 1 or 3; cut-offs: 0 low (low), 3 moderate (medium), 6 high (high).
CUTOFFS = ((0, "low", "low"), (3, "moderate", "medium"), (6, "high", "high"))


def instrument_make(*, name: str = "Screening", code: str = "screening", items: int = 3, active: bool = True):
    instrument = AssessmentInstrument.objects.create(
        name=name, code=code, reassessment_interval_days=90, is_active=active
    )
    for order in range(1, items + 1):
        item = InstrumentItem.objects.create(instrument=instrument, order=order, text=f"Question {order}")
        for answer_order, (label, score) in enumerate((("No", 0), ("Some", 1), ("Yes", 3)), start=1):
            InstrumentAnswer.objects.create(item=item, order=answer_order, label=label, score=score)
    for min_score, risk_level, supervision_level in CUTOFFS:
        InstrumentCutoff.objects.create(
            instrument=instrument, min_score=min_score, risk_level=risk_level, supervision_level=supervision_level
        )
    return instrument


def answers_for(instrument, *labels: str) -> list[tuple[int, int]]:
    """(item id, answer id) for the items in order, answered with ``labels``."""
    pairs = []
    for item, label in zip(instrument.items.order_by("order"), labels, strict=True):
        pairs.append((item.pk, item.answers.get(label=label).pk))
    return pairs


def assessment_make(*, override_level: str | None = None):
    """An assessment recorded on a new medium-level case, at its own level (nothing re-planned); with
    ``override_level``, an override waiting for the supervisor."""
    from supervision.services.risk import risk_assessment_record
    from tests.supervision.factories import SupervisionFactory

    case = SupervisionFactory()
    instrument = instrument_make(name=f"Screening {case.pk}", code=f"screening-{case.pk}")
    return risk_assessment_record(
        actor=case.officer,
        supervision=case,
        instrument=instrument,
        answers=answers_for(instrument, "Yes", "No", "No"),
        assessed_on=case.start_date,
        override_level=override_level,
        override_reason="Stable work" if override_level else "",
    )
