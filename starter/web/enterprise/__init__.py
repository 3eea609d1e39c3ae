"""The enterprise admin's self-service (seed 000) on the web: billing accounts, the portal's JSON API and pages, and
the organizer's activation page."""
