"""Admin screens of dispatch, scoped by office."""
