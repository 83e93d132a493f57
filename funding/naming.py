"""Forms and imports name sources, recipients and themes by text; these adapters find
or record what each name stands for, then hand over to the funding services.

They stand at the edge, beside the views and the importer that need them, and not in
``services.py``: finding a recipient by name is commissioning's service, and
commissioning's services use funding's, so the two service modules can import each
other in one direction only.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from commissioning.models import Provider
from commissioning.services import provider_get_or_create

from . import services
from .models import Allocation, FundingSource, FundingStream, PlanTheme


def source_named(name: str) -> FundingSource | None:
    """The funding source of that name (recorded if new); None for a blank name."""
    return services.funding_source_get_or_create(name=name) if name.strip() else None


def recipient_named(name: str) -> Provider | None:
    """The provider of that name (recorded if new); None for a blank name. A name the
    provider is refused under is refused as the recipient's."""
    if not name.strip():
        return None
    try:
        return provider_get_or_create(name=name)
    except ValidationError as error:
        raise ValidationError({"recipient": error.messages}) from error


def theme_named(name: str) -> PlanTheme | None:
    """The plan theme of that name (recorded if new); None for a blank name."""
    return services.plan_theme_get_or_create(name=name) if name.strip() else None


@transaction.atomic
def funding_stream_create_for_year(
    *, by, start_year: int, source_name: str = "", **fields
) -> FundingStream:
    """Create a stream in the year starting ``start_year`` (recorded if new), with its
    source named by text (recorded if new). Nothing is kept if the stream is refused."""
    year = services.financial_year_get_or_create(start_year=start_year)
    source = source_named(source_name)
    return services.funding_stream_create(by=by, financial_year=year, source=source, **fields)


funding_stream_create_for_year.alters_data = True


@transaction.atomic
def funding_stream_update_named(
    *, stream: FundingStream, by, source_name: str = "", **changes
) -> FundingStream:
    source = source_named(source_name)
    return services.funding_stream_update(stream=stream, by=by, source=source, **changes)


funding_stream_update_named.alters_data = True


@transaction.atomic
def allocation_save_named(
    *,
    by,
    allocation: Allocation | None = None,
    recipient_name: str = "",
    theme_name: str = "",
    **fields,
) -> Allocation:
    """Create (``allocation`` None) or update an allocation whose recipient and theme
    are named by text: unknown names are recorded, and nothing is kept on refusal."""
    fields["recipient"] = recipient_named(recipient_name)
    fields["theme"] = theme_named(theme_name)
    if allocation is None:
        return services.allocation_create(by=by, **fields)
    return services.allocation_update(allocation=allocation, by=by, **fields)


allocation_save_named.alters_data = True
