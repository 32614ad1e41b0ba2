"""The core: the paper model, ranking, text cleaning and paths. No I/O."""
