# The schema migration as a one-off ECS task: the app's image with another command
# (server-config/migrate.sh migrate), run by bin/deploy before it rolls the service; the deploy
# fails when the task's exit code is not 0. It alone connects as the master user: its execution
# role is the only one that may read the RDS-managed master secret. It also reads the app user's
# secret, to set that user's (new) password.

locals {
  migrate_container_name = "migrate"

  migrate_environment = {
    DB_HOST           = aws_db_instance.main.address
    DB_PORT           = tostring(local.db_port)
    DB_NAME           = var.db_name
    DB_USER           = local.db_app_user
    DB_MIGRATION_USER = var.db_username
    DB_DEMO_DATA      = tostring(var.demo_data)
  }
}

resource "aws_ecs_task_definition" "migrate" {
  family                   = "${local.name}-migrate"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.migrate_execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  container_definitions = jsonencode([{
    name       = local.migrate_container_name
    image      = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"
    essential  = true
    entryPoint = ["/opt/payara/server-config/migrate.sh"]
    command    = ["migrate"]

    environment = [for k in sort(keys(local.migrate_environment)) : { name = k, value = local.migrate_environment[k] }]

    secrets = [
      { name = "DB_MIGRATION_PASS", valueFrom = "${local.db_secret_arn}:password::" },
      { name = "DB_PASS", valueFrom = aws_secretsmanager_secret.app[var.db_app_slot].arn },
    ]

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.app.name
        awslogs-region        = var.region
        awslogs-stream-prefix = "migrate"
      }
    }
  }])

  tags = { Name = "${local.name}-migrate" }

  depends_on = [aws_secretsmanager_secret_version.app]
}

resource "aws_iam_role" "migrate_execution" {
  name               = "${local.name}-migrate-execution"
  assume_role_policy = local.ecs_tasks_trust

  tags = { Name = "${local.name}-migrate-execution" }
}

resource "aws_iam_role_policy_attachment" "migrate_execution_managed" {
  role       = aws_iam_role.migrate_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role_policy_attachments_exclusive" "migrate_execution" {
  role_name   = aws_iam_role.migrate_execution.name
  policy_arns = [aws_iam_role_policy_attachment.migrate_execution_managed.policy_arn]
}

resource "aws_iam_role_policies_exclusive" "migrate_execution" {
  role_name    = aws_iam_role.migrate_execution.name
  policy_names = [aws_iam_role_policy.migrate_execution_secrets.name]
}

resource "aws_iam_role_policy" "migrate_execution_secrets" {
  name = "read-db-master-and-app-secrets"
  role = aws_iam_role.migrate_execution.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = concat([local.db_secret_arn], sort([for s in aws_secretsmanager_secret.app : s.arn]))
    }]
  })
}
