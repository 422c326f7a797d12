"""Reading the municipal key-project lists the city sends (.xlsx, .xls, .ods)."""
