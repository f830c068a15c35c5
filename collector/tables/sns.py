"""SNS declarations: topics and their subscriptions, for the monitoring controls."""

from sounding.collector.declarations import STRING, Column, TableSpec

TOPICS = TableSpec(
    name="sns_topics", service="sns", operation="ListTopics", scope="regional", items="Topics",
    columns=(Column("topic_arn", STRING, "TopicArn", "The topic's ARN."),),
    key=("topic_arn",),
    doc="SNS topics of each region (sns:ListTopics).",
)

SUBSCRIPTIONS = TableSpec(
    name="sns_subscriptions", service="sns", operation="ListSubscriptions", scope="regional",
    items="Subscriptions",
    columns=(
        Column("subscription_arn", STRING, "SubscriptionArn",
               "The subscription's ARN; PendingConfirmation until the endpoint confirms."),
        Column("topic_arn", STRING, "TopicArn", "The topic."),
        Column("protocol", STRING, "Protocol", "email, sqs, lambda, https, ..."),
        Column("endpoint", STRING, "Endpoint", "Where messages go."),
        Column("owner", STRING, "Owner", "The subscription owner's account."),
    ),
    key=("topic_arn", "subscription_arn", "endpoint"),
    doc="SNS subscriptions of each region (sns:ListSubscriptions).",
)

TABLES = (TOPICS, SUBSCRIPTIONS)
