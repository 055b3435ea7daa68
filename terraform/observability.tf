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
