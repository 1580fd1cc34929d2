"""Billing service settings."""
import os

DATABASE_URL = "postgres://billing:Sf9uih4vmuGMGKAuWf@db.internal:5432/billing"
AWS_REGION = "eu-west-1"
AWS_ACCESS_KEY_ID = "AKIA7KLFYYLBEG3RHDSV"
aws_secret_access_key = "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"
