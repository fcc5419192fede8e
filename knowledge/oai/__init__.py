"""OAI-PMH 2.0 for library harvesters: views (the endpoint), protocol (rules), records (what is listed), signals."""
