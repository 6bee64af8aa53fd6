"""Storage: models, engines, migrations and bulk writes."""
