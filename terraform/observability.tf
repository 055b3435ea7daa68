resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/${local.name}"
  retention_in_days = var.log_retention_days

  tags = { Name = "/ecs/${local.name}" }
}

# The names RDS exports to; created here so that they expire and are tagged.
resource "aws_cloudwatch_log_group" "rds" {
  for_each = toset(["error", "slowquery"])

  name              = "/aws/rds/instance/${local.name}/${each.key}"
  retention_in_days = var.log_retention_days

  tags = { Name = "/aws/rds/instance/${local.name}/${each.key}" }
}

# Alarms tell this topic when they go off and when they are OK again.
# Not encrypted: CloudWatch cannot publish to a topic under the AWS-managed SNS key, and a key of
# our own (about $1 a month) would protect nothing secret, alarm texts only.
resource "aws_sns_topic" "alarms" {
  name = "${local.name}-alarms"

  tags = { Name = "${local.name}-alarms" }
}

# Only this account's CloudWatch alarms may publish; people and roles of the account manage the
# topic through their IAM policies.
resource "aws_sns_topic_policy" "alarms" {
  arn = aws_sns_topic.alarms.arn

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CloudWatchAlarmsOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.alarms.arn
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:aws:cloudwatch:${var.region}:${local.account_id}:alarm:*" }
      }
    }]
  })
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

