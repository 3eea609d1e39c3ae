"""The client side of every process, shared by the web layer and the CLI: start a workflow, run its steps, read its
state, and the reads and writes of the data layer the steps need (accounts, logins, links, listings)."""
