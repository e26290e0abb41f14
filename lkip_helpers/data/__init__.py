"""Datasets: every table and column defined once (schema), read and checked (loading,
completeness), written (saving), filled in Excel (excel), started (newyear, blank) or
drawn at random for tests (synth)."""