locals {
  # The app's own metrics (rdsmemcached.monitoring, embedded metric format in its log).
  metrics_namespace = var.project
  app_dimensions    = { Service = local.name }

  alb_dimensions = { LoadBalancer = aws_lb.main.arn_suffix, TargetGroup = aws_lb_target_group.app.arn_suffix }
  db_dimensions  = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  # ElastiCache numbers memcached nodes 0001, 0002, ...
  cache_node_ids = [for i in range(var.cache_node_count) : format("%04d", i + 1)]

  thresholds = var.alarm_thresholds
  # Above the slow query, which every /db request takes by design.
  target_p99_seconds = coalesce(var.alarm_thresholds.target_p99_seconds, tonumber(var.slow_query_seconds) + 2)

  # Every alarm of a single metric; README (terraform/) says what each means and what to do.
  alarms = merge(
    {
      target-5xx = {
        description = "Tasks answered 5xx: a bad build (deployments roll back on it), or the database down for uncached ids (503)."
        namespace   = "AWS/ApplicationELB", metric = "HTTPCode_Target_5XX_Count", dimensions = local.alb_dimensions
        statistic   = "Sum", extended_statistic = null, comparison = "GreaterThanThreshold", threshold = local.thresholds.target_5xx_per_minute
        period      = 60, evaluation_periods = 3, datapoints = 2, missing = "notBreaching"
      }
      elb-5xx = {
        description = "The load balancer itself answered 5xx: no healthy task (503), or tasks closing connections (502) or too slow (504)."
        namespace   = "AWS/ApplicationELB", metric = "HTTPCode_ELB_5XX_Count", dimensions = { LoadBalancer = aws_lb.main.arn_suffix }
        statistic   = "Sum", extended_statistic = null, comparison = "GreaterThanThreshold", threshold = local.thresholds.elb_5xx_per_minute
        period      = 60, evaluation_periods = 3, datapoints = 2, missing = "notBreaching"
      }
      target-p99 = {
        description = "The slowest 1 % of requests take longer than the slow query itself: tasks saturated or waiting for connections."
        namespace   = "AWS/ApplicationELB", metric = "TargetResponseTime", dimensions = local.alb_dimensions
        statistic   = null, extended_statistic = "p99", comparison = "GreaterThanThreshold", threshold = local.target_p99_seconds
        period      = 60, evaluation_periods = 5, datapoints = 5, missing = "notBreaching"
      }
      unhealthy-hosts = {
        description = "A task fails its readiness check for 3 minutes (not started, not warmed, hung); ECS replaces it."
        namespace   = "AWS/ApplicationELB", metric = "UnHealthyHostCount", dimensions = local.alb_dimensions
        statistic   = "Maximum", extended_statistic = null, comparison = "GreaterThanThreshold", threshold = 0
        period      = 60, evaluation_periods = 3, datapoints = 3, missing = "notBreaching"
      }
      no-healthy-hosts = {
        description = "No task is ready: the service answers nothing but 503 from the load balancer."
        namespace   = "AWS/ApplicationELB", metric = "HealthyHostCount", dimensions = local.alb_dimensions
        statistic   = "Minimum", extended_statistic = null, comparison = "LessThanThreshold", threshold = 1
        period      = 60, evaluation_periods = 2, datapoints = 2, missing = "breaching"
      }
      cache-p99 = {
        description = "GET /cache/{id} is slow (p99 of the server's own timing): a slow build (deployments roll back on it), CPU starvation, or memcached failing."
        namespace   = local.metrics_namespace, metric = "CacheRequestLatency", dimensions = local.app_dimensions
        statistic   = null, extended_statistic = "p99", comparison = "GreaterThanThreshold", threshold = local.thresholds.cache_p99_milliseconds
        period      = 60, evaluation_periods = 3, datapoints = 3, missing = "notBreaching"
      }
      db-unreachable = {
        description = "A task cannot reach the database: uncached ids answer 503, cached ones are still served. Tasks stay in service."
        namespace   = local.metrics_namespace, metric = "DatabaseReachable", dimensions = local.app_dimensions
        statistic   = "Minimum", extended_statistic = null, comparison = "LessThanThreshold", threshold = 1
        period      = 60, evaluation_periods = 2, datapoints = 2, missing = "notBreaching"
      }
      memcached-nodes-down = {
        description = "A task has a memcached node unavailable or skipped: that node's keys are served from the database (X-Cache: BYPASS)."
        namespace   = local.metrics_namespace, metric = "MemcachedNodesDown", dimensions = local.app_dimensions
        statistic   = "Maximum", extended_statistic = null, comparison = "GreaterThanThreshold", threshold = 0
        period      = 60, evaluation_periods = 3, datapoints = 3, missing = "notBreaching"
      }
      db-cpu = {
        description = "The database's CPU is high: more slow queries than usual reach it (cache hit rate down, /db traffic up)."
        namespace   = "AWS/RDS", metric = "CPUUtilization", dimensions = local.db_dimensions
        statistic   = "Average", extended_statistic = null, comparison = "GreaterThanThreshold", threshold = local.thresholds.db_cpu_percent
        period      = 300, evaluation_periods = 3, datapoints = 3, missing = "notBreaching"
      }
      db-connections = {
        description = "Many database connections: the app opens at most 33 per task (pool 32, probe 1); more means many tasks or another client."
        namespace   = "AWS/RDS", metric = "DatabaseConnections", dimensions = local.db_dimensions
        statistic   = "Maximum", extended_statistic = null, comparison = "GreaterThanThreshold", threshold = local.thresholds.db_connections
        period      = 300, evaluation_periods = 2, datapoints = 2, missing = "notBreaching"
      }
      db-free-storage = {
        description = "The database's free storage is low (storage autoscaling up to db_max_allocated_storage has run out, or cannot keep up)."
        namespace   = "AWS/RDS", metric = "FreeStorageSpace", dimensions = local.db_dimensions
        statistic   = "Minimum", extended_statistic = null, comparison = "LessThanThreshold", threshold = local.thresholds.db_free_storage_gib * 1024 * 1024 * 1024
        period      = 300, evaluation_periods = 1, datapoints = 1, missing = "notBreaching"
      }
    },
    {
      for id in local.cache_node_ids : "cache-cpu-${id}" => {
        description = "memcached node ${id} is busy; its operations may time out (50 ms) and its keys bypass to the database."
        namespace   = "AWS/ElastiCache", metric = "CPUUtilization", dimensions = { CacheClusterId = aws_elasticache_cluster.memcached.cluster_id, CacheNodeId = id }
        statistic   = "Average", extended_statistic = null, comparison = "GreaterThanThreshold", threshold = local.thresholds.cache_cpu_percent
        period      = 300, evaluation_periods = 3, datapoints = 3, missing = "notBreaching"
      }
    },
    {
      for id in local.cache_node_ids : "cache-evictions-${id}" => {
        description = "memcached node ${id} evicts entries before their TTL: its memory is too small for the hot keys, misses (slow queries) rise."
        namespace   = "AWS/ElastiCache", metric = "Evictions", dimensions = { CacheClusterId = aws_elasticache_cluster.memcached.cluster_id, CacheNodeId = id }
        statistic   = "Sum", extended_statistic = null, comparison = "GreaterThanThreshold", threshold = local.thresholds.cache_evictions_per_5_min
        period      = 300, evaluation_periods = 1, datapoints = 1, missing = "notBreaching"
      }
    },
  )

  # A deployment whose tasks pass their health checks but answer errors or slowly rolls back.
  deployment_alarms = ["target-5xx", "cache-p99"]
}

