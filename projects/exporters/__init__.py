"""Excel files the application writes: reports sent upward, error lists, templates."""
