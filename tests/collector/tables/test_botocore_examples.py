"""Real shapes: botocore's documented example responses, fed through the table declarations.

moto returns only what it implements; botocore ships AWS's own example responses
(`botocore/data/<service>/<version>/examples-1.json`) for some operations the collector calls. Each is
served by a botocore Stubber (which checks it against the service model) to the generic runner, and the
typed rows must be exactly these: every declared column not listed is NULL.
"""

from __future__ import annotations

import glob
import json
import os
from datetime import UTC, datetime
from typing import Any

import botocore
import pytest
from sounding.collector.tables import TABLES_BY_NAME

from tests.collector.tables.scope_rows import stubbed_rows

# Fan-out tables get one parent row; the example answers for the user or policy it was asked about.
PARENT = {"user_name": "Alice", "policy_id": "p-FullAWSAccess", "name": "examplebucket",
          "key_id": "1234abcd-12ab-34cd-56ef-1234567890ab"}

EXPECTED: dict[str, list[dict[str, Any]]] = {
 'ec2_network_acls': [{'network_acl_id': 'acl-5fb85d36', 'vpc_id': 'vpc-a01106c2', 'is_default': False,
                       'subnet_ids': ['subnet-65ea5f08']}],
 'efs_file_systems': [{'file_system_id': 'fs-01234567', 'name': 'MyFileSystem', 'life_cycle_state': 'available'}],
 's3_bucket_versioning': [{'bucket': 'examplebucket', 'status': 'Enabled', 'mfa_delete': 'Disabled'}],
 'kms_key_list': [{'key_id': key, 'key_arn': f'arn:aws:kms:us-east-2:111122223333:key/{key}'} for key in (
     '0d990263-018e-4e65-a703-eff731de951e', '144be297-0ae1-44ac-9c8f-93cd8c82f841',
     '21184251-b765-428e-b852-2c7353e72571', '214fe92f-5b03-4ae1-b350-db2a45dbe10c',
     '339963f2-e523-49d3-af24-a0fe752aa458', 'b776a44b-df37-4438-9be4-a27494e4271a',
     'deaf6c9e-cf2c-46a6-bf6d-0b6d487cffbb')],
 'kms_keys': [{'key_id': '1234abcd-12ab-34cd-56ef-1234567890ab',
               'arn': 'arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
               'key_manager': 'CUSTOMER', 'key_state': 'Enabled', 'key_spec': 'SYMMETRIC_DEFAULT',
               'key_usage': 'ENCRYPT_DECRYPT', 'origin': 'AWS_KMS',
               'creation_date': datetime(2017, 7, 5, 21, 4, 55, tzinfo=UTC)}],
 'regions': [{'region_name': 'ap-south-1', 'endpoint': 'ec2.ap-south-1.amazonaws.com'},
             {'region_name': 'eu-west-1', 'endpoint': 'ec2.eu-west-1.amazonaws.com'},
             {'region_name': 'ap-southeast-1', 'endpoint': 'ec2.ap-southeast-1.amazonaws.com'},
             {'region_name': 'ap-southeast-2', 'endpoint': 'ec2.ap-southeast-2.amazonaws.com'},
             {'region_name': 'eu-central-1', 'endpoint': 'ec2.eu-central-1.amazonaws.com'},
             {'region_name': 'ap-northeast-2', 'endpoint': 'ec2.ap-northeast-2.amazonaws.com'},
             {'region_name': 'ap-northeast-1', 'endpoint': 'ec2.ap-northeast-1.amazonaws.com'},
             {'region_name': 'us-east-1', 'endpoint': 'ec2.us-east-1.amazonaws.com'},
             {'region_name': 'sa-east-1', 'endpoint': 'ec2.sa-east-1.amazonaws.com'},
             {'region_name': 'us-west-1', 'endpoint': 'ec2.us-west-1.amazonaws.com'},
             {'region_name': 'us-west-2', 'endpoint': 'ec2.us-west-2.amazonaws.com'}],
 'ec2_vpcs': [{'vpc_id': 'vpc-a01106c2',
               'is_default': False,
               'state': 'available',
               'cidr_block': '10.0.0.0/16'}],
 'iam_account_summary': [{'account_mfa_enabled': 0,
                          'account_access_keys_present': 1,
                          'account_signing_certificates_present': 0,
                          'users': 27,
                          'groups': 15,
                          'policies': 8,
                          'mfa_devices': 6,
                          'mfa_devices_in_use': 3}],
 'iam_password_policy': [{'minimum_password_length': 8,
                          'require_symbols': True,
                          'require_numbers': True,
                          'require_uppercase_characters': False,
                          'require_lowercase_characters': False,
                          'allow_users_to_change_password': False,
                          'expire_passwords': False,
                          'max_password_age': 90,
                          'password_reuse_prevention': 12,
                          'hard_expiry': False}],
 'iam_virtual_mfa_devices': [{'serial_number': 'arn:aws:iam::123456789012:mfa/ExampleMFADevice'},
                             {'serial_number': 'arn:aws:iam::123456789012:mfa/Juan'}],
 'iam_access_keys': [{'user_name': 'Alice',
                      'access_key_id': 'AKIA111111111EXAMPLE',
                      'status': 'Active',
                      'create_date': datetime(2016, 12, 1, 22, 19, 58, tzinfo=UTC)},
                     {'user_name': 'Alice',
                      'access_key_id': 'AKIA222222222EXAMPLE',
                      'status': 'Active',
                      'create_date': datetime(2016, 12, 1, 22, 20, 1, tzinfo=UTC)}],
 'iam_login_profiles': [{'user_name': 'Anika',
                         'create_date': datetime(2012, 9, 21, 23, 3, 39, tzinfo=UTC)}],
 'organizations_organization': [{'org_id': 'o-exampleorgid',
                                 'arn': 'arn:aws:organizations::111111111111:organization/o-exampleorgid',
                                 'feature_set': 'ALL',
                                 'master_account_email': 'bill@example.com'}],
 'organizations_roots': [{'root_id': 'r-examplerootid111',
                          'arn': 'arn:aws:organizations::111111111111:root/o-exampleorgid/r-examplerootid111',
                          'name': 'Root',
                          'policy_types': '[{"Status":"ENABLED","Type":"SERVICE_CONTROL_POLICY"}]',
                          'enabled_policy_types': ['SERVICE_CONTROL_POLICY']}],
 'organizations_policy_targets': [{'policy_id': 'p-FullAWSAccess',
                                   'target_id': 'r-examplerootid111',
                                   'target_type': 'ROOT',
                                   'target_name': 'Root',
                                   'arn': 'arn:aws:organizations::111111111111:root/o-exampleorgid/r-examplerootid111'},
                                  {'policy_id': 'p-FullAWSAccess',
                                   'target_id': '333333333333',
                                   'target_type': 'ACCOUNT',
                                   'target_name': 'Developer Test Account',
                                   'arn': 'arn:aws:organizations::111111111111:account/o-exampleorgid/333333333333;'},
                                  {'policy_id': 'p-FullAWSAccess',
                                   'target_id': 'ou-examplerootid111-exampleouid111',
                                   'target_type': 'ORGANIZATIONAL_UNIT',
                                   'target_name': 'Accounting',
                                   'arn': 'arn:aws:organizations::111111111111:ou/o-exampleorgid/'
                                          'ou-examplerootid111-exampleouid111'}]}



