"""The read side: what pages and the API show, read from the store and shaped for display
(service.web reads through here, never service.store)."""
