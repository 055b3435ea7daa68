# What the variables switch, and what they refuse.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  db_app_password = "test-password-0123456789"
  image_tag       = "0123456789abcdef0123456789abcdef01234567"
}

run "nat_gateway_per_zone" {
  variables {
    single_nat_gateway = false
  }

  assert {
    condition     = length(aws_nat_gateway.main) == 3 && length(aws_eip.nat) == 3
    error_message = "single_nat_gateway = false must give one NAT gateway (and address) per zone."
  }
  assert {
    condition     = alltrue([for az, r in aws_route.private_nat : r.nat_gateway_id == aws_nat_gateway.main[az].id])
    error_message = "Each private subnet must leave through the NAT gateway of its own zone."
  }
  assert {
    condition     = alltrue([for az, n in aws_nat_gateway.main : n.subnet_id == aws_subnet.public[az].id])
    error_message = "Each NAT gateway must sit in the public subnet of its zone."
  }
}

run "https_with_certificate" {
  variables {
    certificate_arn = "arn:aws:acm:ap-northeast-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  }

  override_resource {
    target = aws_lb_listener.https
    values = { arn = "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:listener/app/rds-memcached-dev/0123456789abcdef/0000000000000443" }
  }

  assert {
    condition     = length(aws_lb_listener.https) == 1 && aws_lb_listener.https[0].port == 443 && aws_lb_listener.https[0].default_action[0].fixed_response[0].status_code == "403"
    error_message = "A certificate must add an HTTPS listener on 443, closed but for its rules."
  }
  assert {
    condition     = aws_lb_listener_rule.public.listener_arn == aws_lb_listener.https[0].arn
    error_message = "With HTTPS, the public rule must be on the HTTPS listener."
  }
  assert {
    condition     = aws_lb_listener.http.default_action[0].type == "redirect" && aws_lb_listener.http.default_action[0].redirect[0].protocol == "HTTPS"
    error_message = "With HTTPS, port 80 must redirect to it."
  }
  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.main : r.from_port if r.cidr_ipv4 == "0.0.0.0/0"]) == toset([80, 443])
    error_message = "With HTTPS, the ALB must accept 80 and 443 from the internet, nothing else."
  }
  assert {
    condition     = startswith(output.alb_url, "https://")
    error_message = "alb_url must use https when a certificate is given."
  }
}

run "restricted_alb_ingress" {
  variables {
    alb_ingress_cidrs = ["203.0.113.0/24"]
  }

  assert {
    condition     = [for r in aws_vpc_security_group_ingress_rule.main : r.cidr_ipv4 if r.cidr_ipv4 != null] == ["203.0.113.0/24"]
    error_message = "alb_ingress_cidrs must replace 0.0.0.0/0 on the listener."
  }
}

run "scaling_bounds" {
  command = plan
  # A fresh state: on an existing service auto scaling owns desired_count (ignore_changes).
  state_key = "scaling"

  variables {
    min_capacity  = 2
    desired_count = 3
    max_capacity  = 6
  }

  assert {
    condition     = aws_appautoscaling_target.app.min_capacity == 2 && aws_appautoscaling_target.app.max_capacity == 6 && aws_ecs_service.app.desired_count == 3
    error_message = "Auto scaling bounds and desired count must follow the variables."
  }
}

run "desired_count_outside_bounds_is_refused" {
  command = plan

  variables {
    desired_count = 5
    max_capacity  = 4
  }

  expect_failures = [var.desired_count]
}

run "secret_in_extra_environment_is_refused" {
  command = plan

  variables {
    extra_environment = { DB_PASSWORD = "hunter2" }
  }

  expect_failures = [var.extra_environment]
}

run "three_cache_nodes_over_three_zones" {
  command = plan

  variables {
    cache_node_count = 3
    cache_node_type  = "cache.t4g.small"
  }

  assert {
    condition     = aws_elasticache_cluster.memcached.num_cache_nodes == 3 && aws_elasticache_cluster.memcached.node_type == "cache.t4g.small"
    error_message = "Node count and type must follow the variables."
  }
  assert {
    condition     = aws_elasticache_cluster.memcached.preferred_availability_zones == tolist(["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"])
    error_message = "Three nodes must land in three zones."
  }
}

run "single_cache_node" {
  command = plan

  variables {
    cache_node_count = 1
  }

  assert {
    condition     = aws_elasticache_cluster.memcached.az_mode == "single-az"
    error_message = "One node cannot be cross-az."
  }
}

run "disposable_database" {
  command = plan

  variables {
    deletion_protection = false
    final_snapshot      = false
  }

  assert {
    condition     = !aws_db_instance.main.deletion_protection && aws_db_instance.main.skip_final_snapshot && aws_db_instance.main.final_snapshot_identifier == null
    error_message = "deletion_protection and final_snapshot must switch off for a throw-away stack."
  }
}

