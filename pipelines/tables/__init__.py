"""Source tables: statistics the paper prints, stored as raw values with their provenance.

Totals and shares are derived here from a table's declaration (``derive:`` in its YAML);
the values the paper printed are kept apart and only compared.
"""
