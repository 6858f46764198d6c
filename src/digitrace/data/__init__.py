"""Data layer: readers for real Chinese statistics (IO tables, province panels, geometry)."""
