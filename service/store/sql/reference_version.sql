SELECT version FROM reference_version
