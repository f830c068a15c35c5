"""Special cases the generic runner cannot express as one call: small, named functions."""
