# Who may talk to whom, in one table. Only the load balancer's listeners face the
# internet; the database and the cache accept connections from the app's security
# group (and, with bastion_enabled, the database from the bastion, for SSM port forwarding);
# the bastion accepts nothing.

locals {
  security_groups = merge({
    alb       = "Load balancer: listeners open to alb_ingress_cidrs"
    ecs       = "App and migration tasks: reachable from the load balancer only"
    rds       = "MySQL: reachable from the tasks (and the bastion, when enabled) only"
    memcached = "Memcached: reachable from the app only"
    }, var.bastion_enabled ? {
    bastion = "SSM bastion: no inbound rules"
  } : {})

  listener_ports = var.certificate_arn == null ? [80] : [80, 443]

  internet_ingress = {
    for pair in setproduct(local.listener_ports, var.alb_ingress_cidrs) :
    "alb-${pair[0]}-from-${pair[1]}" => { sg = "alb", port = pair[0], cidr = pair[1], source = null }
  }

  # the app's and the migration's tasks share the ecs group
  ingress_rules = merge(local.internet_ingress, {
    ecs-from-alb       = { sg = "ecs", port = var.container_port, cidr = null, source = "alb" }
    rds-from-ecs       = { sg = "rds", port = local.db_port, cidr = null, source = "ecs" }
    memcached-from-ecs = { sg = "memcached", port = local.cache_port, cidr = null, source = "ecs" }
    }, var.bastion_enabled ? {
    rds-from-bastion = { sg = "rds", port = local.db_port, cidr = null, source = "bastion" }
  } : {})

  egress_rules = merge({
    alb-to-ecs       = { sg = "alb", port = var.container_port, cidr = null, target = "ecs" }
    ecs-to-rds       = { sg = "ecs", port = local.db_port, cidr = null, target = "rds" }
    ecs-to-memcached = { sg = "ecs", port = local.cache_port, cidr = null, target = "memcached" }
    ecs-to-aws-apis  = { sg = "ecs", port = 443, cidr = "0.0.0.0/0", target = null } # ECR, Secrets Manager, CloudWatch Logs via NAT
    }, var.bastion_enabled ? {
    bastion-to-rds      = { sg = "bastion", port = local.db_port, cidr = null, target = "rds" }
    bastion-to-aws-apis = { sg = "bastion", port = 443, cidr = "0.0.0.0/0", target = null } # SSM endpoints and package repositories
  } : {})
}

resource "aws_security_group" "main" {
  for_each = local.security_groups

  name        = "${local.name}-${each.key}"
  description = each.value
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-${each.key}" }
}

resource "aws_vpc_security_group_ingress_rule" "main" {
  for_each = local.ingress_rules

  security_group_id            = aws_security_group.main[each.value.sg].id
  description                  = each.key
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  cidr_ipv4                    = each.value.cidr
  referenced_security_group_id = each.value.source == null ? null : aws_security_group.main[each.value.source].id

  tags = { Name = "${local.name}-${each.key}" }
}

resource "aws_vpc_security_group_egress_rule" "main" {
  for_each = local.egress_rules

  security_group_id            = aws_security_group.main[each.value.sg].id
  description                  = each.key
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  cidr_ipv4                    = each.value.cidr
  referenced_security_group_id = each.value.target == null ? null : aws_security_group.main[each.value.target].id

  tags = { Name = "${local.name}-${each.key}" }
}
