"""Validation of what we emit against `edxml.xsd` (xmlschema), loaded once per process."""

from __future__ import annotations

import functools
from pathlib import Path

import xmlschema
from lxml import etree

from chinhquyen.exchange.edxml.parse import Limits, read_tree

XSD_PATH = Path(__file__).with_name("edxml.xsd")


@functools.cache
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD_PATH))


def validate(data: bytes) -> list[str]:
    """The schema errors of `data` (an empty list when it is valid). Parsed with the hardened parser."""
    root = read_tree(data, Limits(max_bytes=max(len(data), 1)))
    return [f"{error.path}: {error.reason}" for error in schema().iter_errors(etree.ElementTree(root))]
