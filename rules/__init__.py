"""The built-in rule pack, installed as the package `sounding.rules`: one SQL file per rule."""
