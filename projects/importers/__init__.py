"""Reading the municipal key-project lists the city sends as .xlsx files."""
