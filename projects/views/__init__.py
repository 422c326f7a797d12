"""Pages of the project tracker, one module per area; views are thin over selectors and services."""
