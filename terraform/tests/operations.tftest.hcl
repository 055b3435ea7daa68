# Day two as terraform apply builds it with no variables set: the admin surface closed, WAF in
# front, deploys that roll back, every alarm wired to the topic, the dashboard, the windows.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  db_app_password = "test-password-0123456789"
  image_tag       = "0123456789abcdef0123456789abcdef01234567"
  expected_alarms = [
    "cache-cpu-0001", "cache-cpu-0002", "cache-evictions-0001", "cache-evictions-0002", "cache-p99",
    "db-connections", "db-cpu", "db-free-storage", "db-unreachable", "elb-5xx", "memcached-nodes-down",
    "no-healthy-hosts", "target-5xx", "target-p99", "unhealthy-hosts",
  ]
}

run "day_two" {
  command = apply

  # Closed admin surface: only reads of /, /db/* and /cache/* from the internet
  assert {
    condition     = aws_lb_listener.http.default_action[0].type == "fixed-response" && aws_lb_listener.http.default_action[0].fixed_response[0].status_code == "403"
    error_message = "Without a matching rule the listener must answer 403 itself, never forward."
  }
  assert {
    condition     = aws_lb_listener.http.default_action[0].fixed_response[0].content_type == "application/json" && jsondecode(aws_lb_listener.http.default_action[0].fixed_response[0].message_body).status == 403
    error_message = "The 403 must carry a problem detail (JSON, status 403)."
  }
  assert {
    condition     = aws_lb_listener_rule.public.listener_arn == aws_lb_listener.http.arn && aws_lb_listener_rule.public.action[0].type == "forward" && aws_lb_listener_rule.public.action[0].target_group_arn == aws_lb_target_group.app.arn
    error_message = "The public rule must forward to the app on the serving listener."
  }
  assert {
    condition = (
      toset(flatten([for c in aws_lb_listener_rule.public.condition : c.http_request_method[0].values if length(c.http_request_method) > 0])) == toset(["GET", "HEAD"])
      && toset(flatten([for c in aws_lb_listener_rule.public.condition : c.path_pattern[0].values if length(c.path_pattern) > 0])) == toset(["/", "/db/*", "/cache/*"])
      && length(aws_lb_listener_rule.public.condition) == 2
    )
    error_message = "From the internet only GET and HEAD of /, /db/* and /cache/* may reach the app (no writes, evictions, /metrics, /openapi, /health)."
  }
  assert {
    condition     = length(aws_lb_listener_rule.admin) == 0
    error_message = "By default no address range is admin."
  }
  assert {
    condition     = aws_lb_target_group.app.health_check[0].path == "/health/ready"
    error_message = "The target group checks readiness (listener rules do not apply to it)."
  }

  # WAF
  assert {
    condition     = length(aws_wafv2_web_acl.main) == 1 && aws_wafv2_web_acl_association.alb[0].resource_arn == aws_lb.main.arn && aws_wafv2_web_acl_association.alb[0].web_acl_arn == aws_wafv2_web_acl.main[0].arn
    error_message = "A WAF web ACL must guard the load balancer by default."
  }
  assert {
    condition     = one([for r in aws_wafv2_web_acl.main[0].rule : r.statement[0].rate_based_statement[0] if r.name == "rate"]).limit == 3000 && one([for r in aws_wafv2_web_acl.main[0].rule : r.statement[0].rate_based_statement[0] if r.name == "rate"]).aggregate_key_type == "IP"
    error_message = "A rate-based rule must limit each address to waf_rate_limit (3000) requests per 5 minutes."
  }
  assert {
    condition     = one([for r in aws_wafv2_web_acl.main[0].rule : r.statement[0].rate_based_statement[0] if r.name == "db-rate"]).limit == 100 && one([for r in aws_wafv2_web_acl.main[0].rule : r.statement[0].rate_based_statement[0] if r.name == "db-rate"]).scope_down_statement[0].byte_match_statement[0].search_string == "/db/"
    error_message = "/db/* must have a rate limit of its own (waf_db_rate_limit, 100)."
  }
  assert {
    condition     = one([for r in aws_wafv2_web_acl.main[0].rule : r.statement[0].byte_match_statement[0] if r.name == "dot-segments"]).search_string == ".."
    error_message = "Paths with dot segments (/cache/../metrics) must be blocked."
  }
  assert {
    condition = alltrue([
      for r in aws_wafv2_web_acl.main[0].rule :
      length(r.action[0].block) == 1 && contains([for b in aws_wafv2_web_acl.main[0].custom_response_body : b.key], r.action[0].block[0].custom_response[0].custom_response_body_key)
    ])
    error_message = "Every WAF rule must block with a JSON problem body of its own."
  }

  # Immutable deploys
  assert {
    condition     = aws_ecr_repository.app.image_tag_mutability == "IMMUTABLE"
    error_message = "Image tags must be immutable: a tag names one build for good."
  }
  assert {
    condition = jsondecode(aws_ecr_lifecycle_policy.app.policy).rules == [{
      rulePriority = 1
      description  = "Keep the newest 20 images"
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 20 }
      action       = { type = "expire" }
    }]
    error_message = "ECR must keep the newest 20 images and expire nothing for its age (a rollback's image must stay)."
  }
  assert {
    condition     = aws_ecs_service.app.alarms[0].enable && aws_ecs_service.app.alarms[0].rollback && aws_ecs_service.app.alarms[0].alarm_names == toset(["rds-memcached-dev-target-5xx", "rds-memcached-dev-cache-p99"])
    error_message = "A deployment that answers 5xx or gets slow must roll back (service deployment alarms)."
  }

  # Alarms, all on the topic
  assert {
    condition     = sort(keys(aws_cloudwatch_metric_alarm.metric)) == sort(var.expected_alarms)
    error_message = "The alarms must be exactly ${join(", ", var.expected_alarms)} (and bypass-rate)."
  }
  assert {
    condition = alltrue([
      for a in concat(values(aws_cloudwatch_metric_alarm.metric), [aws_cloudwatch_metric_alarm.bypass_rate]) :
      a.alarm_actions == toset([aws_sns_topic.alarms.arn]) && a.ok_actions == toset([aws_sns_topic.alarms.arn])
    ])
    error_message = "Every alarm must notify the alarm topic when it fires and when it clears."
  }
  assert {
    condition = alltrue([
      for a in values(aws_cloudwatch_metric_alarm.metric) :
      length(a.dimensions) == 1 && lookup(a.dimensions, "Service", "") == { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["CLOUDWATCH_METRICS_SERVICE"]
      if a.namespace == { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["CLOUDWATCH_METRICS_NAMESPACE"]
    ]) && length([for a in values(aws_cloudwatch_metric_alarm.metric) : a if a.namespace == "rds-memcached"]) == 3
    error_message = "The app's alarms must read the namespace and Service dimension the task writes its metrics with."
  }
  assert {
    condition = alltrue([
      for a in values(aws_cloudwatch_metric_alarm.metric) :
      a.dimensions.LoadBalancer == aws_lb.main.arn_suffix && lookup(a.dimensions, "TargetGroup", aws_lb_target_group.app.arn_suffix) == aws_lb_target_group.app.arn_suffix
      if a.namespace == "AWS/ApplicationELB"
    ])
    error_message = "Load balancer alarms must watch this load balancer and target group."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.metric["target-p99"].extended_statistic == "p99" && aws_cloudwatch_metric_alarm.metric["target-p99"].threshold == 12
    error_message = "Target p99 must alarm above the 10 s slow query (which /db takes by design)."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.metric["db-unreachable"].metric_name == "DatabaseReachable" && aws_cloudwatch_metric_alarm.metric["db-unreachable"].comparison_operator == "LessThanThreshold" && aws_cloudwatch_metric_alarm.metric["db-unreachable"].threshold == 1
    error_message = "A task that cannot reach the database must raise an alarm (readiness stays UP)."
  }
  assert {
    condition     = toset([for q in aws_cloudwatch_metric_alarm.bypass_rate.metric_query : q.id]) == toset(["rate", "hits", "misses", "bypasses"]) && aws_cloudwatch_metric_alarm.bypass_rate.threshold == 5
    error_message = "The bypass rate must alarm above 5 % of cache reads."
  }
  assert {
    condition = jsondecode(aws_sns_topic_policy.alarms.policy).Statement == [{
      Sid       = "CloudWatchAlarmsOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.alarms.arn
      Condition = {
        StringEquals = { "aws:SourceAccount" = "123456789012" }
        ArnLike      = { "aws:SourceArn" = "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:*" }
      }
    }]
    error_message = "Only this account's CloudWatch alarms may publish to the alarm topic."
  }
  assert {
    condition     = length(aws_sns_topic_subscription.email) == 0
    error_message = "No e-mail subscription without alarm_email."
  }

  # Dashboard
  assert {
    condition = alltrue([
      for m in ["CacheHits", "CacheLoads", "DbRequests", "DBLoad", "DbRequestLatency", "CacheRequestLatency"] :
      anytrue([for w in jsondecode(aws_cloudwatch_dashboard.main.dashboard_body).widgets : anytrue([for metric in lookup(w.properties, "metrics", []) : strcontains(jsonencode(metric), "\"${m}\"")])])
    ])
    error_message = "The dashboard must show database work (DBLoad, loads, /db requests) beside cache hits, and /db and /cache latency."
  }

  # Windows in the Japanese night (JST = UTC+9: 00:00-06:00 JST is 15:00-21:00 UTC), node changes at once
  assert {
    condition = alltrue(flatten([
      [for t in split("-", aws_db_instance.main.backup_window) : tonumber(split(":", t)[0]) >= 15 && tonumber(split(":", t)[0]) < 21],
      [for w in [aws_db_instance.main.maintenance_window, aws_elasticache_cluster.memcached.maintenance_window] : [for t in split("-", w) : tonumber(split(":", t)[1]) >= 15 && tonumber(split(":", t)[1]) < 21]],
    ]))
    error_message = "Backup and maintenance windows must lie between 00:00 and 06:00 JST."
  }
  assert {
    condition     = aws_elasticache_cluster.memcached.apply_immediately
    error_message = "Cache node changes must apply at once, not at the next maintenance window."
  }

  # Outputs
  assert {
    condition     = length(output.alarm_names) == length(var.expected_alarms) + 1 && output.image_tag == var.image_tag && output.cpu_architecture == "X86_64"
    error_message = "The outputs must list every alarm and name the running build and architecture."
  }
}
