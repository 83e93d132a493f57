"""System checks of the deployment (``manage.py check --deploy``)."""

from datetime import UTC, datetime, timedelta

from django.core.checks import Error, Tags, Warning, register

from . import sealing

RENEW_WITHIN = timedelta(days=30)
HINT = "See README, “Installing the signing certificate”."


@register(Tags.security, deploy=True)
def seal_certificate_check(app_configs=None, **kwargs) -> list:
    """Publishing seals every PDF: the signing certificate must be installed and
    usable, should not be the demonstration one, and should be renewed in time."""
    try:
        seal = sealing.load_seal()
    except sealing.SealUnavailable as error:
        return [Error(str(error), hint=HINT, id="pcc_grants.E001")]
    found = []
    if seal.common_name.startswith("DEMONSTRATION ONLY"):
        found.append(
            Warning(
                "The signing certificate is the demonstration one: readers will show the "
                "seal as untrusted. Install the organisation's certificate.",
                hint=HINT,
                id="pcc_grants.W001",
            )
        )
    expires = seal.certificate.not_valid_after_utc
    if expires - datetime.now(UTC) < RENEW_WITHIN:
        found.append(
            Warning(
                f"The signing certificate expires on {expires.day} {expires:%B %Y}: renew it "
                "and install the new one before then, or publishing will stop.",
                hint=HINT,
                id="pcc_grants.W002",
            )
        )
    return found
