"""SIP for provisioning: NOTIFY check-sync, the PnP responder and its phone side."""
