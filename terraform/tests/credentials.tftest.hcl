# Issue 14: the app connects as its own least-privilege user, never the master; only the migration
# task reads the master secret; no credential in outputs, state or the plain environment; MySQL 8.4.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  db_app_password = "test-password-0123456789"
  image_tag       = "0123456789abcdef0123456789abcdef01234567"
  mock_secret_arn = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:rds!db-0000-aaaa-AbCdEf"
}

run "app_user_is_not_the_master" {
  command = apply

  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["DB_USER"] == "app_a" && var.db_username == "admin"
    error_message = "The app's DB_USER must be its own user (app_a by default), never the master user."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].environment : e.name => e.value }["DB_USER"] == "app_a"
    error_message = "The migration must set up the user the app's tasks use."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].environment : e.name => e.value }["DB_MIGRATION_USER"] == "admin"
    error_message = "The migration task connects as the master user."
  }
  assert {
    condition     = output.db_user == "app_a" && output.db_master_user == "admin"
    error_message = "db_user must name the app's user; the master is db_master_user."
  }
}

run "only_the_migration_task_reads_the_master_secret" {
  command = apply

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.task_execution_app_secrets.policy).Statement :
      !contains(flatten([s.Resource]), var.mock_secret_arn) && !contains(flatten([s.Resource]), "*")
    ])
    error_message = "The app's execution role must not read the master secret."
  }
  assert {
    condition     = !strcontains(aws_ecs_task_definition.app.container_definitions, var.mock_secret_arn)
    error_message = "The app's task definition must not reference the master secret."
  }
  assert {
    condition     = aws_ecs_task_definition.migrate.execution_role_arn == aws_iam_role.migrate_execution.arn && aws_ecs_task_definition.app.execution_role_arn == aws_iam_role.task_execution.arn && aws_iam_role.migrate_execution.name != aws_iam_role.task_execution.name
    error_message = "The migration task must have an execution role of its own."
  }
  assert {
    condition     = length(jsondecode(aws_iam_role_policy.migrate_execution_secrets.policy).Statement) == 1 && jsondecode(aws_iam_role_policy.migrate_execution_secrets.policy).Statement[0].Action == ["secretsmanager:GetSecretValue"] && toset(jsondecode(aws_iam_role_policy.migrate_execution_secrets.policy).Statement[0].Resource) == toset([var.mock_secret_arn, aws_secretsmanager_secret.app["a"].arn, aws_secretsmanager_secret.app["b"].arn])
    error_message = "The migration's execution role reads the master secret and the app users' secrets, nothing else."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].secrets == [{ name = "DB_MIGRATION_PASS", valueFrom = "${var.mock_secret_arn}:password::" }, { name = "DB_PASS", valueFrom = aws_secretsmanager_secret.app["a"].arn }]
    error_message = "The migration gets the master password and the app user's new password as secrets."
  }
  assert {
    condition     = aws_iam_role_policy_attachments_exclusive.migrate_execution.policy_arns == toset(["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]) && aws_iam_role_policies_exclusive.migrate_execution.policy_names == toset(["read-db-master-and-app-secrets"])
    error_message = "The migration's execution role carries exactly its two policies."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].entryPoint == ["/opt/payara/server-config/migrate.sh"] && jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].command == ["migrate"] && jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].image == jsondecode(aws_ecs_task_definition.app.container_definitions)[0].image
    error_message = "The migration task runs the app's image with server-config/migrate.sh migrate."
  }
}

run "no_credential_in_outputs_state_or_plain_environment" {
  command = apply

  assert {
    condition     = aws_secretsmanager_secret_version.app["a"].secret_string == null && aws_secretsmanager_secret_version.app["a"].secret_string_wo == null && aws_secretsmanager_secret_version.app["a"].secret_string_wo_version == 1
    error_message = "The app user's password must reach its secret write-only (secret_string_wo), never stored in the state."
  }
  assert {
    condition = !anytrue(flatten([
      for td in [aws_ecs_task_definition.app, aws_ecs_task_definition.migrate] : [
        for e in jsondecode(td.container_definitions)[0].environment :
        can(regex("(?i)pass|secret|token", e.name)) || strcontains(e.value, "secretsmanager") || strcontains(e.value, "test-password")
      ]
    ]))
    error_message = "No credential may travel in the plain environment of either task."
  }
  assert {
    condition     = keys(aws_secretsmanager_secret_version.app) == ["a"]
    error_message = "Only the deployed slot's secret gets a version from this apply."
  }
}

