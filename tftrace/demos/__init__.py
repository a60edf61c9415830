"""Built-in demo workloads (no downloads: data ships with scikit-learn)."""
