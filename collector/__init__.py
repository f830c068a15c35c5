"""Sounding's collector: copies AWS security configuration into a snapshot of Parquet files."""
