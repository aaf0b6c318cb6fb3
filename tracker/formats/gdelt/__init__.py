"""GDELT 1.0/2.0 event rows: the column layout and the reader."""
