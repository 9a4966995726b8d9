"""Progress indicators per cluster and sub-cluster, coverage matrices, change between editions, charts."""
