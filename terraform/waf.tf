# In front of the load balancer: per-address rate limits (a few dozen parallel /db calls would
# hold every thread of a task) and a block of dot segments, so that no path like
# /cache/../metrics can reach past the listener rules' public paths.

locals {
  waf_responses = {
    too-many = {
      status = 429
      body   = { type = "about:blank", title = "Too Many Requests", status = 429, detail = "too many requests from this address; retry in a few minutes" }
    }
    bad-path = {
      status = 400
      body   = { type = "about:blank", title = "Bad Request", status = 400, detail = "the path must not contain dot segments" }
    }
  }
}

resource "aws_wafv2_web_acl" "main" {
  count = var.waf_enabled ? 1 : 0

  name        = local.name
  description = "Rate limits and path checks in front of ${local.name}"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  dynamic "custom_response_body" {
    for_each = local.waf_responses
    content {
      key          = custom_response_body.key
      content_type = "APPLICATION_JSON"
      content      = jsonencode(custom_response_body.value.body)
    }
  }

  rule {
    name     = "dot-segments"
    priority = 0

    action {
      block {
        custom_response {
          response_code            = local.waf_responses.bad-path.status
          custom_response_body_key = "bad-path"
        }
      }
    }

    statement {
      byte_match_statement {
        search_string         = ".."
        positional_constraint = "CONTAINS"

        field_to_match {
          uri_path {}
        }

        text_transformation {
          priority = 0
          type     = "URL_DECODE"
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.name}-dot-segments"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "db-rate"
    priority = 1

    action {
      block {
        custom_response {
          response_code            = local.waf_responses.too-many.status
          custom_response_body_key = "too-many"
        }
      }
    }

    statement {
      rate_based_statement {
        limit                 = var.waf_db_rate_limit
        aggregate_key_type    = "IP"
        evaluation_window_sec = 300

        scope_down_statement {
          byte_match_statement {
            search_string         = "/db/"
            positional_constraint = "STARTS_WITH"

            field_to_match {
              uri_path {}
            }

            text_transformation {
              priority = 0
              type     = "URL_DECODE"
            }

            text_transformation {
              priority = 1
              type     = "LOWERCASE"
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.name}-db-rate"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "rate"
    priority = 2

    action {
      block {
        custom_response {
          response_code            = local.waf_responses.too-many.status
          custom_response_body_key = "too-many"
        }
      }
    }

    statement {
      rate_based_statement {
        limit                 = var.waf_rate_limit
        aggregate_key_type    = "IP"
        evaluation_window_sec = 300
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.name}-rate"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = local.name
    sampled_requests_enabled   = true
  }

  tags = { Name = local.name }
}

resource "aws_wafv2_web_acl_association" "alb" {
  count = var.waf_enabled ? 1 : 0

  resource_arn = aws_lb.main.arn
  web_acl_arn  = aws_wafv2_web_acl.main[0].arn
}
