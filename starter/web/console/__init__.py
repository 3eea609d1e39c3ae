"""The operators' console (issue 16): queues that answer an operator's questions, each row leading to the order's
page with its state, timeline and the actions its state allows, through the same Updates as the CLI and the API."""
