"""Amazon Macie declarations: the Macie session (status) of each region."""

from sounding.collector.declarations import STRING, TIMESTAMP, Column, TableSpec
from sounding.collector.special import macie_session

SESSION = TableSpec(
    name="macie_session",
    service="macie2",
    operation="GetMacieSession",
    scope="regional",
    items="",
    paginate=False,
    fetch=macie_session.fetch,
    # ResourceNotFoundException: no session resource (moto's answer where Macie is disabled).
    empty_on=("ResourceNotFoundException",),
    columns=(
        Column("status", STRING, "status", "ENABLED or PAUSED."),
        Column("finding_publishing_frequency", STRING, "findingPublishingFrequency",
               "How often findings are published to EventBridge."),
        Column("service_role", STRING, "serviceRole", "The service-linked role Macie uses."),
        Column("created_at", TIMESTAMP, "createdAt", "When Macie was enabled."),
        Column("updated_at", TIMESTAMP, "updatedAt", "When the status last changed."),
    ),
    key=(),
    doc="The Macie session of each region (macie2:GetMacieSession); no row where Macie is not enabled "
        "(AccessDeniedException 'Macie is not enabled.', told apart from an IAM denial by its message).",
    moto_gap="moto starts Macie ENABLED everywhere and answers ResourceNotFoundException once it is disabled.",
)

TABLES = (SESSION,)
