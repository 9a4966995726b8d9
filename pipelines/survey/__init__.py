"""Survey intake: the questionnaire, reading filled-in workbooks and form exports, validation, quarantine."""
