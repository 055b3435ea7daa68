# The stack as `terraform apply` builds it with no variables set.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  db_app_password   = "test-password-0123456789"
  image_tag         = "0123456789abcdef0123456789abcdef01234567"
  mock_secret_arn   = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:rds!db-0000-aaaa-AbCdEf"
  mock_db_address   = "rds-memcached-dev.abcdefghijkl.ap-northeast-1.rds.amazonaws.com"
  mock_cache_hosts  = "rds-memcached-dev-memcached.abc123.0001.apne1.cache.amazonaws.com:11211,rds-memcached-dev-memcached.abc123.0002.apne1.cache.amazonaws.com:11211"
  expected_env_keys = ["CACHE_HOSTS", "CLOUDWATCH_METRICS_NAMESPACE", "CLOUDWATCH_METRICS_SECONDS", "CLOUDWATCH_METRICS_SERVICE", "DB_HOST", "DB_NAME", "DB_PORT", "DB_USER", "BIND_CPUS", "HEAP", "JIT", "PORT", "SHUTDOWN_GRACE_SECONDS", "SLOW_QUERY_SECONDS"]
}

run "stack" {
  # apply (against the mock provider) so that ids, ARNs and endpoints are known
  command = apply

  # Task: size, port, logs, image, health check
  assert {
    condition     = aws_ecs_task_definition.app.requires_compatibilities == toset(["FARGATE"]) && aws_ecs_task_definition.app.network_mode == "awsvpc"
    error_message = "The task must be a Fargate task in awsvpc mode."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.app.container_definitions)[0].portMappings[0].containerPort == 8080
    error_message = "The container must listen on 8080."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.app.container_definitions)[0].image == "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/rds-memcached-dev:${var.image_tag}"
    error_message = "The image must come from the managed ECR repository with var.image_tag."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.app.container_definitions)[0].logConfiguration.logDriver == "awslogs" && jsondecode(aws_ecs_task_definition.app.container_definitions)[0].logConfiguration.options["awslogs-group"] == aws_cloudwatch_log_group.app.name
    error_message = "The container must log to the app log group with awslogs."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.app.container_definitions)[0].logConfiguration.options.mode == "non-blocking" && !contains(keys(jsondecode(aws_ecs_task_definition.app.container_definitions)[0].logConfiguration.options), "awslogs-multiline-pattern")
    error_message = "Logging must not block the app (non-blocking), and needs no multiline pattern (one JSON line per record)."
  }
  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["CLOUDWATCH_METRICS_SECONDS"] == "60"
      && { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["CLOUDWATCH_METRICS_NAMESPACE"] == "rds-memcached"
      && { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["CLOUDWATCH_METRICS_SERVICE"] == "rds-memcached-dev"
    )
    error_message = "The app must write its metrics every minute in the namespace and with the Service the alarms and the dashboard read."
  }
  assert {
    condition     = strcontains(join(" ", jsondecode(aws_ecs_task_definition.app.container_definitions)[0].healthCheck.command), "GET /health/live ") && !strcontains(join(" ", jsondecode(aws_ecs_task_definition.app.container_definitions)[0].healthCheck.command), "/health/ready")
    error_message = "The container health check must probe liveness (/health/live), never readiness: ECS replaces tasks that fail it, and a database outage must not replace them all."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.app.container_definitions)[0].healthCheck.startPeriod >= 60
    error_message = "The container health check must give Payara at least 60 s to start."
  }

  # Task: configuration, and the password only as a secret
  assert {
    condition     = sort([for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name]) == sort(var.expected_env_keys)
    error_message = "The plain environment must be exactly ${join(", ", var.expected_env_keys)}."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["CACHE_HOSTS"] == var.mock_cache_hosts
    error_message = "CACHE_HOSTS must list every memcached node as host:port."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["DB_HOST"] == var.mock_db_address
    error_message = "DB_HOST must be the RDS endpoint address."
  }
  assert {
    condition     = !anytrue([for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : can(regex("(?i)pass|secret|token", e.name)) || strcontains(e.value, "secretsmanager")])
    error_message = "No secret may travel in the plain environment."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["SHUTDOWN_GRACE_SECONDS"] == "25" && jsondecode(aws_ecs_task_definition.app.container_definitions)[0].stopTimeout == 30
    error_message = "SIGTERM must drain for 25 s and SIGKILL come 30 s after SIGTERM (stopTimeout)."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.app.container_definitions)[0].secrets == [{ name = "DB_PASS", valueFrom = aws_secretsmanager_secret.app["a"].arn }]
    error_message = "DB_PASS must come from the app user's secret (slot a), and be the only secret."
  }

  # Load balancer and target group
  assert {
    condition     = aws_lb_target_group.app.health_check[0].path == "/health/ready" && aws_lb_target_group.app.health_check[0].matcher == "200"
    error_message = "The target group must check /health/ready and expect 200."
  }
  assert {
    condition     = aws_lb_target_group.app.port == 8080 && aws_lb_target_group.app.target_type == "ip"
    error_message = "The target group must send to IP targets on 8080."
  }
  assert {
    condition     = aws_lb_listener.http.port == 80 && length(aws_lb_listener.https) == 0
    error_message = "Without a certificate there is one listener, on 80."
  }
  assert {
    condition     = aws_lb.main.drop_invalid_header_fields && !aws_lb.main.internal
    error_message = "The ALB must be internet-facing and drop invalid headers."
  }

  # Service and auto scaling
  assert {
    condition     = aws_ecs_task_definition.app.cpu == "512" && aws_ecs_task_definition.app.memory == "1024" && { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["JIT"] == "c1"
    error_message = "The default task is 0.5 vCPU / 1 GiB (the smallest that met issue #12's targets, docs/benchmarks.md) and compiles with C1 only (JIT=c1)."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["BIND_CPUS"] == "1"
    error_message = "Below one vCPU the JVM is bound to one CPU (BIND_CPUS=1): free to run on more, it spends its quota early and stops for the rest of each period."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["HEAP"] == "512m"
    error_message = "The Java heap is half the task's memory (HEAP=512m in the 1 GiB task): the 512 MiB task's 256m cost hits beside misses a p99 of 309 ms against 112 ms."
  }
  assert {
    condition     = aws_ecs_service.app.deployment_circuit_breaker[0].enable && aws_ecs_service.app.deployment_circuit_breaker[0].rollback
    error_message = "The deployment circuit breaker must be on, with rollback."
  }
  assert {
    condition     = aws_ecs_service.app.desired_count == 1 && aws_ecs_service.app.health_check_grace_period_seconds >= 60
    error_message = "The service must start one task and give it at least 60 s of grace."
  }
  assert {
    condition     = !aws_ecs_service.app.network_configuration[0].assign_public_ip && aws_ecs_service.app.network_configuration[0].subnets == toset([for s in aws_subnet.private : s.id])
    error_message = "Tasks must run in the private subnets without public addresses."
  }
  assert {
    condition     = aws_ecs_service.app.network_configuration[0].security_groups == toset([aws_security_group.main["ecs"].id])
    error_message = "Tasks must use the ECS security group only."
  }
  assert {
    condition     = aws_appautoscaling_target.app.min_capacity == 1 && aws_appautoscaling_target.app.max_capacity == 4
    error_message = "Auto scaling must run between 1 and 4 tasks by default."
  }
  assert {
    condition     = aws_appautoscaling_policy.cpu.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageCPUUtilization"
    error_message = "One target-tracking policy must follow CPU."
  }
  assert {
    condition     = aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ALBRequestCountPerTarget" && aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].resource_label == "app/rds-memcached-dev/0123456789abcdef/targetgroup/rds-memcached-dev/0123456789abcdef"
    error_message = "One target-tracking policy must follow ALB requests per target of this target group."
  }

  # Security groups: only the ALB's listeners face the internet
  assert {
    condition = alltrue([
      for r in aws_vpc_security_group_ingress_rule.main :
      r.cidr_ipv6 == null && (r.cidr_ipv4 == null || (r.security_group_id == aws_security_group.main["alb"].id && r.from_port == r.to_port && contains([80, 443], r.from_port)))
    ])
    error_message = "Only the ALB's listener ports may accept traffic from an address range."
  }
  assert {
    condition     = alltrue([for sg in aws_security_group.main : length(sg.ingress) == 0]) && length(aws_default_security_group.default.ingress) == 0
    error_message = "Security groups must have no inline ingress rules (all rules live in security_groups.tf)."
  }
  assert {
    condition = alltrue([
      for r in aws_vpc_security_group_ingress_rule.main :
      r.referenced_security_group_id == aws_security_group.main["alb"].id && r.from_port == 8080 && r.to_port == 8080
      if r.security_group_id == aws_security_group.main["ecs"].id
    ])
    error_message = "The app may be reached only from the ALB, on 8080."
  }
  assert {
    condition = alltrue([
      for r in aws_vpc_security_group_ingress_rule.main :
      r.referenced_security_group_id == aws_security_group.main["ecs"].id && r.from_port == 3306 && r.to_port == 3306
      if r.security_group_id == aws_security_group.main["rds"].id
    ])
    error_message = "MySQL may be reached only from the tasks (app and migration), on 3306; the bastion is off by default."
  }
  assert {
    condition = alltrue([
      for r in aws_vpc_security_group_ingress_rule.main :
      r.referenced_security_group_id == aws_security_group.main["ecs"].id && r.from_port == 11211 && r.to_port == 11211
      if r.security_group_id == aws_security_group.main["memcached"].id
    ])
    error_message = "Memcached may be reached only from the app, on 11211."
  }
  assert {
    condition     = !contains(keys(aws_security_group.main), "bastion")
    error_message = "No bastion security group by default."
  }

  # Database
  assert {
    condition     = !aws_db_instance.main.publicly_accessible && aws_db_instance.main.storage_encrypted
    error_message = "RDS must be private and encrypted."
  }
  assert {
    condition     = aws_db_instance.main.manage_master_user_password && aws_db_instance.main.password == null
    error_message = "The master password must be managed by RDS in Secrets Manager, never set in Terraform."
  }
  assert {
    condition     = aws_db_instance.main.engine == "mysql" && startswith(aws_db_instance.main.engine_version, "8.4") && aws_db_instance.main.instance_class == "db.t3.medium"
    error_message = "RDS must be MySQL 8.4 (LTS, in standard support) on db.t3.medium."
  }
  assert {
    condition     = aws_db_instance.main.deletion_protection && !aws_db_instance.main.skip_final_snapshot && aws_db_instance.main.final_snapshot_identifier != null
    error_message = "By default the database is protected from deletion and snapshotted when destroyed."
  }
  assert {
    condition     = contains(aws_db_instance.main.enabled_cloudwatch_logs_exports, "slowquery") && aws_db_instance.main.performance_insights_enabled
    error_message = "The slow query log must be exported and Performance Insights on."
  }
  assert {
    condition     = aws_db_instance.main.vpc_security_group_ids == toset([aws_security_group.main["rds"].id]) && aws_db_subnet_group.main.subnet_ids == toset([for s in aws_subnet.private : s.id])
    error_message = "RDS must sit in the private subnets behind its own security group."
  }
  assert {
    condition = { for p in aws_db_parameter_group.main.parameter : p.name => p.value } == {
      character_set_server   = "utf8mb4"
      character_set_database = "utf8mb4"
      collation_server       = "utf8mb4_0900_ai_ci"
      slow_query_log         = "1"
      long_query_time        = "1"
      log_output             = "FILE"
    }
    error_message = "The parameter group must set utf8mb4 and a slow query log to FILE."
  }

  # Cache
  assert {
    condition     = aws_elasticache_cluster.memcached.engine == "memcached" && aws_elasticache_cluster.memcached.num_cache_nodes == 2 && aws_elasticache_cluster.memcached.node_type == "cache.t3.micro"
    error_message = "Memcached must run two cache.t3.micro nodes."
  }
  assert {
    condition     = aws_elasticache_cluster.memcached.az_mode == "cross-az" && length(toset(aws_elasticache_cluster.memcached.preferred_availability_zones)) == 2
    error_message = "Memcached nodes must be spread over availability zones."
  }
  assert {
    condition     = aws_elasticache_cluster.memcached.security_group_ids == toset([aws_security_group.main["memcached"].id])
    error_message = "Memcached must sit behind its own security group."
  }

  # Bastion: break-glass only, off by default
  assert {
    condition     = length(aws_instance.bastion) == 0 && length(aws_iam_role.bastion) == 0 && output.bastion_instance_id == null && output.db_port_forward_command == null
    error_message = "No bastion by default (bastion_enabled = false): migrations run as an ECS task."
  }

  # IAM
  assert {
    condition = alltrue(flatten([
      for s in concat(jsondecode(aws_iam_role_policy.task_execution_app_secrets.policy).Statement, jsondecode(aws_iam_role_policy.migrate_execution_secrets.policy).Statement) :
      [for a in flatten([s.Action]) : !strcontains(a, "*")]
    ]))
    error_message = "IAM actions must not contain wildcards."
  }
  assert {
    condition     = length(jsondecode(aws_iam_role_policy.task_execution_app_secrets.policy).Statement) == 1 && jsondecode(aws_iam_role_policy.task_execution_app_secrets.policy).Statement[0].Effect == "Allow" && jsondecode(aws_iam_role_policy.task_execution_app_secrets.policy).Statement[0].Action == ["secretsmanager:GetSecretValue"] && toset(jsondecode(aws_iam_role_policy.task_execution_app_secrets.policy).Statement[0].Resource) == toset([aws_secretsmanager_secret.app["a"].arn, aws_secretsmanager_secret.app["b"].arn])
    error_message = "The app's execution role may read exactly the two app users' secrets, nothing more (not the master secret)."
  }
  assert {
    condition     = aws_iam_role_policy_attachment.task_execution_managed.policy_arn == "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    error_message = "The execution role must use the AWS-managed execution policy."
  }
  assert {
    condition     = jsondecode(aws_iam_role.task.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    error_message = "Only this account's tasks may assume the task role."
  }

  # Registry, network, logs, tags
  assert {
    condition     = aws_ecr_repository.app.image_scanning_configuration[0].scan_on_push
    error_message = "ECR must scan on push."
  }
  assert {
    condition     = length(aws_nat_gateway.main) == 1 && length(toset([for r in aws_route.private_nat : r.nat_gateway_id])) == 1
    error_message = "By default one NAT gateway serves every private subnet."
  }
  assert {
    condition     = length(aws_subnet.public) == 3 && length(aws_subnet.private) == 3
    error_message = "The VPC must span three zones with a public and a private subnet each."
  }
  assert {
    condition     = aws_cloudwatch_log_group.app.retention_in_days == 14 && aws_cloudwatch_log_group.rds["slowquery"].name == "/aws/rds/instance/rds-memcached-dev/slowquery"
    error_message = "Log groups must expire, including the slow query export."
  }
  assert {
    condition     = local.tags == { Project = "rds-memcached", Environment = "dev", ManagedBy = "terraform" }
    error_message = "Every resource must be tagged with Project, Environment and ManagedBy (provider default_tags)."
  }

  # Outputs
  assert {
    condition     = output.alb_url == "http://rds-memcached-dev-123456789.ap-northeast-1.elb.amazonaws.com/"
    error_message = "alb_url must be the ALB's HTTP URL."
  }
}

run "outputs_carry_no_password" {
  command = plan

  assert {
    condition     = !anytrue([for name, value in run.stack : can(regex("(?i)pass", name)) || strcontains(jsonencode(value), "MOCK-DB-PASSWORD")])
    error_message = "No output may carry the database password."
  }
  assert {
    condition     = alltrue([for name in ["alb_url", "ecr_repository_url", "ecs_cluster_name", "ecs_service_name", "migrate_task_definition_arn", "private_subnet_ids", "ecs_security_group_id", "db_user", "db_app_slot"] : contains(keys(run.stack), name)])
    error_message = "The documented outputs must exist."
  }
}
