"""Do these two events record one happening? Duplicate candidates, likely duplicates
before a write, similar events for review."""
