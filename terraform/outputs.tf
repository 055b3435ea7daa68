# No output carries a password: the master's lives only in the RDS-managed secret, the app user's
# only in its secret (written write-only, secrets.tf).

output "aws_region" {
  description = "Region of the stack (used by bin/deploy)."
  value       = var.region
}

output "alb_url" {
  description = "URL of the application."
  value       = "${var.certificate_arn == null ? "http" : "https"}://${aws_lb.main.dns_name}/"
}

output "ecr_repository_url" {
  description = "Where bin/deploy pushes the image."
  value       = aws_ecr_repository.app.repository_url
}

output "image" {
  description = "Image the task definition runs."
  value       = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"
}

output "image_tag" {
  description = "Git commit of the image the task definition runs (pass it back as -var image_tag for an apply that changes only the infrastructure)."
  value       = var.image_tag
}

output "cpu_architecture" {
  description = "CPU architecture of the task (bin/deploy builds the image for it)."
  value       = var.cpu_architecture
}

output "task_definition_arn" {
  description = "Task definition revision the service runs (bin/deploy checks that its deployment completed)."
  value       = aws_ecs_task_definition.app.arn
}

output "ecs_cluster_name" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.main.name
}

output "ecs_service_name" {
  description = "ECS service name."
  value       = aws_ecs_service.app.name
}

output "log_group_name" {
  description = "CloudWatch log group of the app."
  value       = aws_cloudwatch_log_group.app.name
}

output "bastion_instance_id" {
  description = "SSM bastion instance id (target of aws ssm start-session); null unless bastion_enabled."
  value       = one(aws_instance.bastion[*].id)
}

output "db_host" {
  description = "RDS endpoint address (private)."
  value       = aws_db_instance.main.address
}

output "db_name" {
  description = "Database name."
  value       = var.db_name
}

output "db_user" {
  description = "The app's database user the task definition names (app_a or app_b, alternating with each deployment)."
  value       = local.db_app_user
}

output "db_app_slot" {
  description = "The slot of db_user (a or b)."
  value       = var.db_app_slot
}

output "db_master_user" {
  description = "Master user name: used by the migration task only."
  value       = var.db_username
}

output "db_secret_arn" {
  description = "ARN of the RDS-managed Secrets Manager secret holding the master credentials (the ARN, not the value); only the migration task reads it."
  value       = local.db_secret_arn
}

output "db_app_secret_arn" {
  description = "ARN of the secret holding db_user's password (the ARN, not the value)."
  value       = aws_secretsmanager_secret.app[var.db_app_slot].arn
}

output "migrate_task_definition_arn" {
  description = "The one-off migration task bin/deploy runs before it rolls the service."
  value       = aws_ecs_task_definition.migrate.arn
}

output "private_subnet_ids" {
  description = "Subnets of the tasks (bin/deploy runs the migration task there)."
  value       = [for s in aws_subnet.private : s.id]
}

output "ecs_security_group_id" {
  description = "Security group of the app's and the migration's tasks."
  value       = aws_security_group.main["ecs"].id
}

output "cache_hosts" {
  description = "Memcached nodes as passed to the app in CACHE_HOSTS."
  value       = local.cache_hosts
}

output "db_port_forward_command" {
  description = "Break-glass: forwards localhost:13306 to RDS through the bastion (needs the Session Manager plugin); null unless bastion_enabled."
  value = !var.bastion_enabled ? null : join(" ", [
    "aws ssm start-session",
    "--region ${var.region}",
    "--target ${aws_instance.bastion[0].id}",
    "--document-name AWS-StartPortForwardingSessionToRemoteHost",
    "--parameters '{\"host\":[\"${aws_db_instance.main.address}\"],\"portNumber\":[\"${local.db_port}\"],\"localPortNumber\":[\"13306\"]}'",
  ])
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies (subscribe e-mail, chat or paging to it)."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_names" {
  description = "Every alarm of the stack."
  value       = concat(sort([for a in aws_cloudwatch_metric_alarm.metric : a.alarm_name]), [aws_cloudwatch_metric_alarm.bypass_rate.alarm_name])
}

output "dashboard_url" {
  description = "The CloudWatch dashboard."
  value       = "https://${var.region}.console.aws.amazon.com/cloudwatch/home?region=${var.region}#dashboards/dashboard/${aws_cloudwatch_dashboard.main.dashboard_name}"
}
