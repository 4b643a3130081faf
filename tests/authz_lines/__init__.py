"""Lines of the authorisation matrix, one module per feature (see tests/authz_matrix.py)."""