resource "aws_cloudwatch_metric_alarm" "metric" {
  for_each = local.alarms

  alarm_name          = "${local.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended_statistic
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints
  treat_missing_data  = each.value.missing

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]

  tags = { Name = "${local.name}-${each.key}" }
}

# The share of cache reads that bypassed memcached (node down, skipped or timing out), once there
# are enough reads to speak of a share.
resource "aws_cloudwatch_metric_alarm" "bypass_rate" {
  alarm_name          = "${local.name}-bypass-rate"
  alarm_description   = "More than ${local.thresholds.bypass_percent} % of cache reads bypass memcached and go to the database: a node down or timing out (see memcached-nodes-down, cache-cpu-*)."
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.thresholds.bypass_percent
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "rate"
    expression  = "IF(hits + misses + bypasses >= 100, 100 * bypasses / (hits + misses + bypasses), 0)"
    label       = "bypass %"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = { hits = "CacheHits", misses = "CacheMisses", bypasses = "CacheBypasses" }
    content {
      id = metric_query.key
      metric {
        namespace   = local.metrics_namespace
        metric_name = metric_query.value
        dimensions  = local.app_dimensions
        stat        = "Sum"
        period      = 60
      }
    }
  }

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]

  tags = { Name = "${local.name}-bypass-rate" }
}

