"""The partner order (seeds 001 and 003) on the web: the operators' JSON API, and the Set Up Now wizard as JSON API
and as pages."""
