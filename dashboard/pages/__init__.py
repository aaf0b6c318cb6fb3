"""The dashboard's pages; each has a `layout` function that `create_app` registers."""
