"""The HTTP API: yente-compatible screening and olivebranch's own endpoints (routers), the
server's state, authentication and error handling. ``olivebranch.app.create_app`` mounts it
together with the web UI."""
