"""The law as data: the official working-day calendar, statutory periods, minimum wages."""
