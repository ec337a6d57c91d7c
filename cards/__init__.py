"""Pure card builders: domain objects and a translator in, typed Adaptive Cards (schema <= 1.5) out."""
