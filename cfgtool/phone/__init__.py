"""``cfgtool phone``: play a Yealink phone (or a fleet) against a provisioning server.

It does what the auto-provisioning guide says a phone does — boot files,
Common then MAC file, decryption, ``<mac>-local.cfg`` sync, merge with
provenance, the MD5 rule, the reboot decision — over TFTP, FTP, HTTP and
HTTPS, and reports every request and every problem with the guide's hint::

    from cfgtool.phone import provision
    result = provision("http://127.0.0.1:8080/$PN/", "0015651130f9", model="T46G")
    result.outcome, result.reboot.needed, result.settings["lang.gui"].file

The package is a runner (above linting): only :mod:`cfgtool.cli` imports it.
"""

from __future__ import annotations

from cfgtool.phone.api import make_spec, provision, provision_fleet
from cfgtool.phone.decrypt import PhoneKeys
from cfgtool.phone.fleet import FleetResult, FleetSummary
from cfgtool.phone.result import (
    ProvisionResult,
    Reboot,
    Request,
    ResourceCheck,
    SettingChange,
    SettingSource,
)
from cfgtool.phone.spec import PhoneSpec

__all__ = [
    "FleetResult",
    "FleetSummary",
    "PhoneKeys",
    "PhoneSpec",
    "ProvisionResult",
    "Reboot",
    "Request",
    "ResourceCheck",
    "SettingChange",
    "SettingSource",
    "make_spec",
    "provision",
    "provision_fleet",
]
