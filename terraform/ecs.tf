locals {
  container_name = "app"

  # Liveness, not readiness: ECS replaces a task whose container check fails, and a task must not
  # be replaced for a database or memcached outage (every task would be, and none would be better off).
  container_health_command = coalesce(var.container_health_command, [
    "CMD",
    "bash",
    "-c",
    "exec 3<>/dev/tcp/127.0.0.1/${var.container_port} && printf 'GET ${var.liveness_check_path} HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '",
  ])

  # Plain settings only; the password comes in through `secrets` below. DB_USER is the app's own
  # user (SELECT/INSERT/UPDATE/DELETE on db_name), never the master.
  app_environment = merge(var.extra_environment, {
    DB_HOST            = aws_db_instance.main.address
    DB_PORT            = tostring(local.db_port)
    DB_NAME            = var.db_name
    DB_USER            = local.db_app_user
    CACHE_HOSTS        = local.cache_hosts
    PORT               = tostring(var.container_port)
    SLOW_QUERY_SECONDS = var.slow_query_seconds
    # SIGTERM drains in-flight requests for this long; stopTimeout below leaves 5 s more
    SHUTDOWN_GRACE_SECONDS = tostring(var.shutdown_grace_seconds)
    # C1 only below one vCPU (start-payara.sh's JIT=auto cannot see the task's quota from inside
    # the container): measured, C2's compiler threads hold a small task's quota for minutes
    JIT = var.task_cpu < 1024 ? "c1" : "tiered"
    # the JVM bound to as many CPUs as the task's vCPUs, rounded up (start-payara.sh's BIND_CPUS):
    # measured, a JVM free to run on more CPUs than its quota spends the quota in part of each
    # period and then stops all its threads for the rest (p99 22 ms against 5 ms bound, at 1 vCPU)
    BIND_CPUS = tostring(ceil(var.task_cpu / 1024))
    # the Java heap, half the task's memory (start-payara.sh's HEAP=auto would read only the
    # container's own cgroup): measured, hits beside 256 connections of misses in the 1 GiB task
    # had p99 309 ms with a 256 MiB heap and 112 ms with 512 MiB
    HEAP = "${floor(var.task_memory / 2)}m"
    # one embedded-metric-format line a minute on stdout: CloudWatch Logs extracts the app's
    # metrics from it (observability.tf reads them in this namespace)
    CLOUDWATCH_METRICS_SECONDS   = "60"
    CLOUDWATCH_METRICS_NAMESPACE = local.metrics_namespace
    CLOUDWATCH_METRICS_SERVICE   = local.name
  })
}

resource "aws_ecs_cluster" "main" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = var.container_insights ? "enabled" : "disabled"
  }

  tags = { Name = local.name }
}

resource "aws_ecs_task_definition" "app" {
  family                   = local.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.task_cpu)
  memory                   = tostring(var.task_memory)
  execution_role_arn       = aws_iam_role.task_execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  container_definitions = jsonencode([{
    name      = local.container_name
    image     = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"
    essential = true
    # seconds from SIGTERM to SIGKILL: the app's drain, then Payara's shutdown hooks
    stopTimeout = var.shutdown_grace_seconds + 5

    portMappings = [{
      containerPort = var.container_port
      protocol      = "tcp"
    }]

    environment = [for k in sort(keys(local.app_environment)) : { name = k, value = local.app_environment[k] }]

    # ECS reads it when a task starts; a new password reaches tasks by a deployment (secrets.tf)
    secrets = [{
      name      = "DB_PASS"
      valueFrom = aws_secretsmanager_secret.app[var.db_app_slot].arn
    }]

    # One JSON line per log record (server-config/logging.properties), so no multiline pattern.
    # Non-blocking: should CloudWatch Logs stall, lines are dropped from a 4 MiB buffer rather
    # than the app's threads blocking on stdout.
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.app.name
        awslogs-region        = var.region
        awslogs-stream-prefix = "ecs"
        mode                  = "non-blocking"
        max-buffer-size       = "4m"
      }
    }

    healthCheck = {
      command     = local.container_health_command
      interval    = 30
      timeout     = 5
      retries     = 3
      startPeriod = var.container_health_start_period
    }
  }])

  tags = { Name = local.name }
}

resource "aws_ecs_service" "app" {
  name                              = local.name
  cluster                           = aws_ecs_cluster.main.id
  task_definition                   = aws_ecs_task_definition.app.arn
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  desired_count                     = var.desired_count
  health_check_grace_period_seconds = var.health_check_grace_period_seconds
  propagate_tags                    = "SERVICE"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  # Rolled back when the new tasks never pass their health checks ...
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # ... and when they pass them but answer 5xx or get slow (observability.tf).
  alarms {
    enable      = true
    rollback    = true
    alarm_names = [for key in local.deployment_alarms : aws_cloudwatch_metric_alarm.metric[key].alarm_name]
  }

  network_configuration {
    subnets          = [for s in aws_subnet.private : s.id]
    security_groups  = [aws_security_group.main["ecs"].id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.app.arn
    container_name   = local.container_name
    container_port   = var.container_port
  }

  tags = { Name = local.name }

  # Auto scaling owns the running count once the service exists.
  lifecycle {
    ignore_changes = [desired_count]
  }

  depends_on = [aws_lb_listener_rule.public, aws_iam_role_policy.task_execution_app_secrets, aws_secretsmanager_secret_version.app]
}

resource "aws_appautoscaling_target" "app" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.app.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity

  tags = { Name = local.name }
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${local.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.app.service_namespace
  resource_id        = aws_appautoscaling_target.app.resource_id
  scalable_dimension = aws_appautoscaling_target.app.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "requests" {
  name               = "${local.name}-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.app.service_namespace
  resource_id        = aws_appautoscaling_target.app.resource_id
  scalable_dimension = aws_appautoscaling_target.app.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.requests_per_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${aws_lb.main.arn_suffix}/${aws_lb_target_group.app.arn_suffix}"
    }
  }
}
