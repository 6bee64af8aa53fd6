"""Files in and out: encodings, tabular reading, column registry, writers."""
