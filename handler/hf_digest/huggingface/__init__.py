"""Reading Hugging Face: the day's list, its answers, what it served."""
