#!/usr/bin/env python3
"""Validate JSON documents against a JSON Schema.

Usage: validate-json.py SCHEMA FILE...

The schema's "$schema" picks the draft (04, 06, 07, 2019-09, 2020-12;
draft-07 when absent).  Formats are checked where python's jsonschema has a
checker for them.  Prints one line per problem, "FILE: /json/pointer: message",
and "FILE: ok" for each valid file.  Exit 0 when every file is valid, 1 when one
is not (or is not JSON), 2 for a usage error, an unreadable schema or a missing
jsonschema module (Debian: python3-jsonschema; see scripts/deps.sh).
"""
import json
import sys

MAX_ERRORS = 20


def pointer(path):
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts)


def load(path):
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"))


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        sys.stderr.write("usage: validate-json.py SCHEMA FILE...\n")
        return 2
    try:
        import jsonschema
        from jsonschema import validators
    except ImportError:
        sys.stderr.write("validate-json.py: python module jsonschema is missing "
                         "(install python3-jsonschema; scripts/deps.sh)\n")
        return 2
    try:
        schema = load(argv[1])
    except (OSError, ValueError) as e:
        sys.stderr.write("%s: cannot read schema: %s\n" % (argv[1], e))
        return 2
    cls = validators.validator_for(schema, default=jsonschema.Draft7Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        sys.stderr.write("%s: not a valid %s schema: %s\n" % (argv[1], cls.__name__, e.message))
        return 2
    checker = getattr(cls, "FORMAT_CHECKER", None) or jsonschema.FormatChecker()
    validator = cls(schema, format_checker=checker)

    status = 0
    for path in argv[2:]:
        try:
            doc = load(path)
        except (OSError, ValueError) as e:
            print("%s: not readable JSON: %s" % (path, e))
            status = 1
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
        if not errors:
            print("%s: ok" % path)
            continue
        status = 1
        for e in errors[:MAX_ERRORS]:
            print("%s: %s: %s" % (path, pointer(e.absolute_path), e.message[:500]))
        if len(errors) > MAX_ERRORS:
            print("%s: ... %d more" % (path, len(errors) - MAX_ERRORS))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
