"""Creates the four Tollgate tables (as template.yaml and tests/.../BudgetTables.java do) in the emulator at
AWS_ENDPOINT_URL, with one gateway key in the keys table and a global daily budget large enough never to block,
so the benchmark's requests take the key lookup and the budget reservation path. Run with the test virtualenv's
Python (it has boto3, a dependency of moto). Prints the table environment as JSON.

Usage: python moto_tables.py KEY_SHA256 PREFIX
"""
import json
import os
import sys
from datetime import datetime, timezone

import boto3


def main() -> None:
    sha256, prefix = sys.argv[1], sys.argv[2]
    dynamo = boto3.client("dynamodb", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    tables = {
        "TOLLGATE_KEYS_TABLE": (prefix + "-keys", False),
        "TOLLGATE_BUDGETS_TABLE": (prefix + "-budgets", True),
        "TOLLGATE_USAGE_TABLE": (prefix + "-usage", True),
        "TOLLGATE_STATE_TABLE": (prefix + "-state", False),
    }
    for name, sort_key in tables.values():
        attributes = [{"AttributeName": "pk", "AttributeType": "S"}]
        schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
        if sort_key:
            attributes.append({"AttributeName": "sk", "AttributeType": "S"})
            schema.append({"AttributeName": "sk", "KeyType": "RANGE"})
        indexes = {}
        if name == tables["TOLLGATE_STATE_TABLE"][0]:
            # The sparse index of reservations by expiry that the janitor queries (template.yaml).
            attributes += [{"AttributeName": "expiryShard", "AttributeType": "S"},
                           {"AttributeName": "expiresAt", "AttributeType": "N"}]
            indexes = {"GlobalSecondaryIndexes": [{
                "IndexName": "expiry",
                "KeySchema": [{"AttributeName": "expiryShard", "KeyType": "HASH"},
                              {"AttributeName": "expiresAt", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"}}]}
        dynamo.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=attributes,
                            KeySchema=schema, **indexes)
    dynamo.put_item(TableName=tables["TOLLGATE_KEYS_TABLE"][0], Item={
        "pk": {"S": sha256}, "keyId": {"S": "bench"}, "status": {"S": "active"},
        "rpm": {"N": "0"}, "tpm": {"N": "0"},
        "createdAt": {"S": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}})
    dynamo.put_item(TableName=tables["TOLLGATE_BUDGETS_TABLE"][0], Item={
        "pk": {"S": "global"}, "sk": {"S": "limit"}, "limitUsd": {"N": "1000000"}, "period": {"S": "daily"},
        "softPct": {"N": "0"}, "onSoft": {"S": "alert"}, "onHard": {"S": "block"}, "failMode": {"S": "closed"}})
    print(json.dumps({env: name for env, (name, _) in tables.items()}))


if __name__ == "__main__":
    main()
