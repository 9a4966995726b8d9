"""Operations: build folders and safe publishing, sensors and schedules, the Dagster instance."""
