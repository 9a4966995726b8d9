"""The recommendation catalog: forums, clusters, sub-clusters, recommendations and memberships."""
