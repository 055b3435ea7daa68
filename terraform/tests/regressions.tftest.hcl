# Each of these regressions once passed every test (issue 13, "Found" 5 and 7): each run or
# assertion below names the one it catches. bin/terraform-mutations reintroduces each regression
# into a copy of terraform/ and shows that these tests then fail.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  db_app_password = "test-password-0123456789"
  image_tag       = "0123456789abcdef0123456789abcdef01234567"
}

run "found_7" {
  command = apply

  assert {
    condition     = alltrue([for r in aws_vpc_security_group_egress_rule.main : r.ip_protocol == "tcp" && r.from_port == r.to_port])
    error_message = "Regression: egress opened to all protocols or port ranges. Every egress rule is TCP to one port."
  }
  assert {
    condition = toset([
      for r in aws_vpc_security_group_egress_rule.main :
      "${r.from_port}:${coalesce(r.cidr_ipv4, r.referenced_security_group_id)}" if r.security_group_id == aws_security_group.main["ecs"].id
      ]) == toset([
      "443:0.0.0.0/0", "3306:${aws_security_group.main["rds"].id}", "11211:${aws_security_group.main["memcached"].id}",
    ])
    error_message = "Regression: the app's egress widened. Tasks may reach HTTPS (AWS APIs via NAT), MySQL and memcached, nothing else."
  }
  assert {
    condition     = aws_iam_role_policy_attachments_exclusive.task.role_name == aws_iam_role.task.name && length(aws_iam_role_policy_attachments_exclusive.task.policy_arns) == 0
    error_message = "Regression: a managed policy (e.g. AdministratorAccess) attached to the task role. The app calls no AWS API."
  }
  assert {
    condition     = aws_iam_role_policies_exclusive.task.role_name == aws_iam_role.task.name && length(aws_iam_role_policies_exclusive.task.policy_names) == 0
    error_message = "Regression: an inline policy on the task role. The app calls no AWS API."
  }
  assert {
    condition     = aws_iam_role_policy_attachments_exclusive.task_execution.policy_arns == toset(["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]) && aws_iam_role_policy_attachments_exclusive.migrate_execution.policy_arns == toset(["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"])
    error_message = "Regression: another managed policy on an execution role."
  }
  assert {
    condition     = aws_ecs_service.app.deployment_minimum_healthy_percent == 100 && aws_ecs_service.app.deployment_maximum_percent == 200
    error_message = "Regression: deployment_minimum_healthy_percent below 100 lets a deployment stop every running task before new ones are healthy."
  }
  assert {
    condition     = aws_db_instance.main.backup_retention_period == 7
    error_message = "Regression: automated backups (point-in-time recovery) off or shorter than 7 days."
  }
  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.rds : g.retention_in_days == 14]) && aws_cloudwatch_log_group.app.retention_in_days == 14
    error_message = "Regression: a log group (the RDS exports or the app's) kept forever."
  }
}

run "tls_policy" {
  variables {
    certificate_arn = "arn:aws:acm:ap-northeast-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  }

  override_resource {
    target = aws_lb_listener.https
    values = { arn = "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:listener/app/rds-memcached-dev/0123456789abcdef/0000000000000443" }
  }

  assert {
    condition     = aws_lb_listener.https[0].ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    error_message = "Regression: the HTTPS listener's TLS policy downgraded (e.g. to ELBSecurityPolicy-2016-08, which accepts TLS 1.0)."
  }
}

run "arm64_applies" {
  variables {
    cpu_architecture = "ARM64"
    bastion_enabled  = true
  }

  assert {
    condition     = aws_ecs_task_definition.app.runtime_platform[0].cpu_architecture == "ARM64" && output.cpu_architecture == "ARM64"
    error_message = "The task must run on ARM64, and bin/deploy must learn it to build for linux/arm64."
  }
  assert {
    condition     = endswith(data.aws_ssm_parameter.al2023_ami[0].name, "-arm64") && aws_instance.bastion[0].instance_type == "t4g.micro"
    error_message = "Regression (Found 5): an arm64 AMI on an x86 instance type cannot boot; the bastion's type must follow the architecture."
  }
}

run "weak_tls_policy_is_refused" {
  command = plan
  variables {
    certificate_arn = "arn:aws:acm:ap-northeast-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
    ssl_policy      = "ELBSecurityPolicy-2016-08"
  }
  expect_failures = [var.ssl_policy]
}

run "no_backups_is_refused" {
  command = plan
  variables {
    db_backup_retention_days = 0
  }
  expect_failures = [var.db_backup_retention_days]
}

run "logs_kept_forever_is_refused" {
  command = plan
  variables {
    log_retention_days = 0
  }
  expect_failures = [var.log_retention_days]
}

run "x86_bastion_with_arm64_is_refused" {
  command = plan
  variables {
    cpu_architecture      = "ARM64"
    bastion_instance_type = "t3.micro"
  }
  expect_failures = [var.bastion_instance_type]
}

run "graviton_bastion_with_x86_is_refused" {
  command = plan
  variables {
    bastion_instance_type = "t4g.small"
  }
  expect_failures = [var.bastion_instance_type]
}

run "mutable_tag_is_refused" {
  command = plan
  variables {
    image_tag = "latest"
  }
  expect_failures = [var.image_tag]
}

run "admin_surface_open_to_everyone_is_refused" {
  command = plan
  variables {
    admin_cidrs = ["0.0.0.0/0"]
  }
  expect_failures = [var.admin_cidrs]
}

run "keeping_too_few_images_for_a_rollback_is_refused" {
  command = plan
  variables {
    ecr_keep_images = 1
  }
  expect_failures = [var.ecr_keep_images]
}
