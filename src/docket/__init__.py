"""docket: a register of incidents built from reports, with provenance and corroboration."""

__version__ = "0.1.0"
