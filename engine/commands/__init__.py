"""One module per `sounding` command; engine.cli registers them."""
