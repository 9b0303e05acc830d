"""Deployment: the production profile, nginx's configuration, the replicas under supervisord."""
