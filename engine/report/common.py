"""Facts the interchange formats share: stable finding ids, times, partition, resource types."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.frameworks import registry, split_entry
from sounding.engine.rules import Rule

TOOL_NAME = "Sounding"
GLOBAL_REGION = "global"
_ARN = re.compile(r"^arn:(?P<partition>[^:]*):(?P<service>[^:]*):(?P<region>[^:]*):(?P<account>[^:]*):?(?P<rest>.*)$")
# (service, resource prefix) → the ASFF resource type; anything else is "Other".
RESOURCE_TYPES: dict[tuple[str, str], str] = {
    ("iam", "root"): "AwsAccount", ("", ""): "AwsAccount", ("iam", "user"): "AwsIamUser",
    ("iam", "role"): "AwsIamRole", ("iam", "group"): "AwsIamGroup", ("iam", "policy"): "AwsIamPolicy",
    ("iam", "access-key"): "AwsIamAccessKey", ("s3", ""): "AwsS3Bucket",
    ("cloudtrail", "trail"): "AwsCloudTrailTrail", ("ec2", "vpc"): "AwsEc2Vpc",
    ("ec2", "security-group"): "AwsEc2SecurityGroup", ("ec2", "instance"): "AwsEc2Instance",
    ("kms", "key"): "AwsKmsKey", ("guardduty", "detector"): "AwsGuardDutyDetector",
    ("sns", ""): "AwsSnsTopic", ("lambda", "function"): "AwsLambdaFunction",
    ("organizations", "account"): "AwsAccount",
}


# Framework ids of the rule header's `framework-id:control` entries, and the standard each names, with its version.
_ACCOUNT_LEVEL = re.compile(r"^(?:arn:[^:]+:(?:iam)?::(?P<arn_account>\d{12})(?::root)?|(?P<account>\d{12}))$")


@dataclass(frozen=True)
class Requirement:
    """One control a rule implements: the framework id, the control, and the standard (name and version)."""

    framework: str
    control: str
    standard: str

    @property
    def label(self) -> str:
        """Standard and control in one string: "CIS AWS Foundations Benchmark v5.0.0/1.4"."""
        return f"{self.standard}/{self.control}"


def account_level(resource_id: str) -> str | None:
    """The account id when the resource id names a whole account (arn:P:::ID, arn:P:iam::ID:root, or ID)."""
    match = _ACCOUNT_LEVEL.match(resource_id)
    if not match:
        return None
    return match.group("arn_account") or match.group("account")


def finding_hash(finding: Finding) -> str:
    """A hex digest of the finding's key: the same finding gets the same id in every report and snapshot."""
    text = "\x1f".join(finding.key)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def finding_uid(finding: Finding) -> str:
    """The finding id written by the interchange formats."""
    return f"sounding/{finding.rule_id}/{finding_hash(finding)[:32]}"


def collected_ms(evaluation: Evaluation) -> int:
    """The collection time in epoch milliseconds: the time of every finding."""
    return int(evaluation.snapshot.collected_at.timestamp() * 1000)


def collected_iso(evaluation: Evaluation) -> str:
    """The collection time as ISO 8601 UTC with milliseconds and a Z."""
    moment = evaluation.snapshot.collected_at.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def partition(evaluation: Evaluation) -> str:
    """The AWS partition the snapshot was collected in."""
    manifest = evaluation.snapshot.manifest
    return manifest.get("options", {}).get("partition") or manifest.get("caller", {}).get("partition") or "aws"


def home_region(evaluation: Evaluation) -> str:
    """The region global findings are filed in: us-east-1 when collected, else the first region collected."""
    regions = sorted(evaluation.snapshot.manifest.get("regions") or [])
    if "us-east-1" in regions or not regions:
        return "us-east-1"
    return regions[0]


def tool_version(evaluation: Evaluation) -> str:
    """The Sounding version that collected the snapshot."""
    return str(evaluation.snapshot.manifest.get("tool_version", ""))


def rules_by_id(evaluation: Evaluation) -> dict[str, Rule]:
    """The evaluation's rules, by id."""
    return {r.id: r for r in evaluation.rules}


def resource_type(resource_id: str) -> str:
    """The ASFF resource type of an ARN ("Other" when it is not one Sounding knows)."""
    match = _ARN.match(resource_id)
    if not match:
        return "Other"
    rest = match.group("rest")
    prefix = re.split(r"[/:]", rest, maxsplit=1)[0] if ("/" in rest or ":" in rest or rest == "root") else ""
    if match.group("service") == "s3":
        prefix = ""
    return RESOURCE_TYPES.get((match.group("service"), prefix), "Other")


def requirements(rule: Rule | None) -> list[Requirement]:
    """The controls the rule implements, from its `frameworks` header (`cis-5.0:1.4`), named from the registry."""
    if rule is None:
        return []
    known = registry()
    found: list[Requirement] = []
    for entry in dict.fromkeys(rule.frameworks):
        framework, control = split_entry(entry)
        found.append(Requirement(framework, control, known[framework].title))
    return found


def standards(rule: Rule | None) -> list[str]:
    """The standards the rule maps to ("CIS AWS Foundations Benchmark v5.0.0"), sorted and unique."""
    return sorted({r.standard for r in requirements(rule)})


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
