"""Billing service settings (the first, clean commit)."""
import os

DATABASE_URL = os.environ["DATABASE_URL"]
AWS_REGION = "eu-west-1"
