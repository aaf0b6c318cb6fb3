"""The `tracker` command: one module a group of commands; the only place in tracker that
prints."""
