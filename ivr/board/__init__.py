"""The supervisor board's domain: the IVR funnel (and, from other branches, reports and exports)."""