run "outputs_carry_no_credential" {
  command = plan

  assert {
    condition     = !anytrue([for name, value in run.no_credential_in_outputs_state_or_plain_environment : can(regex("(?i)pass", name)) || strcontains(jsonencode(value), "test-password-0123456789")])
    error_message = "No output may carry a password."
  }
}

run "mysql_8_4" {
  command = plan

  assert {
    condition     = startswith(aws_db_instance.main.engine_version, "8.4") && aws_db_parameter_group.main.family == "mysql8.4"
    error_message = "RDS must run MySQL 8.4 LTS with a mysql8.4 parameter group (8.0 left standard support on 2026-07-31)."
  }
}

run "mysql_8_0_is_refused" {
  command = plan
  variables {
    db_engine_version = "8.0"
  }
  expect_failures = [var.db_engine_version]
}

run "the_other_slot_after_a_deployment" {
  command = apply
  variables {
    db_app_slot = "b"
    demo_data   = false
  }

  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment : e.name => e.value }["DB_USER"] == "app_b" && jsondecode(aws_ecs_task_definition.app.container_definitions)[0].secrets[0].valueFrom == aws_secretsmanager_secret.app["b"].arn
    error_message = "Slot b: the app's tasks use app_b and its secret."
  }
  assert {
    condition     = keys(aws_secretsmanager_secret_version.app) == ["b"] && { for e in jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].environment : e.name => e.value }["DB_USER"] == "app_b"
    error_message = "Slot b: the new password goes to app_b's secret, and the migration sets up app_b."
  }
  assert {
    condition     = { for e in jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].environment : e.name => e.value }["DB_DEMO_DATA"] == "false"
    error_message = "demo_data = false must reach the migration as DB_DEMO_DATA=false."
  }
}

run "unknown_slot_is_refused" {
  command = plan
  variables {
    db_app_slot = "c"
  }
  expect_failures = [var.db_app_slot]
}

run "break_glass_bastion" {
  command = apply
  variables {
    bastion_enabled = true
  }

  assert {
    condition     = aws_instance.bastion[0].key_name == "" && !aws_instance.bastion[0].associate_public_ip_address && contains([for s in aws_subnet.private : s.id], aws_instance.bastion[0].subnet_id)
    error_message = "The bastion must be private, without a key pair (Session Manager only)."
  }
  assert {
    condition     = aws_instance.bastion[0].metadata_options[0].http_tokens == "required" && aws_instance.bastion[0].root_block_device[0].encrypted
    error_message = "The bastion must require IMDSv2 and encrypt its disk."
  }
  assert {
    condition     = aws_iam_role_policy_attachments_exclusive.bastion[0].policy_arns == toset(["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"])
    error_message = "The bastion's role must carry only the SSM core policy."
  }
  assert {
    condition     = length([for r in aws_vpc_security_group_ingress_rule.main : r if r.security_group_id == aws_security_group.main["bastion"].id]) == 0
    error_message = "The bastion must accept no inbound traffic."
  }
  assert {
    condition     = contains([for r in aws_vpc_security_group_ingress_rule.main : r.referenced_security_group_id if r.security_group_id == aws_security_group.main["rds"].id], aws_security_group.main["bastion"].id)
    error_message = "With the bastion enabled, MySQL accepts it."
  }
  assert {
    condition     = strcontains(output.db_port_forward_command, "--target ${aws_instance.bastion[0].id}") && strcontains(output.db_port_forward_command, "AWS-StartPortForwardingSessionToRemoteHost")
    error_message = "The port-forwarding command must target the bastion."
  }
}
