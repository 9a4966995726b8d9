"""The paper: document model, narrative, charts, HTML and PDF rendering."""
