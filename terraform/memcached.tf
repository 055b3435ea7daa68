locals {
  cache_port = 11211

  # host:port of every node, the format the app reads from CACHE_HOSTS.
  cache_hosts = join(",", [for n in aws_elasticache_cluster.memcached.cache_nodes : "${n.address}:${n.port}"])
}

resource "aws_elasticache_subnet_group" "memcached" {
  name       = "${local.name}-memcached"
  subnet_ids = [for s in aws_subnet.private : s.id]

  tags = { Name = "${local.name}-memcached" }
}

resource "aws_elasticache_cluster" "memcached" {
  cluster_id           = "${local.name}-memcached"
  engine               = "memcached"
  engine_version       = var.cache_engine_version
  node_type            = var.cache_node_type
  num_cache_nodes      = var.cache_node_count
  port                 = local.cache_port
  parameter_group_name = "default.memcached1.6"
  subnet_group_name    = aws_elasticache_subnet_group.memcached.name
  security_group_ids   = [aws_security_group.main["memcached"].id]

  # Node additions and removals now, not at the next maintenance window: the app follows
  # CACHE_HOSTS, which changes with the apply.
  apply_immediately  = true
  maintenance_window = var.cache_maintenance_window

  # Losing one zone loses only that zone's share of the keys.
  az_mode                      = var.cache_node_count > 1 ? "cross-az" : "single-az"
  preferred_availability_zones = [for i in range(var.cache_node_count) : var.availability_zones[i % length(var.availability_zones)]]

  tags = { Name = "${local.name}-memcached" }
}
