"""Union membership online: what it gives, the application with its checks, routing to a group, its status."""
