"""The human interface: HTML views. Each module holds one part of the site."""
