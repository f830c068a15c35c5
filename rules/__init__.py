"""The built-in rule pack, installed as the package `sounding_rules`: one SQL file per rule."""
