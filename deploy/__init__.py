"""Deployment: the production profile, the nginx configuration and the replica supervisor."""
