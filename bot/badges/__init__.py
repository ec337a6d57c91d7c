"""Badges at the edge: the signing key (joserfc), badge images and baking (Pillow), the public pages."""