run "image_tag_task_size_and_extra_environment" {
  variables {
    image_tag         = "3f2c1ab"
    task_cpu          = 1024
    task_memory       = 2048
    extra_environment = { CACHE_TTL_SECONDS = "60", DB_HOST = "must-not-win" }
  }

  assert {
    condition     = endswith(jsondecode(aws_ecs_task_definition.app.container_definitions)[0].image, "/rds-memcached-dev:3f2c1ab")
    error_message = "The image tag must follow var.image_tag."
  }
  assert {
    condition     = aws_ecs_task_definition.app.cpu == "1024" && aws_ecs_task_definition.app.memory == "2048"
    error_message = "Task size must follow the variables."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["JIT"] == "tiered"
    error_message = "From one vCPU up the JVM keeps C2 (JIT=tiered)."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["BIND_CPUS"] == "1"
    error_message = "A 1 vCPU task binds the JVM to one CPU (BIND_CPUS=1)."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["HEAP"] == "1024m"
    error_message = "The Java heap follows the task's memory: half of 2 GiB (HEAP=1024m)."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["CACHE_TTL_SECONDS"] == "60"
    error_message = "extra_environment must reach the container."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["DB_HOST"] != "must-not-win"
    error_message = "extra_environment must not override the stack's own settings."
  }
}

run "two_vcpus_bind_two_cpus" {
  variables {
    task_cpu    = 2048
    task_memory = 4096
  }

  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["BIND_CPUS"] == "2"
    error_message = "A 2 vCPU task binds the JVM to two CPUs (BIND_CPUS=2)."
  }
}

run "shutdown_grace" {
  variables {
    shutdown_grace_seconds = 50
  }

  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["SHUTDOWN_GRACE_SECONDS"] == "50"
    error_message = "shutdown_grace_seconds must reach the app as SHUTDOWN_GRACE_SECONDS."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.app.container_definitions)[0].stopTimeout == 55
    error_message = "SIGKILL must come 5 s after the grace (stopTimeout)."
  }
}

run "shutdown_grace_beyond_fargate_stop_timeout_is_refused" {
  command = plan

  variables {
    shutdown_grace_seconds = 120
  }

  expect_failures = [var.shutdown_grace_seconds]
}

run "admin_cidrs_three_to_a_rule" {
  variables {
    admin_cidrs = ["203.0.113.10/32", "203.0.113.11/32", "198.51.100.0/24", "192.0.2.0/28"]
  }

  assert {
    condition     = length(aws_lb_listener_rule.admin) == 2 && [for r in aws_lb_listener_rule.admin : r.priority] == [10, 11] && alltrue([for r in aws_lb_listener_rule.admin : r.priority < aws_lb_listener_rule.public.priority])
    error_message = "Four admin ranges must make two rules (three values each at most), before the public rule."
  }
  assert {
    condition     = [for r in aws_lb_listener_rule.admin : one(r.condition).source_ip[0].values] == [toset(["203.0.113.10/32", "203.0.113.11/32", "198.51.100.0/24"]), toset(["192.0.2.0/28"])]
    error_message = "The admin rules must match exactly the admin ranges, by source address."
  }
  assert {
    condition     = alltrue([for r in aws_lb_listener_rule.admin : r.action[0].type == "forward" && r.action[0].target_group_arn == aws_lb_target_group.app.arn && length(r.condition) == 1])
    error_message = "From an admin range every method and path must reach the app."
  }
}

run "admin_cidrs_must_be_ipv4_blocks" {
  command = plan

  variables {
    admin_cidrs = ["office"]
  }

  expect_failures = [var.admin_cidrs]
}

run "waf_off" {
  variables {
    waf_enabled = false
  }

  assert {
    condition     = length(aws_wafv2_web_acl.main) == 0 && length(aws_wafv2_web_acl_association.alb) == 0
    error_message = "waf_enabled = false must remove the web ACL."
  }
}

run "waf_limits" {
  command = plan

  variables {
    waf_rate_limit    = 20000
    waf_db_rate_limit = 10
  }

  assert {
    condition     = toset([for r in aws_wafv2_web_acl.main[0].rule : r.statement[0].rate_based_statement[0].limit if length(r.statement[0].rate_based_statement) > 0]) == toset([20000, 10])
    error_message = "The rate limits must follow the variables."
  }
}

run "alarm_email" {
  variables {
    alarm_email = "oncall@example.com"
  }

  assert {
    condition     = aws_sns_topic_subscription.email[0].protocol == "email" && aws_sns_topic_subscription.email[0].endpoint == "oncall@example.com" && aws_sns_topic_subscription.email[0].topic_arn == aws_sns_topic.alarms.arn
    error_message = "alarm_email must subscribe that address to the alarm topic."
  }
}

run "alarm_thresholds" {
  command = plan

  variables {
    alarm_thresholds = { cache_p99_milliseconds = 250, db_free_storage_gib = 5 }
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.metric["cache-p99"].threshold == 250 && aws_cloudwatch_metric_alarm.metric["db-free-storage"].threshold == 5 * 1024 * 1024 * 1024 && aws_cloudwatch_metric_alarm.metric["target-5xx"].threshold == 10
    error_message = "Thresholds given must apply, the others keep their defaults."
  }
}

run "alarms_per_cache_node" {
  command = plan

  variables {
    cache_node_count = 3
  }

  assert {
    condition     = toset([for k, a in aws_cloudwatch_metric_alarm.metric : a.dimensions.CacheNodeId if startswith(k, "cache-evictions-")]) == toset(["0001", "0002", "0003"]) && length([for k, a in aws_cloudwatch_metric_alarm.metric : k if startswith(k, "cache-cpu-")]) == 3
    error_message = "Each memcached node must have its evictions and CPU alarms."
  }
}

run "target_p99_above_the_slow_query" {
  command = plan

  variables {
    slow_query_seconds = "20"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.metric["target-p99"].threshold == 22
    error_message = "The target p99 alarm must sit above the slow query (slow_query_seconds + 2) unless a threshold is given."
  }
}
