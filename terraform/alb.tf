locals {
  # The listener that serves the app: HTTPS when a certificate is given (port 80 then only redirects).
  app_listener_arn = var.certificate_arn == null ? aws_lb_listener.http.arn : aws_lb_listener.https[0].arn

  # What the internet may ask for: reads of the article's two routes and the load-balancer path.
  public_methods = ["GET", "HEAD"]
  public_paths   = ["/", "/db/*", "/cache/*"]

  # A listener rule condition takes at most three values (five per rule): admin ranges go three
  # to a rule.
  admin_cidr_chunks = chunklist(var.admin_cidrs, 3)

  # Everything else from elsewhere. application/json: a fixed response cannot be
  # application/problem+json, the body is an RFC 9457 problem all the same.
  closed_response = jsonencode({
    type   = "about:blank"
    title  = "Forbidden"
    status = 403
    detail = "only GET of /, /db/{id} and /cache/{id} is open from this address"
  })
}

resource "aws_lb" "main" {
  name               = local.name
  load_balancer_type = "application"
  internal           = false
  security_groups    = [aws_security_group.main["alb"].id]
  subnets            = [for s in aws_subnet.public : s.id]

  drop_invalid_header_fields = true
  # The slow endpoint sleeps SLOW_QUERY_SECONDS; keep well above it.
  idle_timeout = 60

  tags = { Name = local.name }
}

resource "aws_lb_target_group" "app" {
  name                 = local.name
  vpc_id               = aws_vpc.main.id
  port                 = var.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  deregistration_delay = 30

  # Readiness: this instance can serve. It stays 200 while the database or memcached is down
  # (the instance still serves what it can), so a shared dependency's outage never empties the
  # target group. The listener rules below do not apply to these checks.
  health_check {
    path                = var.health_check_path
    port                = "traffic-port"
    protocol            = "HTTP"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = { Name = local.name }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = var.certificate_arn == null ? "fixed-response" : "redirect"

    dynamic "fixed_response" {
      for_each = var.certificate_arn == null ? [1] : []
      content {
        content_type = "application/json"
        status_code  = "403"
        message_body = local.closed_response
      }
    }

    dynamic "redirect" {
      for_each = var.certificate_arn == null ? [] : [1]
      content {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }
  }

  tags = { Name = "${local.name}-http" }
}

resource "aws_lb_listener" "https" {
  count = var.certificate_arn == null ? 0 : 1

  load_balancer_arn = aws_lb.main.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "application/json"
      status_code  = "403"
      message_body = local.closed_response
    }
  }

  tags = { Name = "${local.name}-https" }
}

# Admin ranges first: everything they send reaches the app.
resource "aws_lb_listener_rule" "admin" {
  count = length(local.admin_cidr_chunks)

  listener_arn = local.app_listener_arn
  priority     = 10 + count.index

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }

  condition {
    source_ip {
      values = local.admin_cidr_chunks[count.index]
    }
  }

  tags = { Name = "${local.name}-admin-${count.index}" }
}

resource "aws_lb_listener_rule" "public" {
  listener_arn = local.app_listener_arn
  priority     = 100

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }

  condition {
    http_request_method {
      values = local.public_methods
    }
  }

  condition {
    path_pattern {
      values = local.public_paths
    }
  }

  tags = { Name = "${local.name}-public" }
}
