"""Scale benchmark: a large corpus generated from the five real plans, and vectors derived from their embeddings."""