locals {
  ns  = local.metrics_namespace
  svc = ["Service", local.name]

  dashboard_widgets = [
    {
      # What the article showed with Performance Insights: the database's work falls as hits rise.
      type = "metric", x = 0, y = 0, width = 12, height = 7
      properties = {
        title  = "Database work falls as cache hits rise (per minute)"
        region = var.region, view = "timeSeries", stat = "Sum", period = 60
        metrics = [
          concat([local.ns, "CacheHits"], local.svc, [{ label = "/cache answered from memcached" }]),
          concat([local.ns, "CacheLoads"], local.svc, [{ label = "slow queries run for /cache (loads)" }]),
          concat([local.ns, "DbRequests"], local.svc, [{ label = "/db requests (one slow query each)" }]),
          ["AWS/RDS", "DBLoad", "DBInstanceIdentifier", aws_db_instance.main.identifier, { stat = "Average", yAxis = "right", label = "DB load: average active sessions (Performance Insights)" }],
        ]
      }
    },
    {
      type = "metric", x = 12, y = 0, width = 12, height = 7
      properties = {
        title  = "Latency of GET /db and GET /cache (ms, server side)"
        region = var.region, view = "timeSeries", period = 60
        metrics = [
          concat([local.ns, "DbRequestLatency"], local.svc, [{ stat = "p50", label = "/db p50" }]),
          concat([local.ns, "DbRequestLatency"], local.svc, [{ stat = "p99", label = "/db p99" }]),
          concat([local.ns, "CacheRequestLatency"], local.svc, [{ stat = "p50", label = "/cache p50", yAxis = "right" }]),
          concat([local.ns, "CacheRequestLatency"], local.svc, [{ stat = "p99", label = "/cache p99", yAxis = "right" }]),
        ]
      }
    },
    {
      type = "metric", x = 0, y = 7, width = 8, height = 6
      properties = {
        title  = "Cache reads (per minute) and bypass %"
        region = var.region, view = "timeSeries", stat = "Sum", period = 60
        metrics = [
          concat([local.ns, "CacheHits"], local.svc, [{ id = "hits" }]),
          concat([local.ns, "CacheMisses"], local.svc, [{ id = "misses" }]),
          concat([local.ns, "CacheBypasses"], local.svc, [{ id = "bypasses" }]),
          [{ expression = "100 * bypasses / (hits + misses + bypasses)", label = "bypass %", yAxis = "right" }],
        ]
      }
    },
    {
      type = "metric", x = 8, y = 7, width = 8, height = 6
      properties = {
        title  = "Load balancer"
        region = var.region, view = "timeSeries", stat = "Sum", period = 60
        metrics = [
          ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", aws_lb.main.arn_suffix, "TargetGroup", aws_lb_target_group.app.arn_suffix],
          ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", aws_lb.main.arn_suffix, "TargetGroup", aws_lb_target_group.app.arn_suffix],
          ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", aws_lb.main.arn_suffix],
          ["AWS/ApplicationELB", "HTTPCode_ELB_4XX_Count", "LoadBalancer", aws_lb.main.arn_suffix, { label = "4xx from the load balancer (403: closed paths)" }],
          ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", aws_lb.main.arn_suffix, "TargetGroup", aws_lb_target_group.app.arn_suffix, { stat = "p99", yAxis = "right", label = "target p99 (s)" }],
        ]
      }
    },
    {
      type = "metric", x = 16, y = 7, width = 8, height = 6
      properties = {
        title  = "Tasks and their dependencies"
        region = var.region, view = "timeSeries", period = 60
        metrics = [
          ["AWS/ApplicationELB", "HealthyHostCount", "LoadBalancer", aws_lb.main.arn_suffix, "TargetGroup", aws_lb_target_group.app.arn_suffix, { stat = "Minimum" }],
          ["AWS/ApplicationELB", "UnHealthyHostCount", "LoadBalancer", aws_lb.main.arn_suffix, "TargetGroup", aws_lb_target_group.app.arn_suffix, { stat = "Maximum" }],
          concat([local.ns, "DatabaseReachable"], local.svc, [{ stat = "Minimum", label = "database reachable (1/0, worst task)" }]),
          concat([local.ns, "MemcachedNodesDown"], local.svc, [{ stat = "Maximum", label = "memcached nodes down (worst task)" }]),
        ]
      }
    },
    {
      type = "metric", x = 0, y = 13, width = 8, height = 6
      properties = {
        title  = "RDS"
        region = var.region, view = "timeSeries", period = 300
        metrics = [
          ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", aws_db_instance.main.identifier, { stat = "Average" }],
          ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", aws_db_instance.main.identifier, { stat = "Maximum", yAxis = "right" }],
        ]
      }
    },
    {
      type = "metric", x = 8, y = 13, width = 8, height = 6
      properties = {
        title  = "ElastiCache nodes"
        region = var.region, view = "timeSeries", period = 300
        metrics = flatten([
          for id in local.cache_node_ids : [
            ["AWS/ElastiCache", "CPUUtilization", "CacheClusterId", aws_elasticache_cluster.memcached.cluster_id, "CacheNodeId", id, { stat = "Average", label = "CPU % ${id}" }],
            ["AWS/ElastiCache", "Evictions", "CacheClusterId", aws_elasticache_cluster.memcached.cluster_id, "CacheNodeId", id, { stat = "Sum", yAxis = "right", label = "evictions ${id}" }],
          ]
        ])
      }
    },
    {
      type = "metric", x = 16, y = 13, width = 8, height = 6
      properties = {
        title  = "Requests WAF blocked (per rule)"
        region = var.region, view = "timeSeries", stat = "Sum", period = 300
        metrics = [
          for rule in ["dot-segments", "db-rate", "rate"] :
          ["AWS/WAFV2", "BlockedRequests", "WebACL", local.name, "Region", var.region, "Rule", rule]
        ]
      }
    },
    {
      type = "alarm", x = 0, y = 19, width = 24, height = 4
      properties = {
        title  = "Alarms"
        alarms = concat([for a in aws_cloudwatch_metric_alarm.metric : a.arn], [aws_cloudwatch_metric_alarm.bypass_rate.arn])
      }
    },
  ]
}

resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = local.name
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
