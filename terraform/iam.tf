data "aws_caller_identity" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id

  ecs_tasks_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
      # Only tasks of this account may assume the roles (confused-deputy guard).
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
}

# Used by the ECS agent for the app's tasks: pull the image, write logs, read the app users'
# secrets. Not the master secret: only the migration task's execution role reads that (migrate.tf).
resource "aws_iam_role" "task_execution" {
  name               = "${local.name}-task-execution"
  assume_role_policy = local.ecs_tasks_trust

  tags = { Name = "${local.name}-task-execution" }
}

resource "aws_iam_role_policy_attachment" "task_execution_managed" {
  role       = aws_iam_role.task_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

# Exactly these policies and no others: an attachment or inline policy added elsewhere (another
# resource, the console) is removed again by every apply, and shows up in every plan.
resource "aws_iam_role_policy_attachments_exclusive" "task_execution" {
  role_name   = aws_iam_role.task_execution.name
  policy_arns = [aws_iam_role_policy_attachment.task_execution_managed.policy_arn]
}

resource "aws_iam_role_policies_exclusive" "task_execution" {
  role_name    = aws_iam_role.task_execution.name
  policy_names = [aws_iam_role_policy.task_execution_app_secrets.name]
}

# Both slots: a task of the previous revision may still start (scaling, a rollback) during a
# deployment. The secrets use the aws/secretsmanager key, so no kms:Decrypt is needed.
resource "aws_iam_role_policy" "task_execution_app_secrets" {
  name = "read-db-app-secrets"
  role = aws_iam_role.task_execution.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = sort([for s in aws_secretsmanager_secret.app : s.arn])
    }]
  })
}

# Used by the application itself, which calls no AWS API (its metrics reach CloudWatch as log
# lines, through the execution role's log driver): no permissions, and none can be added beside
# these two resources.
resource "aws_iam_role" "task" {
  name               = "${local.name}-task"
  assume_role_policy = local.ecs_tasks_trust

  tags = { Name = "${local.name}-task" }
}

resource "aws_iam_role_policy_attachments_exclusive" "task" {
  role_name   = aws_iam_role.task.name
  policy_arns = []
}

resource "aws_iam_role_policies_exclusive" "task" {
  role_name    = aws_iam_role.task.name
  policy_names = []
}

resource "aws_iam_role" "bastion" {
  count = var.bastion_enabled ? 1 : 0

  name = "${local.name}-bastion"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = { Name = "${local.name}-bastion" }
}

resource "aws_iam_role_policy_attachment" "bastion_ssm" {
  count      = var.bastion_enabled ? 1 : 0
  role       = aws_iam_role.bastion[0].name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy_attachments_exclusive" "bastion" {
  count       = var.bastion_enabled ? 1 : 0
  role_name   = aws_iam_role.bastion[0].name
  policy_arns = [aws_iam_role_policy_attachment.bastion_ssm[0].policy_arn]
}

resource "aws_iam_role_policies_exclusive" "bastion" {
  count        = var.bastion_enabled ? 1 : 0
  role_name    = aws_iam_role.bastion[0].name
  policy_names = []
}

resource "aws_iam_instance_profile" "bastion" {
  count = var.bastion_enabled ? 1 : 0
  name  = "${local.name}-bastion"
  role  = aws_iam_role.bastion[0].name

  tags = { Name = "${local.name}-bastion" }
}