def _example_output(service: str, operation: str) -> dict[str, Any]:
    """The first documented example of the operation that has an output."""
    data = os.path.join(os.path.dirname(botocore.__file__), "data", service)
    path = sorted(glob.glob(os.path.join(data, "*", "examples-1.json")))[-1]
    with open(path, encoding="utf-8") as handle:
        examples = json.load(handle)["examples"][operation]
    return next(example["output"] for example in examples if example.get("output"))


@pytest.mark.parametrize("table", sorted(EXPECTED))
def test_documented_example_response_becomes_these_rows(table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    spec = TABLES_BY_NAME[table]
    rows = stubbed_rows(table, _example_output(spec.service, spec.operation), "111122223333",
                        [PARENT] if spec.fan_out else ())
    nulls = {column.name: None for column in spec.columns}
    assert rows == [{**nulls, **expected} for expected in EXPECTED[table]]


def test_every_declared_operation_with_a_documented_example_is_covered() -> None:
    """A declaration whose operation gains a botocore example must be added here."""
    covered = set()
    for spec in TABLES_BY_NAME.values():
        if spec.fetch or spec.derive:
            continue
        data = os.path.join(os.path.dirname(botocore.__file__), "data", spec.service)
        paths = sorted(glob.glob(os.path.join(data, "*", "examples-1.json")))
        if not paths:
            continue
        with open(paths[-1], encoding="utf-8") as handle:
            examples = json.load(handle).get("examples", {}).get(spec.operation, [])
        if any(example.get("output") for example in examples):
            covered.add(spec.name)
    assert covered == set(EXPECTED)
