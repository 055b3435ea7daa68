locals {
  db_port = 3306

  # RDS keeps (and rotates) the master password in this Secrets Manager secret
  # ({"username","password"}). Only the migration task reads it (migrate.tf).
  db_secret_arn = aws_db_instance.main.master_user_secret[0].secret_arn

  # The app's own database user, one of two that alternate (secrets.tf).
  db_app_user = "app_${var.db_app_slot}"
}

resource "aws_db_subnet_group" "main" {
  name       = local.name
  subnet_ids = [for s in aws_subnet.private : s.id]

  tags = { Name = local.name }
}

resource "aws_db_parameter_group" "main" {
  name_prefix = "${local.name}-mysql84-"
  family      = "mysql8.4"

  parameter {
    name  = "character_set_server"
    value = "utf8mb4"
  }

  parameter {
    name  = "character_set_database"
    value = "utf8mb4"
  }

  parameter {
    name  = "collation_server"
    value = "utf8mb4_0900_ai_ci"
  }

  # Slow query log to a file, which RDS exports to CloudWatch Logs.
  parameter {
    name  = "slow_query_log"
    value = "1"
  }

  parameter {
    name  = "long_query_time"
    value = tostring(var.db_long_query_time)
  }

  parameter {
    name  = "log_output"
    value = "FILE"
  }

  tags = { Name = "${local.name}-mysql84" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_db_instance" "main" {
  identifier     = local.name
  engine         = "mysql"
  engine_version = var.db_engine_version
  instance_class = var.db_instance_class
  port           = local.db_port

  db_name                     = var.db_name
  username                    = var.db_username
  manage_master_user_password = true

  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true

  db_subnet_group_name   = aws_db_subnet_group.main.name
  vpc_security_group_ids = [aws_security_group.main["rds"].id]
  publicly_accessible    = false
  multi_az               = var.db_multi_az
  parameter_group_name   = aws_db_parameter_group.main.name

  backup_retention_period    = var.db_backup_retention_days
  backup_window              = var.db_backup_window
  maintenance_window         = var.db_maintenance_window
  copy_tags_to_snapshot      = true
  auto_minor_version_upgrade = true
  deletion_protection        = var.deletion_protection
  skip_final_snapshot        = !var.final_snapshot
  final_snapshot_identifier  = var.final_snapshot ? "${local.name}-final" : null

  enabled_cloudwatch_logs_exports       = ["error", "slowquery"]
  performance_insights_enabled          = true
  performance_insights_retention_period = 7

  tags = { Name = local.name }

  # The export log groups exist first so that they carry our retention and tags.
  depends_on = [aws_cloudwatch_log_group.rds]
}
